import {
  ChangeRequest,
  ChangeRequestDetail,
  defaultChangePolicy,
  MaintenanceCalendar,
} from '@opsportal/plugin-ops-common';
import { OpsApi } from '../../../api';

export const paymentChange: ChangeRequest = {
  id: 'CHG-1042',
  title: 'Add a refunds index to the payments table',
  description: 'Refund lookups scan the table.',
  category: 'normal',
  risk: 'medium',
  justification: 'Refunds time out today.',
  entityRefs: ['component:default/payment-service'],
  plannedStart: '2030-01-09T10:00:00.000Z',
  plannedEnd: '2030-01-09T11:00:00.000Z',
  implementationPlan: 'Run migration 42.',
  rollbackPlan: 'Drop the index.',
  testPlan: 'Refund smoke test.',
  requester: 'user:default/guest',
  status: 'submitted',
  version: 2,
  createdAt: '2029-12-20T12:00:00.000Z',
  updatedAt: '2029-12-20T12:00:00.000Z',
  submittedAt: '2029-12-20T12:00:00.000Z',
};

export function detailOf(
  overrides: Partial<ChangeRequestDetail> = {},
): ChangeRequestDetail {
  return {
    change: paymentChange,
    history: [
      {
        version: 1,
        actor: 'user:default/guest',
        at: '2029-12-20T12:00:00.000Z',
        action: 'create',
        toStatus: 'draft',
      },
      {
        version: 2,
        actor: 'user:default/guest',
        at: '2029-12-20T12:00:00.000Z',
        action: 'submit',
        fromStatus: 'draft',
        toStatus: 'submitted',
      },
    ],
    approvals: [],
    requiredApprovals: 1,
    actions: [
      { action: 'approve', allowed: true, commentRequired: false },
      { action: 'reject', allowed: true, commentRequired: true },
      {
        action: 'cancel',
        allowed: false,
        reason: 'You do not have permission to update change requests.',
        commentRequired: false,
      },
    ],
    canEdit: false,
    findings: [
      {
        code: 'outside-window',
        severity: 'justify',
        field: 'justification',
        message: 'The planned time is outside the maintenance window.',
      },
    ],
    conflicts: [],
    ...overrides,
  };
}

export const decemberCalendar: MaintenanceCalendar = {
  timeZone: 'America/New_York',
  description: 'first Sunday of each month, 02:00–04:00 America/New_York',
  windows: [
    { start: '2026-12-06T07:00:00.000Z', end: '2026-12-06T09:00:00.000Z' },
  ],
  freezes: [
    {
      name: 'Holiday peak',
      start: '2026-12-18T05:00:00.000Z',
      end: '2027-01-04T05:00:00.000Z',
    },
  ],
};

/** An OpsApi whose change methods answer from the given functions. */
export function fakeOpsApi(overrides: Partial<OpsApi> = {}): OpsApi {
  const notUsed = () => {
    throw new Error('not used in this test');
  };
  return {
    getHealth: notUsed,
    listChangeRequests: async () => ({ items: [] }),
    getChangeRequest: async () => detailOf(),
    createChangeRequest: notUsed,
    updateChangeRequest: notUsed,
    transitionChangeRequest: notUsed,
    getMaintenanceCalendar: async () => decemberCalendar,
    getChangePolicy: async () => defaultChangePolicy,
    getChangeMeasures: notUsed,
    ...overrides,
  } as unknown as OpsApi;
}
