import { CodeSnippet } from '@backstage/core-components';
import Typography from '@material-ui/core/Typography';

/** How to configure business metrics for an entity (they live in app-config, not in annotations). */
export function BusinessEmptyState(props: { entityRef: string }) {
  const yaml = `ops:
  business:
    metrics:
      - id: orders-per-minute
        title: Orders per minute
        entities: [${props.entityRef}]
        cloudwatch:
          namespace: ECommerce/Business
          metricName: OrdersPlaced
          stat: Sum
        per: minute`;
  return (
    <div>
      <Typography variant="body2" paragraph>
        No business metrics are configured for this entity. They are set in the
        portal's <code>app-config.yaml</code> under{' '}
        <code>ops.business.metrics</code>, each with a CloudWatch metric or a
        Prometheus query and the entities it belongs to:
      </Typography>
      <CodeSnippet language="yaml" text={yaml} showCopyCodeButton />
      <Typography variant="body2" color="textSecondary">
        A component also shows the metrics of the system it is part of. See
        docs/business-metrics.md for every key.
      </Typography>
    </div>
  );
}
