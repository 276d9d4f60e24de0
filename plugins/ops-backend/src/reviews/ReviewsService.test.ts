import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  NotificationSendOptions,
  NotificationService,
} from '@backstage/plugin-notifications-node';
import { FakePagerDuty } from '@internal/fake-upstreams';
import {
  addBusinessDays,
  ChangeRequest,
  severityOf,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import { readIncidentsConfig } from '../incidents/config';
import { IncidentsService } from '../incidents/IncidentsService';
import { readOnCallConfig } from '../oncall/config';
import { OnCallService } from '../oncall/OnCallService';
import {
  ANCHOR,
  DAY,
  ORDER,
  pagerDutyContext,
  useFakePagerDuty,
} from '../oncall/__testUtils__/pagerDuty';
import { readReviewsConfig } from './config';
import { ReviewNotifier } from './ReviewNotifier';
import { ReviewsService } from './ReviewsService';
import { DatabaseReviewsStore } from './ReviewsStore';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const ALICE = 'user:default/alice-chen';

/** Notifications as the notifications backend receives them. */
class RecordingNotifications implements NotificationService {
  readonly sent: NotificationSendOptions[] = [];
  failNext = 0;
  async send(options: NotificationSendOptions): Promise<void> {
    if (this.failNext > 0) {
      this.failNext -= 1;
      throw new Error('notifications backend unavailable');
    }
    this.sent.push(options);
  }
}

const emergencyChange = (
  overrides: Partial<ChangeRequest> = {},
): ChangeRequest => ({
  id: 'CHG-1042',
  title: 'Hotfix: raise the order DB connection limit',
  description: 'Connections exhausted.',
  category: 'emergency',
  risk: 'high',
  entityRefs: ['component:default/order-service'],
  plannedStart: '2026-03-18T12:00:00.000Z',
  plannedEnd: '2026-03-18T13:00:00.000Z',
  implementationPlan: 'Raise the limit.',
  rollbackPlan: 'Lower it again.',
  testPlan: 'Watch the errors.',
  requester: 'user:default/Jamal-Reed',
  status: 'review-pending',
  outcome: 'successful',
  version: 3,
  createdAt: '2026-03-18T11:50:00.000Z',
  updatedAt: '2026-03-20T16:00:00.000Z',
  startedAt: '2026-03-18T12:00:00.000Z',
  // A Friday afternoon: five business days later is the next Friday.
  finishedAt: '2026-03-20T16:00:00.000Z',
  ...overrides,
});

describe.each(databases.eachSupportedId())('ReviewsService on %s', id => {
  const fake = useFakePagerDuty();
  let pagerduty: FakePagerDuty;
  beforeAll(() => {
    pagerduty = fake();
  });

  async function setup(options: { reviews?: object; knex?: Knex } = {}) {
    const knex = options.knex ?? (await databases.init(id));
    const context = await pagerDutyContext(pagerduty, knex);
    const oncall = new OnCallService({
      catalog: context.catalog,
      auth: context.auth,
      snapshots: context.snapshots,
      onCall: context.provider,
      config: readOnCallConfig(context.config),
      logger: context.logger,
      clock: context.clock,
    });
    const incidents = new IncidentsService({
      catalog: context.catalog,
      auth: context.auth,
      permissions: mockServices.permissions({ result: AuthorizeResult.ALLOW }),
      snapshots: context.snapshots,
      oncall,
      incidents: context.provider,
      config: readIncidentsConfig(context.config),
      logger: context.logger,
      clock: context.clock,
    });
    const notifications = new RecordingNotifications();
    const config = readReviewsConfig(
      new ConfigReader({ ops: { reviews: options.reviews ?? {} } }),
    );
    const makeService = () =>
      new ReviewsService({
        store: new DatabaseReviewsStore(knex),
        config,
        catalog: context.catalog,
        auth: context.auth,
        permissions: mockServices.permissions({
          result: AuthorizeResult.ALLOW,
        }),
        auditor: mockServices.auditor.mock(),
        logger: context.logger,
        notifier: new ReviewNotifier({
          notifications,
          logger: context.logger,
        }),
        incidents,
        clock: context.clock,
      });
    return {
      knex,
      oncall,
      incidents,
      notifications,
      service: makeService(),
      /** The same service on another replica. */
      replica: makeService(),
      advance: context.advance,
    };
  }

  it('creates a review for every P1 and P2 incident PagerDuty holds, once, across replicas', async () => {
    const { oncall, incidents, service, replica, knex } = await setup();
    await oncall.refreshOnCall();
    await incidents.refreshIncidents();

    const required = pagerduty.account.incidents.filter(
      i =>
        (i.createdAt >= ANCHOR - 30 * DAY || i.status !== 'resolved') &&
        ['P1', 'P2'].includes(
          severityOf({ priority: i.priority, urgency: i.urgency }),
        ),
    );
    expect(required.length).toBeGreaterThan(0);

    // Two replicas run the task at the same time: no failure, one review each.
    const [a, b] = await Promise.all([
      service.createRequiredReviews(),
      replica.createRequiredReviews(),
    ]);
    expect(a + b).toBe(required.length);
    const rows = await knex('ops_incident_reviews');
    expect(rows).toHaveLength(required.length);
    expect(new Set(rows.map(r => r.subject_id))).toEqual(
      new Set(required.map(i => i.id)),
    );
    // The next run finds nothing to do.
    expect(await service.createRequiredReviews()).toBe(0);

    // order-service's open P1, 12 minutes before Wednesday noon: due the
    // next Wednesday, on the service (not on the teams answering for it).
    const p1 = pagerduty.account.incidents.find(
      i => i.serviceId === 'PSVORDR' && i.status !== 'resolved',
    )!;
    const review = await service.forIncident(p1.id);
    expect(review).toMatchObject({
      id: expect.stringMatching(/^PIR-\d+$/),
      subject: {
        kind: 'incident',
        incidentId: p1.id,
        title: p1.title,
        severity: 'P1',
      },
      entityRefs: [ORDER],
      dueDate: '2026-03-25',
      status: 'open',
      overdue: false,
      actionItems: [],
      version: 1,
    });
    expect(review?.owner).toBeUndefined();
    expect(await service.forIncident('QUNKNOWN')).toBeUndefined();
  });

  it('follows the configured severities and calendar', async () => {
    const { oncall, incidents, service, knex } = await setup({
      reviews: {
        requiredSeverities: ['P1'],
        dueBusinessDays: 2,
        calendar: {
          timeZone: 'Europe/Berlin',
          holidays: ['2026-03-19'],
        },
      },
    });
    await oncall.refreshOnCall();
    await incidents.refreshIncidents();
    await service.createRequiredReviews();
    const severities = new Set(
      (await knex('ops_incident_reviews')).map(r => r.severity),
    );
    expect(severities).toEqual(new Set(['P1']));
    expect(service.isRequiredFor('P1')).toBe(true);
    expect(service.isRequiredFor('P2')).toBe(false);
    const p1 = pagerduty.account.incidents.find(
      i => i.serviceId === 'PSVORDR' && i.status !== 'resolved',
    )!;
    // Wednesday + 2 business days, Thursday a holiday: Monday.
    expect((await service.forIncident(p1.id))?.dueDate).toBe('2026-03-23');
  });

  it('creates the incident page review once when asked concurrently', async () => {
    const { service, replica, knex } = await setup();
    const input = {
      incidentId: 'QPAGE1',
      title: 'Checkout down',
      severity: 'P1' as const,
      entityRefs: ['Component:default/Order-Service'],
      createdAt: '2026-03-18T11:48:00.000Z',
      owner: 'alice-chen',
      createdBy: ALICE,
    };
    const results = await Promise.all(
      Array.from({ length: 6 }, (_, i) =>
        (i % 2 ? replica : service).ensureForIncident(input),
      ),
    );
    expect(new Set(results.map(r => r.id)).size).toBe(1);
    expect(results[0]).toMatchObject({
      owner: ALICE,
      ownerName: 'Alice Chen',
      entityRefs: [ORDER],
      dueDate: addBusinessDays('2026-03-18', 5),
    });
    expect(
      await knex('ops_incident_reviews').where({ subject_id: 'QPAGE1' }),
    ).toHaveLength(1);
  });

  it("gives the task's review without an owner to the one the incident page names", async () => {
    const { service } = await setup();
    const input = {
      incidentId: 'QTAKEN',
      title: 'Checkout down',
      severity: 'P1' as const,
      entityRefs: [ORDER],
      createdAt: '2026-03-18T11:48:00.000Z',
      createdBy: 'plugin:ops',
    };
    // The scheduled task made it first, without an owner.
    const made = await service.ensureForIncident(input);
    expect(made.owner).toBeUndefined();
    const taken = await service.ensureForIncident({
      ...input,
      owner: ALICE,
      createdBy: ALICE,
    });
    expect(taken).toMatchObject({
      id: made.id,
      owner: ALICE,
      ownerName: 'Alice Chen',
      version: 2,
    });
    // Someone else's ownership is kept.
    const again = await service.ensureForIncident({
      ...input,
      owner: 'user:default/jamal-reed',
      createdBy: 'user:default/jamal-reed',
    });
    expect(again).toMatchObject({ owner: ALICE, version: 2 });
  });

  it('requires a review when an emergency change finishes its implementation', async () => {
    const { service } = await setup();
    expect(
      await service.ensureForChange(emergencyChange(), 'start'),
    ).toBeUndefined();
    expect(
      await service.ensureForChange(
        emergencyChange({ category: 'normal' }),
        'complete',
      ),
    ).toBeUndefined();

    const review = await service.ensureForChange(
      emergencyChange(),
      'roll-back',
    );
    expect(review).toMatchObject({
      subject: {
        kind: 'change',
        changeId: 'CHG-1042',
        title: 'Hotfix: raise the order DB connection limit',
      },
      entityRefs: [ORDER],
      owner: 'user:default/jamal-reed',
      ownerName: 'Jamal Reed',
      dueDate: '2026-03-27',
    });
    // Again (a retried listener): the same review.
    expect(
      (await service.ensureForChange(emergencyChange(), 'complete'))?.id,
    ).toBe(review?.id);

    const off = await setup({ reviews: { emergencyChanges: false } });
    expect(
      await off.service.ensureForChange(
        emergencyChange({ id: 'CHG-1043' }),
        'complete',
      ),
    ).toBeUndefined();
  });

  it('reminds the owner once the day before the due date and once when overdue', async () => {
    const { service, notifications, advance } = await setup();
    // Created Wednesday 2026-03-18: due Wednesday 2026-03-25.
    const owned = await service.ensureForIncident({
      incidentId: 'QREMIND',
      title: 'Payments slow',
      severity: 'P2',
      entityRefs: ['component:default/payment-service'],
      createdAt: new Date(ANCHOR).toISOString(),
      owner: ALICE,
      createdBy: ALICE,
    });
    // Nobody to tell: no reminders for a review without an owner.
    await service.ensureForIncident({
      incidentId: 'QNOOWNER',
      title: 'Search slow',
      severity: 'P2',
      entityRefs: ['component:default/search-service'],
      createdAt: new Date(ANCHOR).toISOString(),
      createdBy: ALICE,
    });
    expect(owned.dueDate).toBe('2026-03-25');

    expect(await service.sendReminders()).toBe(0);
    // Monday 23rd: not yet.
    advance(5 * DAY);
    expect(await service.sendReminders()).toBe(0);
    // Tuesday 24th, the business day before: due; sending fails once and
    // is tried again on the next run.
    advance(DAY);
    notifications.failNext = 1;
    expect(await service.sendReminders()).toBe(0);
    expect(await service.sendReminders()).toBe(1);
    expect(await service.sendReminders()).toBe(0);
    expect(notifications.sent).toEqual([
      {
        recipients: { type: 'entity', entityRef: ALICE },
        payload: expect.objectContaining({
          title: `Post-incident review ${owned.id} is due 2026-03-25`,
          link: '/incidents/QREMIND',
          topic: 'post-incident-reviews',
          severity: 'normal',
        }),
      },
    ]);
    // Wednesday 25th: due today, still not overdue.
    advance(DAY);
    expect(await service.sendReminders()).toBe(0);
    // Thursday 26th: overdue, once.
    advance(DAY);
    expect(await service.sendReminders()).toBe(1);
    expect(await service.sendReminders()).toBe(0);
    expect(notifications.sent[1].payload).toMatchObject({
      title: `Post-incident review ${owned.id} is overdue (due 2026-03-25)`,
      severity: 'high',
    });
    expect((await service.forIncident('QREMIND'))?.overdue).toBe(true);
  });
});
