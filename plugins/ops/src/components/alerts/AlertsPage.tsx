import { useState } from 'react';
import { Content, Header, Page } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import {
  AlarmReview,
  AlertsOverview,
  MaintenancePeriod,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { AlarmNoiseTable } from './AlarmNoiseTable';
import { ExportCsvButton } from './ExportCsvButton';
import {
  formatTime,
  plural,
  rankingSubheader,
  withNewReviews,
} from './helpers';
import { PersonPagingTable, ServicePagingTable } from './PagingTables';
import { ReviewsThisMonth } from './ReviewsThisMonth';
import { SummaryTiles } from './SummaryTiles';

/** "3 maintenance windows left out of the counts" and the like. */
export function MaintenanceNote(props: {
  maintenance: MaintenancePeriod[];
  excluded: boolean;
}) {
  const n = props.maintenance.length;
  if (n === 0) return null;
  return (
    <Typography variant="body2" color="textSecondary" role="note">
      {props.excluded
        ? `${plural(
            n,
            'maintenance window',
          )} left out: ALARMs and incidents inside them do not count.`
        : `${plural(
            n,
            'maintenance window',
          )} in the last 30 days; ALARMs and incidents inside them still count.`}
    </Typography>
  );
}

/** The number of alarms reviewed this month once the page's reviews are in. */
function reviewedCount(overview: AlertsOverview, saved: AlarmReview[]) {
  const before = new Set(
    overview.reviewsThisMonth.map(r => `${r.region ?? ''}/${r.alarmName}`),
  );
  const added = new Set(
    saved
      .map(r => `${r.region ?? ''}/${r.alarmName}`)
      .filter(k => !before.has(k)),
  );
  return overview.counts.reviewedThisMonth + added.size;
}

function windowOf(overview: AlertsOverview): string {
  return `${formatTime(overview.paging.since)} – ${formatTime(
    overview.paging.until,
  )}`;
}

/** The page's content without its frame. */
export function AlertsContent() {
  const opsApi = useApi(opsApiRef);
  const { value, loading, error } = useAsync(
    () => opsApi.getAlertsOverview(),
    [opsApi],
  );
  const [saved, setSaved] = useState<AlarmReview[]>([]);
  const state = { loading: loading && !value, error };
  const reviews = value ? withNewReviews(saved, value.reviewsThisMonth) : [];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OpsCard
          title="Alarms at a glance"
          subheader={
            value
              ? `${plural(value.counts.alarms, 'alarm')}, analysed ${formatTime(
                  value.generatedAt,
                )}`
              : undefined
          }
          {...state}
          freshness={value?.freshness.alarms}
        >
          {value && (
            <>
              <SummaryTiles
                counts={{
                  ...value.counts,
                  reviewedThisMonth: reviewedCount(value, saved),
                }}
                thresholds={value.thresholds}
              />
              <div style={{ marginTop: 12 }}>
                <MaintenanceNote
                  maintenance={value.maintenance}
                  excluded={value.thresholds.excludeMaintenance}
                />
              </div>
            </>
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12}>
        <OpsCard
          title="Noisiest alarms"
          subheader={rankingSubheader(
            value?.alarms.length ?? 0,
            value?.alarmsTotal,
          )}
          {...state}
          freshness={value?.freshness.alarms}
          action={<ExportCsvButton kind="alarms" what="noisiest alarms" />}
          empty={
            value && value.alarms.length === 0 ? (
              <Typography variant="body2">
                No alarm is noisy or flagged
                {value.counts.alarms === 0
                  ? ': no CloudWatch alarm belongs to a catalog entity yet (opsportal.dev/alarm-prefix).'
                  : '.'}
              </Typography>
            ) : undefined
          }
        >
          {value && (
            <AlarmNoiseTable
              alarms={value.alarms}
              label="Noisiest alarms"
              onReviewed={review => setSaved(previous => [review, ...previous])}
            />
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12}>
        <OpsCard
          title="Paging load by service"
          subheader={value ? windowOf(value) : undefined}
          {...state}
          freshness={value?.freshness.paging}
          action={
            <ExportCsvButton kind="services" what="paging load by service" />
          }
        >
          {value && (
            <ServicePagingTable
              notReadYet={!value.freshness.paging.fetchedAt}
              services={value.paging.services}
              label="Paging load by service"
            />
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <OpsCard
          title="Pages by person"
          subheader={value ? windowOf(value) : undefined}
          {...state}
          freshness={value?.freshness.paging}
          action={<ExportCsvButton kind="people" what="pages by person" />}
        >
          {value && (
            <PersonPagingTable
              notReadYet={!value.freshness.paging.fetchedAt}
              people={value.paging.people}
              label="Pages by person"
            />
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} lg={6}>
        <OpsCard
          title="Reviewed this month"
          subheader={value ? plural(reviews.length, 'review') : undefined}
          {...state}
        >
          {value && (
            <ReviewsThisMonth
              reviews={reviews}
              label="Alarm reviews this month"
            />
          )}
        </OpsCard>
      </Grid>
    </Grid>
  );
}

/**
 * Platform page `/alerts`: the noisiest alarms and services, who gets paged,
 * and the monthly alarm review.
 * @public
 */
export function AlertsPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Alert health"
        subtitle="Noisy, flapping and silent alarms, paging load, and the monthly alarm review"
      />
      <Content>
        <AlertsContent />
      </Content>
    </Page>
  );
}
