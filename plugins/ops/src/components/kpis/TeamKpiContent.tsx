import { stringifyEntityRef } from '@backstage/catalog-model';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import { useState } from 'react';
import { OpsCard } from '../shared';
import { KpiPeriodValue } from './KpiPeriodPicker';
import { KpiTable } from './KpiTable';
import { KpiToolbar } from './KpiToolbar';
import { reportFreshness, useKpiReport } from './useKpis';

/**
 * Group tab: the team's KPIs over its services (owned, and those it is on
 * call for), as the seed's two tables.
 */
export function TeamKpiContent() {
  const { entity } = useEntity();
  const [period, setPeriod] = useState<KpiPeriodValue>({ period: '30d' });
  const {
    value: report,
    loading,
    error,
  } = useKpiReport({
    scope: 'team',
    entityRef: stringifyEntityRef(entity),
    ...period,
  });
  const empty =
    report && report.entities.length === 0 ? (
      <Typography variant="body2">
        This team owns no services and is on call for none: set{' '}
        <code>spec.owner</code> of its services, or the{' '}
        <code>pagerduty.com/escalation-policy-id</code> annotation of the team.
      </Typography>
    ) : undefined;
  const common = {
    loading: loading && !report,
    error,
    empty,
    freshness: reportFreshness(report),
  };
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <KpiToolbar value={period} onChange={setPeriod} report={report} />
      </Grid>
      <Grid item xs={12} xl={6}>
        <OpsCard
          title="System reliability"
          subheader={report?.period.label}
          {...common}
        >
          {report && (
            <KpiTable
              kpis={report.kpis}
              table="reliability"
              label={`System reliability KPIs of ${report.title}`}
            />
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} xl={6}>
        <OpsCard
          title="Operational efficiency"
          subheader={report?.period.label}
          {...common}
          freshness={undefined}
        >
          {report && (
            <KpiTable
              kpis={report.kpis}
              table="efficiency"
              label={`Operational efficiency KPIs of ${report.title}`}
            />
          )}
        </OpsCard>
      </Grid>
      {report && report.entities.length > 0 && (
        <Grid item xs={12}>
          <Typography variant="body2" component="div">
            Over {report.entities.length} services:{' '}
            {report.entities.map((e, i) => (
              <span key={e.entityRef}>
                {i > 0 && ', '}
                <EntityRefLink entityRef={e.entityRef} title={e.title} />
              </span>
            ))}
          </Typography>
        </Grid>
      )}
    </Grid>
  );
}
