import { ANNOTATION_CONTAINER_SERVICE } from '@opsportal/plugin-ops-common';
import Typography from '@material-ui/core/Typography';
import { EmptyAnnotation } from '../shared';

/** How to switch capacity trends on for an entity. */
export function CapacityEmptyState() {
  return (
    <>
      <EmptyAnnotation
        what="capacity metrics"
        annotation={ANNOTATION_CONTAINER_SERVICE}
        example="my-cluster/my-namespace/my-service"
      />
      <Typography variant="body2" color="textSecondary">
        ECS services use <code>cluster/service</code>. Request rate and latency
        come from <code>opsportal.dev/alb</code> with{' '}
        <code>opsportal.dev/alb-target-group</code>, queue depth from{' '}
        <code>opsportal.dev/sqs-queue</code>.
      </Typography>
    </>
  );
}
