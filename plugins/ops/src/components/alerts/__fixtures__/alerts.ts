import { ResponseError } from '@backstage/errors';
import {
  AlarmNoise,
  AlarmReview,
  AlarmReviewInput,
  alarmReviewInputSchema,
  AlertsOverview,
  DEFAULT_NOISE_THRESHOLDS,
  EntityAlerts,
  GroupAlertHealth,
  PolicyCoverageItem,
} from '@opsportal/plugin-ops-common';
import { AlertsExportKind, OpsApi } from '../../../api';

const now = new Date();
const hoursAgo = (h: number) =>
  new Date(now.getTime() - h * 3_600_000).toISOString();

/** An alarm's noise, noisy and flapping unless overridden. */
export function alarmNoise(overrides: Partial<AlarmNoise> = {}): AlarmNoise {
  return {
    alarmName: 'payment-service-5xx-rate',
    region: 'eu-west-1',
    entityRef: 'component:default/payment-service',
    entityTitle: 'Payment Service',
    owner: 'group:default/payments-team',
    state: 'OK',
    since: hoursAgo(2),
    severity: 'P2',
    metric: 'AWS/ApplicationELB HTTPCode_Target_5XX_Count',
    hasActions: true,
    week: {
      days: 7,
      alarmCount: 14,
      minutesInAlarm: 95,
      flappingDays: 2,
      maxRoundTripsPerDay: 5,
      alarmsInMaintenance: 0,
    },
    month: {
      days: 30,
      alarmCount: 41,
      minutesInAlarm: 200,
      flappingDays: 6,
      maxRoundTripsPerDay: 5,
      alarmsInMaintenance: 3,
    },
    lastFiredAt: hoursAgo(3),
    observedDays: 90,
    flags: ['noisy', 'flapping'],
    noiseScore: 55,
    ...overrides,
  };
}

export const noisyAlarm = alarmNoise();
export const silentAlarm = alarmNoise({
  alarmName: 'order-service-queue-depth',
  entityRef: 'component:default/order-service',
  entityTitle: 'Order Service',
  owner: 'group:default/orders-team',
  severity: 'P3',
  week: { ...alarmNoise().week, alarmCount: 0, flappingDays: 0 },
  month: {
    ...alarmNoise().month,
    alarmCount: 0,
    minutesInAlarm: 0,
    flappingDays: 0,
    alarmsInMaintenance: 0,
  },
  lastFiredAt: undefined,
  flags: ['never-fired', 'no-runbook'],
  noiseScore: 0,
});

export const pastReview: AlarmReview = {
  id: 'rev-1',
  alarmName: 'cart-service-latency',
  entityRef: 'component:default/cart-service',
  outcome: 'keep',
  note: 'Fires rarely and points at real slowness',
  reviewedBy: 'user:default/alice-chen',
  reviewedAt: now.toISOString(),
};

const freshness = { fetchedAt: now.toISOString(), stale: false };

export function overview(
  overrides: Partial<AlertsOverview> = {},
): AlertsOverview {
  return {
    generatedAt: now.toISOString(),
    thresholds: DEFAULT_NOISE_THRESHOLDS,
    alarms: [noisyAlarm, silentAlarm],
    paging: {
      since: hoursAgo(24 * 30),
      until: now.toISOString(),
      services: [
        {
          serviceId: 'PPAY',
          serviceName: 'Payment Service',
          entityRef: 'component:default/payment-service',
          entityTitle: 'Payment Service',
          owner: 'group:default/payments-team',
          incidents: 12,
          incidentsPerWeek: 2.8,
          outsideBusinessHours: 6,
          atNight: 3,
          autoResolved: 4,
          alertsPerIncident: 1.75,
          repeatTitles: [{ title: 'High 5xx rate', count: 5 }],
          inMaintenance: 1,
          pages: 15,
        },
      ],
      people: [
        {
          userId: 'PU1',
          name: 'Bruno Silva',
          email: 'bruno@example.com',
          pages: 9,
          pagesPerWeek: 2.1,
          outsideBusinessHours: 4,
          atNight: 2,
        },
      ],
    },
    reviewsThisMonth: [pastReview],
    counts: {
      alarms: 20,
      noisy: 1,
      flapping: 1,
      stuck: 0,
      neverFired: 1,
      noActions: 0,
      noRunbook: 1,
      reviewedThisMonth: 1,
    },
    maintenance: [
      { start: hoursAgo(50), end: hoursAgo(48), serviceIds: ['PPAY'] },
      { start: hoursAgo(150), end: hoursAgo(148), serviceIds: [] },
    ],
    freshness: { alarms: freshness, paging: freshness },
    ...overrides,
  };
}

function coverage(
  id: string,
  severity: PolicyCoverageItem['rule']['severity'],
  title: string,
  status: PolicyCoverageItem['status'],
  message: string,
  alarms: PolicyCoverageItem['alarms'] = [],
): PolicyCoverageItem {
  return {
    rule: { id, severity, title, match: {}, comparison: 'above' },
    status,
    alarms,
    message,
  };
}

export function entityAlerts(
  overrides: Partial<EntityAlerts> = {},
): EntityAlerts {
  return {
    entityRef: 'component:default/payment-service',
    alarms: [noisyAlarm, alarmNoise({ alarmName: 'quiet', flags: [] })],
    policy: {
      entityRef: 'component:default/payment-service',
      items: [
        coverage(
          'p1-service-down',
          'P1',
          'Service down',
          'present',
          'payment-service-unhealthy-hosts covers it',
          [
            {
              name: 'payment-service-unhealthy-hosts',
              threshold: 1,
              comparisonOperator: 'GreaterThanOrEqualToThreshold',
              severity: 'P1',
              looser: false,
              severityDiffers: false,
            },
          ],
        ),
        coverage(
          'p1-payment-failures',
          'P1',
          'Payment failures > 5 %',
          'missing',
          'No alarm watches payment failures',
        ),
        coverage(
          'p2-memory',
          'P2',
          'Memory > 90 %',
          'looser',
          'payment-service-high-memory fires above 95, the policy asks for 90',
          [
            {
              name: 'payment-service-high-memory',
              threshold: 95,
              severity: 'P2',
              looser: true,
              severityDiffers: false,
            },
          ],
        ),
      ],
      counts: { present: 1, looser: 1, missing: 1 },
    },
    setup: { alarms: true, pagerDuty: true },
    freshness: { alarms: freshness, paging: freshness },
    ...overrides,
  };
}

export function groupHealth(
  overrides: Partial<GroupAlertHealth> = {},
): GroupAlertHealth {
  const o = overview();
  return {
    entityRef: 'group:default/payments-team',
    entities: [
      {
        entityRef: 'component:default/payment-service',
        title: 'Payment Service',
        alarms: 8,
        noisy: 1,
        flagged: 2,
        policyMissing: 6,
        policyLooser: 1,
      },
    ],
    alarms: [noisyAlarm],
    paging: o.paging,
    reviewsThisMonth: [],
    freshness: o.freshness,
    ...overrides,
  };
}

/** A failure as OpsClient throws it: a ResponseError with the server's error. */
export async function responseError(
  status: number,
  name: string,
  message: string,
): Promise<ResponseError> {
  const response = new Response(
    JSON.stringify({
      error: { name, message },
      response: { statusCode: status },
    }),
    { status, headers: { 'Content-Type': 'application/json' } },
  );
  return ResponseError.fromResponse(response as any);
}

/**
 * An in-memory alerts backend: it answers the overview, entity and group
 * reads, validates review bodies with the shared schema (400), refuses them
 * when the user lacks the permission (403) and stores them, and answers
 * CSV exports.
 */
export class FakeAlertsBackend {
  readonly reviews: AlarmReview[] = [];
  readonly exports: AlertsExportKind[] = [];
  mayReview = true;

  constructor(
    public data: {
      overview?: AlertsOverview;
      entity?: EntityAlerts;
      group?: GroupAlertHealth;
    } = {},
  ) {}

  api(overrides: Partial<OpsApi> = {}): OpsApi {
    return {
      getAlertsOverview: async () => this.data.overview ?? overview(),
      getEntityAlerts: async () => this.data.entity ?? entityAlerts(),
      getGroupAlertHealth: async () => this.data.group ?? groupHealth(),
      createAlarmReview: async (input: AlarmReviewInput) => {
        if (!this.mayReview) {
          throw await responseError(403, 'NotAllowedError', 'Unauthorized');
        }
        const parsed = alarmReviewInputSchema.safeParse(input);
        if (!parsed.success) {
          throw await responseError(
            400,
            'InputError',
            parsed.error.issues[0].message,
          );
        }
        const review: AlarmReview = {
          id: `rev-${this.reviews.length + 100}`,
          ...parsed.data,
          note: parsed.data.note ?? '',
          reviewedBy: 'user:default/guest',
          reviewedAt: new Date().toISOString(),
        };
        this.reviews.push(review);
        return review;
      },
      exportAlertsCsv: async (kind: AlertsExportKind) => {
        this.exports.push(kind);
        return `kind,rows\r\n${kind},1\r\n`;
      },
      ...overrides,
    } as unknown as OpsApi;
  }
}
