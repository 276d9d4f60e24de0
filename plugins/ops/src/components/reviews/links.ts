import { PostIncidentReview } from '@opsportal/plugin-ops-common';
import { useOptionalChangesLinks } from '../changes/useChangesLinks';

/**
 * The incident page of an incident. The page is mounted at `/incidents/:id`
 * (issue 15); until the plugin has a route ref for it, the path is built
 * here, in one place, so that switching to the route ref is a one-line
 * change.
 */
export function incidentPath(incidentId: string): string {
  return `/incidents/${encodeURIComponent(incidentId)}`;
}

/**
 * Where a review's subject is shown: the incident page, or the change
 * request page when the app mounts it (undefined otherwise).
 */
export function useSubjectLink(): (
  review: PostIncidentReview,
) => string | undefined {
  const changes = useOptionalChangesLinks();
  return review =>
    review.subject.kind === 'incident'
      ? incidentPath(review.subject.incidentId)
      : changes?.detail(review.subject.changeId);
}
