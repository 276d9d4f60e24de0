/**
 * The change request as the API, the store and the frontend see it. The
 * categories, statuses and actions are the seed's change management section
 * (standard, normal and emergency changes) made explicit.
 */

/** The seed's three change categories. @public */
export const changeCategories = ['standard', 'normal', 'emergency'] as const;
/** @public */
export type ChangeCategory = (typeof changeCategories)[number];

/** How risky the requester judges the change. @public */
export const changeRisks = ['low', 'medium', 'high'] as const;
/** @public */
export type ChangeRisk = (typeof changeRisks)[number];

/**
 * Where a change request stands. Which statuses a category passes through is
 * the category's state machine (see `changeWorkflows`).
 * @public
 */
export const changeStatuses = [
  'draft',
  'submitted',
  'approved',
  'rejected',
  'in-progress',
  'completed',
  'failed',
  'rolled-back',
  'cancelled',
  'review-pending',
  'reviewed',
] as const;
/** @public */
export type ChangeStatus = (typeof changeStatuses)[number];

/** Statuses in which a change still holds its planned slot. @public */
export const activeChangeStatuses: readonly ChangeStatus[] = [
  'submitted',
  'approved',
  'in-progress',
];

/** How an implemented change went. @public */
export const changeOutcomes = ['successful', 'failed', 'rolled-back'] as const;
/** @public */
export type ChangeOutcome = (typeof changeOutcomes)[number];

/** What a person can do to a change request. @public */
export const changeActions = [
  'submit',
  'approve',
  'reject',
  'start',
  'complete',
  'fail',
  'roll-back',
  'cancel',
  'complete-review',
] as const;
/** @public */
export type ChangeAction = (typeof changeActions)[number];

/** One recorded approval of the current approval round. @public */
export interface ChangeApproval {
  /** User entity ref of the approver. */
  by: string;
  /** ISO 8601. */
  at: string;
  comment?: string;
}

/** A change request. @public */
export interface ChangeRequest {
  /** Human id, e.g. `CHG-1042`. */
  id: string;
  title: string;
  description: string;
  category: ChangeCategory;
  risk: ChangeRisk;
  /** Id of the standard-change type from config (standard changes). */
  standardType?: string;
  /** Why a normal change is outside a window or on short notice. */
  justification?: string;
  /** Affected catalog entities, as lower-case entity refs. */
  entityRefs: string[];
  /** ISO 8601. */
  plannedStart: string;
  /** ISO 8601. */
  plannedEnd: string;
  implementationPlan: string;
  rollbackPlan: string;
  testPlan: string;
  /** User entity ref of the person who filed it. */
  requester: string;
  status: ChangeStatus;
  /** Set once the implementation has finished. */
  outcome?: ChangeOutcome;
  /** Grows by one with every edit or transition; send it back to write. */
  version: number;
  createdAt: string;
  updatedAt: string;
  /** When it was submitted (or, for emergency changes, started). */
  submittedAt?: string;
  /** When the implementation started. */
  startedAt?: string;
  /** When the implementation finished (completed, failed or rolled back). */
  finishedAt?: string;
}

/** Fields a requester fills in, as the form and `POST` send them. @public */
export type ChangeRequestFields = Pick<
  ChangeRequest,
  | 'title'
  | 'description'
  | 'category'
  | 'risk'
  | 'standardType'
  | 'justification'
  | 'entityRefs'
  | 'plannedStart'
  | 'plannedEnd'
  | 'implementationPlan'
  | 'rollbackPlan'
  | 'testPlan'
>;

/** A recorded step in a change request's life. Never changed afterwards. @public */
export interface ChangeHistoryEntry {
  /** The change request's version after this step. */
  version: number;
  /** User entity ref. */
  actor: string;
  /** ISO 8601. */
  at: string;
  /** `create` and `edit` besides the workflow actions. */
  action: ChangeAction | 'create' | 'edit';
  fromStatus?: ChangeStatus;
  toStatus: ChangeStatus;
  comment?: string;
}

/** Whether the caller may take an action now, and why not. @public */
export interface ChangeActionAvailability {
  action: ChangeAction;
  allowed: boolean;
  /** Why the action is not allowed, in words for the button's tooltip. */
  reason?: string;
  /** The action needs a comment (a reason, a review summary...). */
  commentRequired: boolean;
}

/** Answer of `GET /change-requests/:id`. @public */
export interface ChangeRequestDetail {
  change: ChangeRequest;
  history: ChangeHistoryEntry[];
  /** Approvals of the current round (normal changes). */
  approvals: ChangeApproval[];
  requiredApprovals: number;
  /** The workflow's next steps from here and whether the caller may take them. */
  actions: ChangeActionAvailability[];
  /** Whether the caller may edit the fields (drafts only). */
  canEdit: boolean;
  /** What the policy says about the change as planned. */
  findings: ChangePolicyFinding[];
  /** Other active changes whose planned times overlap on a shared entity. */
  conflicts: ChangeRequestSummary[];
  /**
   * The groups the policy asks to approve a normal change (and tells about
   * an emergency one), as the catalog knows them; absent for standard
   * changes.
   */
  approverGroups?: ChangeApproverGroup[];
}

/** A group asked to approve, and whether the catalog has it. @public */
export interface ChangeApproverGroup {
  entityRef: string;
  /** Its title or display name in the catalog. */
  title?: string;
  /** False when the catalog has no such group: nobody in it is notified. */
  inCatalog: boolean;
}

/** A change request in lists, calendars and conflict warnings. @public */
export type ChangeRequestSummary = Pick<
  ChangeRequest,
  | 'id'
  | 'title'
  | 'category'
  | 'risk'
  | 'status'
  | 'outcome'
  | 'entityRefs'
  | 'plannedStart'
  | 'plannedEnd'
  | 'requester'
  | 'version'
  | 'createdAt'
  | 'updatedAt'
>;

/** Answer of `GET /change-requests`. @public */
export interface ChangeRequestList {
  items: ChangeRequestSummary[];
  /** Pass as `cursor` to get the next page; absent on the last page. */
  nextCursor?: string;
}

/** What the policy says about a planned change. @public */
export interface ChangePolicyFinding {
  code:
    | 'outside-window'
    | 'short-notice'
    | 'freeze'
    | 'standard-type'
    | 'missing-plan'
    | 'emergency-review';
  /**
   * `block`: cannot be submitted as is; `justify`: needs a justification;
   * `info`: for the record.
   */
  severity: 'block' | 'justify' | 'info';
  message: string;
  /** The form field to fix, when there is one. */
  field?: keyof ChangeRequestFields;
}

/** Human id of a change request from its database id. @public */
export function formatChangeId(dbId: number): string {
  return `CHG-${dbId + 1000}`;
}

/**
 * The largest database id a change request can have: ids are 32-bit signed
 * integers in every supported database. @public
 */
export const MAX_CHANGE_DB_ID = 2_147_483_647;

/** The form of a change request id, whether or not one can have it. @public */
export const CHANGE_ID_PATTERN = /^CHG-(\d{1,30})$/i;

/**
 * Database id from a human id (`CHG-1042` or `chg-1042`), if it is one that
 * a change request can have (from CHG-1001 up to the databases' integer
 * range). @public
 */
export function parseChangeId(id: string): number | undefined {
  const match = CHANGE_ID_PATTERN.exec(id.trim());
  if (!match) return undefined;
  const dbId = Number(match[1]) - 1000;
  return Number.isSafeInteger(dbId) && dbId > 0 && dbId <= MAX_CHANGE_DB_ID
    ? dbId
    : undefined;
}

/** Labels for statuses, categories, actions and outcomes. @public */
export const changeLabels = {
  status: {
    draft: 'Draft',
    submitted: 'Awaiting approval',
    approved: 'Approved',
    rejected: 'Rejected',
    'in-progress': 'In progress',
    completed: 'Completed',
    failed: 'Failed',
    'rolled-back': 'Rolled back',
    cancelled: 'Cancelled',
    'review-pending': 'Review pending',
    reviewed: 'Reviewed',
  } satisfies Record<ChangeStatus, string>,
  category: {
    standard: 'Standard',
    normal: 'Normal',
    emergency: 'Emergency',
  } satisfies Record<ChangeCategory, string>,
  risk: {
    low: 'Low',
    medium: 'Medium',
    high: 'High',
  } satisfies Record<ChangeRisk, string>,
  action: {
    submit: 'Submit',
    approve: 'Approve',
    reject: 'Reject',
    start: 'Start implementation',
    complete: 'Mark completed',
    fail: 'Mark failed',
    'roll-back': 'Mark rolled back',
    cancel: 'Cancel',
    'complete-review': 'Complete review',
  } satisfies Record<ChangeAction, string>,
  outcome: {
    successful: 'Successful',
    failed: 'Failed',
    'rolled-back': 'Rolled back',
  } satisfies Record<ChangeOutcome, string>,
};

/** A pre-approved kind of standard change. @public */
export interface StandardChangeType {
  id: string;
  title: string;
  description?: string;
}

/** When the recurring maintenance window is. @public */
export interface MaintenanceWindowRule {
  /** IANA time zone the times below are in, e.g. `America/New_York`. */
  timeZone: string;
  /** ISO weekday, 1 = Monday ... 7 = Sunday. */
  weekday: number;
  /**
   * `monthly`: the `weekOfMonth`-th such weekday of each month (1-4, or -1
   * for the last); `weekly`: every such weekday.
   */
  frequency: 'monthly' | 'weekly';
  weekOfMonth: number;
  /** Local start time, `HH:mm`. */
  startTime: string;
  durationMinutes: number;
}

/** A period in which standard and normal changes may not be made. @public */
export interface FreezePeriod {
  name: string;
  /** ISO 8601 instant. */
  start: string;
  /** ISO 8601 instant (exclusive). */
  end: string;
}

/**
 * The change policy (`ops.changes` in app-config); the defaults are the
 * seed's.
 * @public
 */
export interface ChangePolicy {
  standardTypes: StandardChangeType[];
  /** Approvals a normal change needs, by risk. */
  requiredApprovals: Record<ChangeRisk, number>;
  maintenanceWindow: MaintenanceWindowRule;
  /** Days between submission and planned start that count as due notice. */
  noticeDays: number;
  freezes: FreezePeriod[];
  /**
   * How many minutes before its planned start a standard or normal change
   * may be started. Default {@link DEFAULT_EARLY_START_MINUTES}.
   */
  earlyStartMinutes?: number;
}
