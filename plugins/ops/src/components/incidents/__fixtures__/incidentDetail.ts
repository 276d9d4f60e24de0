import {
  assessIncident,
  IncidentDetail,
  IncidentRecord,
} from '@opsportal/plugin-ops-common';

const MIN = 60_000;
const iso = (t: number) => new Date(t).toISOString();

/**
 * Order Service's P1, as the incident page loads it. Times are relative to
 * the real clock (read when called), so that the cadence reads the same
 * in every run.
 */
export function orderP1Detail(
  overrides: Partial<IncidentDetail> = {},
): IncidentDetail {
  const now = Date.now();
  const record: IncidentRecord = {
    id: 'QOPENP1',
    number: 1042,
    title: 'Order API error budget burning: 5xx rate above 5%',
    status: 'acknowledged',
    priority: 'P1',
    urgency: 'high',
    serviceId: 'PSVORDR',
    serviceName: 'Order Service',
    createdAt: iso(now - 40 * MIN),
    acknowledgedAt: iso(now - 37 * MIN),
    htmlUrl: 'https://ecommerce-platform.pagerduty.com/incidents/QOPENP1',
    assignees: [{ id: 'PUALICE', name: 'Alice Chen' }],
  };
  return {
    incident: assessIncident(record, new Date(now)),
    entityRefs: ['component:default/order-service'],
    stage: 'triage',
    stages: [
      {
        stage: 'detection',
        reached: true,
        at: iso(now - 40 * MIN),
        reason: 'triggered by Datadog',
      },
      {
        stage: 'triage',
        reached: true,
        at: iso(now - 37 * MIN),
        reason: 'acknowledged by Alice Chen',
      },
      { stage: 'investigation', reached: false },
      { stage: 'mitigation', reached: false },
      { stage: 'recovery', reached: false },
      { stage: 'review', reached: false },
    ],
    // Newest first on purpose: the page sorts oldest first.
    timeline: [
      {
        id: 'R2',
        at: iso(now - 20 * MIN),
        kind: 'role-assigned',
        summary: 'Bruno Silva is Technical Lead',
        actor: { name: 'Alice Chen', ref: 'user:default/alice-chen' },
        source: 'portal',
      },
      {
        id: 'N1',
        at: iso(now - 30 * MIN),
        kind: 'status-update',
        summary: 'Status update',
        detail: 'Checkout fails for 5% of orders.\nRolling back.',
        actor: { name: 'Alice Chen' },
        source: 'pagerduty',
      },
      {
        id: 'L2',
        at: iso(now - 37 * MIN),
        kind: 'acknowledged',
        summary: 'Acknowledged by Alice Chen',
        actor: { name: 'Alice Chen' },
        source: 'pagerduty',
      },
      {
        id: 'L1',
        at: iso(now - 40 * MIN),
        kind: 'triggered',
        summary: 'Triggered through the API',
        source: 'pagerduty',
      },
    ],
    roles: [
      {
        role: 'technical-lead',
        userRef: 'user:default/bruno-silva',
        displayName: 'Bruno Silva',
        assignedBy: 'Alice Chen',
        assignedAt: iso(now - 20 * MIN),
        version: 2,
      },
    ],
    proposedCommander: {
      userRef: 'user:default/alice-chen',
      name: 'Alice Chen',
    },
    responders: [
      {
        id: 'PUALICE',
        name: 'Alice Chen',
        email: 'alice@example.com',
        htmlUrl: 'https://ecommerce-platform.pagerduty.com/users/PUALICE',
      },
    ],
    cadence: {
      intervalMinutes: 15,
      lastUpdateAt: iso(now - 5 * MIN),
      nextUpdateDue: iso(now + 10 * MIN),
      overdue: false,
    },
    links: {
      pagerDuty: 'https://ecommerce-platform.pagerduty.com/incidents/QOPENP1',
      chat: { name: '#inc-1042', url: 'https://chat.example.com/inc-1042' },
    },
    whatChanged: [
      {
        source: 'pagerduty',
        id: 'PCE1',
        title: 'Deploy order-service v2.3.1',
        event: 'change-event',
        at: iso(now - 3 * 60 * MIN),
        url: 'https://ecommerce-platform.pagerduty.com/change_events/PCE1',
      },
      {
        source: 'change-request',
        id: 'CHG-42',
        title: 'Raise the order database pool size',
        event: 'completed',
        at: iso(now - 60 * MIN),
        entityRef: 'component:default/order-service',
        url: '/changes/CHG-42',
      },
    ],
    reviewRequired: true,
    canRespond: true,
    canReview: true,
    freshness: { fetchedAt: iso(now - MIN), stale: false },
    ...overrides,
  };
}
