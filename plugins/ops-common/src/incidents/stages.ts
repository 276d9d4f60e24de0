import { IncidentStage, IncidentStageStep, incidentStages } from './response';

/**
 * What the stage rules look at: the incident's state on the paging tool and
 * the portal's own data (role assignments, status updates, the review).
 * Times are ISO 8601; a missing time means the event has not happened (or is
 * not known).
 * @public
 */
export interface IncidentStageFacts {
  status: 'triggered' | 'acknowledged' | 'resolved';
  createdAt: string;
  /** First acknowledgement. */
  acknowledgedAt?: string;
  acknowledgedBy?: string;
  /** First Incident Commander assignment. */
  commanderAssignedAt?: string;
  commanderName?: string;
  /** First status update or note that tells the mitigation is in place. */
  mitigatedAt?: string;
  resolvedAt?: string;
  /** When the post-incident review was completed. */
  reviewCompletedAt?: string;
}

/**
 * Whether a note's or status update's text tells that the mitigation is in
 * place: it starts with "Mitigation:" or "Mitigated" (any case). Status
 * updates posted from the portal with `mitigated: true` start with
 * "Mitigated:", so the rule also holds for what PagerDuty stores.
 * @public
 */
export function isMitigationText(text: string | undefined): boolean {
  if (!text) return false;
  return /^\s*(mitigation:|mitigated)/i.test(text);
}

/**
 * The seed's six stages of an incident, derived from facts:
 * triggered → detection; acknowledged → triage; Incident Commander assigned
 * → investigation; a mitigation update → mitigation; resolved → recovery;
 * review completed → post-incident review. A step counts as reached when its
 * own fact is there, or when a later step was reached (an incident resolved
 * without acknowledgement passed through triage); such a step has no time.
 * Each step keeps the time of its own fact, so a reassignment or a second
 * update does not move it.
 * @public
 */
export function incidentStageSteps(
  facts: IncidentStageFacts,
): IncidentStageStep[] {
  const resolved = facts.status === 'resolved' || !!facts.resolvedAt;
  const own: Record<IncidentStage, { at?: string; reason?: string } | null> = {
    detection: { at: facts.createdAt, reason: 'triggered' },
    triage:
      facts.acknowledgedAt || facts.status === 'acknowledged'
        ? {
            at: facts.acknowledgedAt,
            reason: facts.acknowledgedBy
              ? `acknowledged by ${facts.acknowledgedBy}`
              : 'acknowledged',
          }
        : null,
    investigation: facts.commanderAssignedAt
      ? {
          at: facts.commanderAssignedAt,
          reason: facts.commanderName
            ? `${facts.commanderName} is Incident Commander`
            : 'Incident Commander assigned',
        }
      : null,
    mitigation: facts.mitigatedAt
      ? { at: facts.mitigatedAt, reason: 'mitigation in place' }
      : null,
    recovery: resolved ? { at: facts.resolvedAt, reason: 'resolved' } : null,
    review: facts.reviewCompletedAt
      ? { at: facts.reviewCompletedAt, reason: 'review completed' }
      : null,
  };
  let furthest = 0;
  incidentStages.forEach((stage, index) => {
    if (own[stage]) furthest = index;
  });
  return incidentStages.map((stage, index) => {
    const step = own[stage];
    if (step) return { stage, reached: true, at: step.at, reason: step.reason };
    return index < furthest
      ? { stage, reached: true, reason: 'passed' }
      : { stage, reached: false };
  });
}

/**
 * The stage an incident is in: the furthest step reached.
 * @public
 */
export function currentIncidentStage(
  steps: IncidentStageStep[],
): IncidentStage {
  let stage: IncidentStage = 'detection';
  for (const step of steps) if (step.reached) stage = step.stage;
  return stage;
}
