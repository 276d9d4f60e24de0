import { PostIncidentReview, Severity } from '@opsportal/plugin-ops-common';

/**
 * What the incident page needs of the reviews feature (reviews/): whether an
 * incident needs a review, its review, and starting one. Declared here as
 * the contract between the two features (the reviews feature's service
 * implements it), so that neither imports the other's internals.
 */
export interface IncidentReviews {
  /** Whether policy requires a review for an incident of this severity. */
  isRequiredFor(severity: Severity): boolean;
  /** The review of an incident, if there is one. */
  forIncident(incidentId: string): Promise<PostIncidentReview | undefined>;
  /** Creates the incident's review if it has none (idempotent), returns it. */
  ensureForIncident(input: {
    incidentId: string;
    title: string;
    severity: Severity;
    entityRefs: string[];
    createdAt: string;
    owner?: string;
    createdBy: string;
  }): Promise<PostIncidentReview>;
}
