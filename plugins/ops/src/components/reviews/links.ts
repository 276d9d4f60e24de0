import { PostIncidentReview } from '@opsportal/plugin-ops-common';
import { useOptionalChangesLinks } from '../changes/useChangesLinks';
import { useOptionalIncidentLinks } from '../incidents/useIncidentLinks';

/**
 * Where a review's subject is shown: the incident page (`/incidents/:id`)
 * or the change request page, when the app mounts them; undefined
 * otherwise, and the review is named without a link.
 */
export function useSubjectLink(): (
  review: PostIncidentReview,
) => string | undefined {
  const incidents = useOptionalIncidentLinks();
  const changes = useOptionalChangesLinks();
  return review =>
    review.subject.kind === 'incident'
      ? incidents?.incident(review.subject.incidentId)
      : changes?.detail(review.subject.changeId);
}
