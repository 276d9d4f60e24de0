import { useState } from 'react';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableContainer from '@material-ui/core/TableContainer';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { AlarmReview, GroupAlertHealth } from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { AlarmNoiseTable } from './AlarmNoiseTable';
import { formatTime, plural, withNewReviews } from './helpers';
import { PersonPagingTable, ServicePagingTable } from './PagingTables';
import { ReviewsThisMonth } from './ReviewsThisMonth';

/** A count that reads as a problem when above zero. */
function Problem(props: { value: number }) {
  return props.value > 0 ? (
    <Typography variant="body2" component="span" color="error">
      {props.value}
    </Typography>
  ) : (
    <>0</>
  );
}

function EntitiesTable(props: {
  entities: GroupAlertHealth['entities'];
  label: string;
}) {
  return (
    <TableContainer component={Paper}>
      <Table size="small" aria-label={props.label}>
        <TableHead>
          <TableRow>
            <TableCell>Entity</TableCell>
            <TableCell align="right">Alarms</TableCell>
            <TableCell align="right">Noisy</TableCell>
            <TableCell align="right">Flagged</TableCell>
            <TableCell align="right">Policy alerts missing</TableCell>
            <TableCell align="right">Policy alerts looser</TableCell>
          </TableRow>
        </TableHead>
        <TableBody>
          {props.entities.map(e => (
            <TableRow key={e.entityRef}>
              <TableCell component="th" scope="row" role="rowheader">
                <EntityRefLink entityRef={e.entityRef} title={e.title} />
              </TableCell>
              <TableCell align="right">{e.alarms}</TableCell>
              <TableCell align="right">
                <Problem value={e.noisy} />
              </TableCell>
              <TableCell align="right">
                <Problem value={e.flagged} />
              </TableCell>
              <TableCell align="right">
                <Problem value={e.policyMissing} />
              </TableCell>
              <TableCell align="right">
                <Problem value={e.policyLooser} />
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </TableContainer>
  );
}

/**
 * Group tab "Alert health": the team's entities with their alarm and policy
 * counts, the team's noisy and flagged alarms (with review), the paging
 * load of its services and people, and its alarm reviews this month.
 */
export function TeamAlertHealthContent() {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const groupRef = stringifyEntityRef(entity);
  const title = entity.metadata.title ?? entity.metadata.name;
  const { value, loading, error } = useAsync(
    () => opsApi.getGroupAlertHealth(groupRef),
    [opsApi, groupRef],
  );
  const [saved, setSaved] = useState<AlarmReview[]>([]);
  const state = { loading: loading && !value, error };
  const windowText = value
    ? `${formatTime(value.paging.since)} – ${formatTime(value.paging.until)}`
    : undefined;
  const nothing = value && value.entities.length === 0;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OpsCard
          title="Entities"
          subheader={
            value
              ? `${plural(
                  value.entities.length,
                  'entity',
                )} of ${title} with alarms or PagerDuty services`
              : undefined
          }
          {...state}
          freshness={value?.freshness.alarms}
          empty={
            nothing ? (
              <Typography variant="body2">
                {title} owns no entity with CloudWatch alarms
                (opsportal.dev/alarm-prefix) or a PagerDuty service
                (pagerduty.com/service-id).
              </Typography>
            ) : undefined
          }
        >
          {value && (
            <EntitiesTable
              entities={value.entities}
              label={`Alert health of ${title}'s entities`}
            />
          )}
        </OpsCard>
      </Grid>
      {!nothing && (
        <>
          <Grid item xs={12}>
            <OpsCard
              title="Noisy and flagged alarms"
              subheader={
                value?.alarmsTotal !== undefined &&
                value.alarmsTotal > value.alarms.length
                  ? `Noisiest first: the top ${value.alarms.length} of ${value.alarmsTotal}`
                  : 'Noisiest first'
              }
              {...state}
              freshness={value?.freshness.alarms}
              empty={
                value && value.alarms.length === 0 ? (
                  <Typography variant="body2">
                    No alarm of {title} is noisy or flagged.
                  </Typography>
                ) : undefined
              }
            >
              {value && (
                <AlarmNoiseTable
                  alarms={value.alarms}
                  label={`Alarms of ${title}`}
                  hideOwner
                  onReviewed={review =>
                    setSaved(previous => [review, ...previous])
                  }
                />
              )}
            </OpsCard>
          </Grid>
          <Grid item xs={12}>
            <OpsCard
              title="Paging load by service"
              subheader={windowText}
              {...state}
              freshness={value?.freshness.paging}
            >
              {value && (
                <ServicePagingTable
                  notReadYet={!value.freshness.paging.fetchedAt}
                  services={value.paging.services}
                  label={`Paging load of ${title}'s services`}
                />
              )}
            </OpsCard>
          </Grid>
          <Grid item xs={12} lg={6}>
            <OpsCard
              title="Pages by person"
              subheader={windowText}
              {...state}
              freshness={value?.freshness.paging}
            >
              {value && (
                <PersonPagingTable
                  notReadYet={!value.freshness.paging.fetchedAt}
                  people={value.paging.people}
                  label={`Pages of ${title}'s people`}
                />
              )}
            </OpsCard>
          </Grid>
          <Grid item xs={12} lg={6}>
            <OpsCard title="Reviewed this month" {...state}>
              {value && (
                <ReviewsThisMonth
                  reviews={withNewReviews(saved, value.reviewsThisMonth)}
                  label={`Alarm reviews of ${title} this month`}
                />
              )}
            </OpsCard>
          </Grid>
        </>
      )}
    </Grid>
  );
}
