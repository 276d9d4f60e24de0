import { Content, Header, Page } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import { useState } from 'react';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OverviewReviewsSection } from '../reviews/OverviewReviewsSection';
import { OpsCard } from '../shared';
import { KpiPeriodValue } from './KpiPeriodPicker';
import { KpiTable } from './KpiTable';
import { KpiToolbar } from './KpiToolbar';
import {
  CapacityRiskSection,
  OnCallNowSection,
  OpenIncidentsSection,
  SloSummarySection,
  UpcomingChangesSection,
} from './OverviewSections';
import { reportFreshness, useKpiReport } from './useKpis';

/**
 * The landing page of the ops portal: the platform's KPIs as the seed's two
 * tables, the SLO summary, open P1/P2 incidents, who is on call, upcoming
 * changes and maintenance windows, open and overdue post-incident reviews,
 * and services at capacity risk.
 */
export function OpsOverviewPage() {
  const api = useApi(opsApiRef);
  const [period, setPeriod] = useState<KpiPeriodValue>({ period: '30d' });
  const kpis = useKpiReport({ scope: 'platform', ...period });
  const overview = useAsync(() => api.getOverview(), [api]);
  const capacity = useAsync(() => api.getCapacityReview(), [api]);
  const report = kpis.value;
  const loaded = {
    overview: overview.value,
    loading: overview.loading,
    error: overview.error,
  };
  const kpiCard = {
    subheader: report?.period.label,
    loading: kpis.loading && !report,
    error: kpis.error,
    freshness: reportFreshness(report),
  };

  return (
    <Page themeId="home">
      <Header
        title="Operations overview"
        subtitle="The platform's KPIs, SLOs, incidents, on-call, changes and capacity"
      />
      <Content>
        <Grid container spacing={3}>
          <Grid item xs={12}>
            <KpiToolbar value={period} onChange={setPeriod} report={report} />
          </Grid>
          <Grid item xs={12} xl={6}>
            <OpsCard title="System reliability" {...kpiCard}>
              {report && (
                <KpiTable
                  kpis={report.kpis}
                  table="reliability"
                  label="System reliability KPIs"
                />
              )}
            </OpsCard>
          </Grid>
          <Grid item xs={12} xl={6}>
            <OpsCard
              title="Operational efficiency"
              {...kpiCard}
              freshness={undefined}
            >
              {report && (
                <KpiTable
                  kpis={report.kpis}
                  table="efficiency"
                  label="Operational efficiency KPIs"
                />
              )}
            </OpsCard>
          </Grid>
          <Grid item xs={12} lg={6}>
            <OpenIncidentsSection {...loaded} />
          </Grid>
          <Grid item xs={12} lg={6}>
            <OnCallNowSection {...loaded} />
          </Grid>
          <Grid item xs={12} lg={6}>
            <SloSummarySection {...loaded} />
          </Grid>
          <Grid item xs={12} lg={6}>
            <UpcomingChangesSection {...loaded} />
          </Grid>
          <Grid item xs={12}>
            <OverviewReviewsSection />
          </Grid>
          <Grid item xs={12}>
            <CapacityRiskSection
              review={capacity.value}
              loading={capacity.loading}
              error={capacity.error}
            />
          </Grid>
        </Grid>
      </Content>
    </Page>
  );
}
