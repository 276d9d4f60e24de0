import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { ANNOTATION_PAGERDUTY_SERVICE_ID } from '@opsportal/plugin-ops-common';
import { useState } from 'react';
import { EmptyAnnotation, OpsCard } from '../shared';
import { KpiPeriodValue } from './KpiPeriodPicker';
import { KpiTable } from './KpiTable';
import { KpiToolbar } from './KpiToolbar';
import { reportFreshness, useKpiReport } from './useKpis';

/**
 * Entity card: the entity's operational KPIs over a period, each with target,
 * value, trend against the previous period, status and a small history.
 */
export function EntityKpiCard() {
  const { entity } = useEntity();
  const [period, setPeriod] = useState<KpiPeriodValue>({ period: '30d' });
  const {
    value: report,
    loading,
    error,
  } = useKpiReport({
    scope: 'entity',
    entityRef: stringifyEntityRef(entity),
    ...period,
  });
  const nothing =
    report &&
    report.sources
      .filter(s => s.source !== 'changes')
      .every(s => !s.available) &&
    report.kpis.every(k => k.value === undefined || k.sample === 0);

  return (
    <OpsCard
      title="Operational KPIs"
      subheader={report?.period.label}
      loading={loading && !report}
      error={error}
      freshness={reportFreshness(report)}
      empty={
        nothing ? (
          <EmptyAnnotation
            what="incidents or availability SLO"
            annotation={ANNOTATION_PAGERDUTY_SERVICE_ID}
            example="PXXXXXX"
          />
        ) : undefined
      }
    >
      <KpiToolbar value={period} onChange={setPeriod} report={report} />
      {report && (
        <>
          <KpiTable
            kpis={report.kpis}
            label={`Operational KPIs of ${report.title}`}
            compact
          />
          {report.sources
            .filter(s => !s.available && s.note)
            .map(s => (
              <Typography
                key={s.source}
                variant="caption"
                color="textSecondary"
                display="block"
              >
                {s.note}
              </Typography>
            ))}
        </>
      )}
    </OpsCard>
  );
}
