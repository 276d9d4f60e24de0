import { stringifyEntityRef } from '@backstage/catalog-model';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Accordion from '@material-ui/core/Accordion';
import AccordionDetails from '@material-ui/core/AccordionDetails';
import AccordionSummary from '@material-ui/core/AccordionSummary';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ExpandMoreIcon from '@material-ui/icons/ExpandMore';
import { BusinessMetricView } from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { BusinessEmptyState } from './BusinessEmptyState';
import { BusinessMetricTile } from './BusinessMetricTile';
import { combinedFreshness } from './helpers';

const useStyles = makeStyles(theme => ({
  grid: {
    display: 'grid',
    gridTemplateColumns: 'repeat(auto-fill, minmax(220px, 1fr))',
    gap: theme.spacing(1.5),
  },
  system: { marginTop: theme.spacing(2) },
}));

function Tiles(props: { metrics: BusinessMetricView[] }) {
  const classes = useStyles();
  return (
    <div className={classes.grid}>
      {props.metrics.map(m => (
        <BusinessMetricTile key={m.id} metric={m} />
      ))}
    </div>
  );
}

function flaggedText(metrics: BusinessMetricView[]): string {
  const n = metrics.filter(m => m.flagged).length;
  return n === 0 ? 'none flagged' : `${n} flagged`;
}

/**
 * Entity card for systems and components: the business metrics configured
 * for the entity (`ops.business.metrics`), each against the same time last
 * week with a 24-hour chart; on a component, its system's metrics follow,
 * folded.
 * @public
 */
export function EntityBusinessMetricsCard() {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const classes = useStyles();
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsync(
    () => opsApi.getEntityBusinessMetrics(entityRef),
    [opsApi, entityRef],
  );
  const own = value?.metrics ?? [];
  const system = value?.system;
  const all = [...own, ...(system?.metrics ?? [])];
  const flagged = all.filter(m => m.flagged).length;

  return (
    <OpsCard
      title="Business metrics"
      subheader={
        value && all.length > 0
          ? `Against the same time last week · ${
              flagged === 0 ? 'nothing flagged' : `${flagged} flagged`
            }`
          : undefined
      }
      loading={loading}
      error={error}
      empty={
        value && all.length === 0 ? (
          <BusinessEmptyState entityRef={entityRef} />
        ) : undefined
      }
      freshness={value ? combinedFreshness(all) : undefined}
    >
      {own.length > 0 && <Tiles metrics={own} />}
      {system && system.metrics.length > 0 && (
        <Accordion
          className={classes.system}
          defaultExpanded={own.length === 0}
          TransitionProps={{ unmountOnExit: true }}
        >
          <AccordionSummary
            expandIcon={<ExpandMoreIcon />}
            aria-controls="business-system-metrics"
            id="business-system-metrics-header"
          >
            <Typography variant="body2">
              Metrics of the system{' '}
              <strong>{system.title ?? system.entityRef}</strong> (
              {system.metrics.length}, {flaggedText(system.metrics)})
            </Typography>
          </AccordionSummary>
          <AccordionDetails
            id="business-system-metrics"
            style={{ display: 'block' }}
          >
            <Typography variant="body2" paragraph>
              <EntityRefLink entityRef={system.entityRef}>
                Open the system
              </EntityRefLink>
            </Typography>
            <Tiles metrics={system.metrics} />
          </AccordionDetails>
        </Accordion>
      )}
    </OpsCard>
  );
}
