import {
  ChangeAction,
  ChangeActionAvailability,
  ChangeApproval,
  ChangeCategory,
  ChangeOutcome,
  ChangeRequest,
  ChangeStatus,
} from './model';

/** Which permission an action needs (besides the workflow's own rules). @public */
export type ChangePermissionKind = 'update' | 'approve' | 'review';

/** One edge of a category's state machine. @public */
export interface ChangeTransition {
  action: ChangeAction;
  from: readonly ChangeStatus[];
  to: ChangeStatus;
  /** The outcome the action records. */
  outcome?: ChangeOutcome;
  permission: ChangePermissionKind;
}

const implement = (
  finishedTo: (o: ChangeOutcome) => ChangeStatus,
): ChangeTransition[] => [
  {
    action: 'complete',
    from: ['in-progress'],
    to: finishedTo('successful'),
    outcome: 'successful',
    permission: 'update',
  },
  {
    action: 'fail',
    from: ['in-progress'],
    to: finishedTo('failed'),
    outcome: 'failed',
    permission: 'update',
  },
  {
    action: 'roll-back',
    from: ['in-progress'],
    to: finishedTo('rolled-back'),
    outcome: 'rolled-back',
    permission: 'update',
  },
];

/**
 * The state machine of each category.
 *
 * - standard: draft → (submit) approved, pre-approved → in progress → completed | failed | rolled back
 * - normal: draft → (submit) submitted → (approve, as many times as the risk needs) approved
 *   → in progress → completed | failed | rolled back; or rejected
 * - emergency: draft → (start) in progress → review pending (with the outcome) → reviewed
 *
 * Drafts and not yet started changes can be cancelled.
 * @public
 */
export const changeWorkflows: Record<ChangeCategory, ChangeTransition[]> = {
  standard: [
    { action: 'submit', from: ['draft'], to: 'approved', permission: 'update' },
    {
      action: 'start',
      from: ['approved'],
      to: 'in-progress',
      permission: 'update',
    },
    ...implement(o => (o === 'successful' ? 'completed' : o)),
    {
      action: 'cancel',
      from: ['draft', 'approved'],
      to: 'cancelled',
      permission: 'update',
    },
  ],
  normal: [
    {
      action: 'submit',
      from: ['draft'],
      to: 'submitted',
      permission: 'update',
    },
    {
      action: 'approve',
      from: ['submitted'],
      to: 'approved',
      permission: 'approve',
    },
    {
      action: 'reject',
      from: ['submitted'],
      to: 'rejected',
      permission: 'approve',
    },
    {
      action: 'start',
      from: ['approved'],
      to: 'in-progress',
      permission: 'update',
    },
    ...implement(o => (o === 'successful' ? 'completed' : o)),
    {
      action: 'cancel',
      from: ['draft', 'submitted', 'approved'],
      to: 'cancelled',
      permission: 'update',
    },
  ],
  emergency: [
    {
      action: 'start',
      from: ['draft'],
      to: 'in-progress',
      permission: 'update',
    },
    ...implement(() => 'review-pending'),
    {
      action: 'complete-review',
      from: ['review-pending'],
      to: 'reviewed',
      permission: 'review',
    },
    {
      action: 'cancel',
      from: ['draft'],
      to: 'cancelled',
      permission: 'update',
    },
  ],
};

/** Actions that must come with a comment: a reason or a review summary. @public */
export const commentRequiredActions: readonly ChangeAction[] = [
  'reject',
  'fail',
  'roll-back',
  'complete-review',
];

/** Who is acting, and which permissions they hold for this change. @public */
export interface ChangeActor {
  userEntityRef: string;
  may: Record<ChangePermissionKind, boolean>;
}

/** What the workflow needs to know besides the change itself. @public */
export interface ChangeWorkflowContext {
  /** Approvals of the current round. */
  approvals: ChangeApproval[];
  requiredApprovals: number;
}

/** The result of asking the workflow whether an action may happen. @public */
export type ChangeTransitionDecision =
  | {
      ok: true;
      from: ChangeStatus;
      to: ChangeStatus;
      outcome?: ChangeOutcome;
      /** For approvals: the round is complete with this one. */
      approvalComplete?: boolean;
    }
  | {
      ok: false;
      /** `state`: not possible from here; `forbidden`: not for this person. */
      kind: 'state' | 'forbidden';
      reason: string;
    };

const permissionWords: Record<ChangePermissionKind, string> = {
  update: 'update change requests',
  approve: 'approve change requests',
  review: 'review emergency changes',
};

/**
 * Decides whether `actor` may take `action` on `change` now, and where it
 * leads. The one place the workflow rules live: the backend enforces it and
 * the frontend shows its answers.
 * @public
 */
export function decideTransition(
  change: Pick<ChangeRequest, 'category' | 'status' | 'requester'>,
  action: ChangeAction,
  actor: ChangeActor,
  context: ChangeWorkflowContext,
): ChangeTransitionDecision {
  const transition = changeWorkflows[change.category].find(
    t => t.action === action && t.from.includes(change.status),
  );
  if (!transition) {
    return {
      ok: false,
      kind: 'state',
      reason: `A ${change.category} change that is ${change.status} cannot be given the action "${action}".`,
    };
  }
  if (!actor.may[transition.permission]) {
    return {
      ok: false,
      kind: 'forbidden',
      reason: `You do not have permission to ${
        permissionWords[transition.permission]
      }.`,
    };
  }
  const isRequester = sameRef(actor.userEntityRef, change.requester);
  if ((action === 'approve' || action === 'reject') && isRequester) {
    return {
      ok: false,
      kind: 'forbidden',
      reason: 'You filed this change: someone else must decide on it.',
    };
  }
  if (action === 'complete-review' && isRequester) {
    return {
      ok: false,
      kind: 'forbidden',
      reason:
        'You filed this change: the post-implementation review is done by someone else.',
    };
  }
  if (action === 'approve') {
    if (context.approvals.some(a => sameRef(a.by, actor.userEntityRef))) {
      const missing = context.requiredApprovals - context.approvals.length;
      return {
        ok: false,
        kind: 'forbidden',
        reason: `You have already approved it; it needs ${missing} more approval${
          missing === 1 ? '' : 's'
        } from someone else.`,
      };
    }
    const complete =
      context.approvals.length + 1 >= Math.max(1, context.requiredApprovals);
    return {
      ok: true,
      from: change.status,
      to: complete ? transition.to : change.status,
      approvalComplete: complete,
    };
  }
  return {
    ok: true,
    from: change.status,
    to: transition.to,
    outcome: transition.outcome,
  };
}

/**
 * The workflow's next steps from the change's status, each with whether the
 * actor may take it and why not.
 * @public
 */
export function availableChangeActions(
  change: Pick<ChangeRequest, 'category' | 'status' | 'requester'>,
  actor: ChangeActor,
  context: ChangeWorkflowContext,
): ChangeActionAvailability[] {
  return changeWorkflows[change.category]
    .filter(t => t.from.includes(change.status))
    .map(t => {
      const decision = decideTransition(change, t.action, actor, context);
      return {
        action: t.action,
        allowed: decision.ok,
        reason: decision.ok ? undefined : decision.reason,
        commentRequired: commentRequiredActions.includes(t.action),
      };
    });
}

/** Statuses a category can be in, in workflow order. @public */
export function statusesOf(category: ChangeCategory): ChangeStatus[] {
  const seen = new Set<ChangeStatus>(['draft']);
  for (const t of changeWorkflows[category]) {
    t.from.forEach(s => seen.add(s));
    seen.add(t.to);
  }
  return [...seen];
}

function sameRef(a: string, b: string): boolean {
  return a.toLocaleLowerCase('en-US') === b.toLocaleLowerCase('en-US');
}
