import { lazy, Suspense } from 'react';
import Divider from '@material-ui/core/Divider';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_SLO_AVAILABILITY,
  ANNOTATION_SLO_SPEC,
} from '@opsportal/plugin-ops-common';
import { EmptyAnnotation, OpsCard } from '../shared';
import { ObjectiveSummary } from './ObjectiveSummary';
import { SloProblems } from './SloProblems';
import { useEntitySlos } from './useEntitySlos';

// The chart library loads after the card's figures (its own chunk).
const BurnDownChart = lazy(() =>
  import('./BurnDownChart').then(m => ({ default: m.BurnDownChart })),
);

/** Empty state: the annotations that define SLOs. */
export function SloEmptyState() {
  return (
    <div>
      <EmptyAnnotation
        what="SLOs"
        annotation={ANNOTATION_SLO_AVAILABILITY}
        example="'99.9'"
        docs="https://github.com/ops-portal/ops-portal/blob/main/docs/slo.md"
      />
      <Typography variant="body2" style={{ marginTop: 8 }}>
        Or point <code>{ANNOTATION_SLO_SPEC}</code> at an OpenSLO file next to
        the entity's catalog file.
      </Typography>
    </div>
  );
}

/**
 * Entity card: each SLO with its target, current value, error budget left
 * (share and minutes), burn-rate alert with the reason, and the budget
 * burn-down over the window.
 */
export function EntitySloCard() {
  const { entity, value, loading, error } = useEntitySlos();
  const empty =
    value && value.objectives.length === 0 && value.problems.length === 0 ? (
      <SloEmptyState />
    ) : undefined;
  return (
    <OpsCard
      title="Service level objectives"
      subheader="Error budgets and burn rates from CloudWatch"
      loading={loading && !value}
      error={error}
      empty={empty}
      freshness={value}
      deepLink={{
        title: 'SLO details',
        link: `/catalog/${
          entity.metadata.namespace ?? 'default'
        }/${entity.kind.toLocaleLowerCase('en-US')}/${
          entity.metadata.name
        }/slos`,
      }}
    >
      {value && (
        <div aria-label="SLOs" role="list">
          {value.objectives.map((result, i) => (
            <div role="listitem" key={result.objective.id}>
              {i > 0 && <Divider style={{ margin: '16px 0' }} />}
              <ObjectiveSummary result={result} />
              {result.status && (
                <Suspense fallback={<div style={{ height: 110 }} />}>
                  <BurnDownChart
                    name={result.objective.name}
                    points={result.status.burnDown}
                    target={result.objective.target}
                    height={110}
                  />
                </Suspense>
              )}
            </div>
          ))}
          <SloProblems problems={value.problems} />
        </div>
      )}
    </OpsCard>
  );
}
