import Typography from '@material-ui/core/Typography';
import { AutoscalingBounds as Bounds } from '@opsportal/plugin-ops-common';

/** The autoscaling bounds in words, with where they came from. */
export function AutoscalingBounds({ bounds }: { bounds: Bounds }) {
  const pods = [
    `${bounds.minReplicas}–${bounds.maxReplicas} replicas`,
    bounds.targetCpu !== undefined ? `target CPU ${bounds.targetCpu} %` : '',
    bounds.targetMemory !== undefined
      ? `target memory ${bounds.targetMemory} %`
      : '',
  ]
    .filter(Boolean)
    .join(', ');
  const nodes = bounds.nodes
    ? `${bounds.nodes.min}–${bounds.nodes.max} nodes${
        bounds.nodes.targetCpu !== undefined
          ? `, target CPU ${bounds.nodes.targetCpu} %`
          : ''
      }`
    : undefined;
  return (
    <section aria-label="Autoscaling bounds">
      <Typography variant="subtitle2" component="h3">
        Autoscaling
      </Typography>
      <Typography variant="body2">Pods: {pods}</Typography>
      {nodes && <Typography variant="body2">Node group: {nodes}</Typography>}
      <Typography variant="caption" color="textSecondary">
        {bounds.source === 'annotation'
          ? 'From the opsportal.dev/autoscaling annotation.'
          : 'Portal defaults (ops.capacity.autoscaling); set opsportal.dev/autoscaling to override.'}
      </Typography>
    </section>
  );
}
