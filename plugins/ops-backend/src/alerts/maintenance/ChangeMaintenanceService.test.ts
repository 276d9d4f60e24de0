import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { ConfigReader } from '@backstage/config';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import { PagerDutyProvider } from '@opsportal/plugin-ops-backend-module-pagerduty';
import {
  ChangeAction,
  ChangeRequest,
  ChangeStatus,
  defaultChangePolicy,
  MaintenanceWindowRule,
  parseChangeId,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';
import { DatabaseChangeRequestStore } from '../../changes/ChangeRequestStore';
import { applyDatabaseMigrations } from '../../database/migrations';
import {
  ChangeMaintenanceService,
  ChangeSource,
} from './ChangeMaintenanceService';
import { ChangeMaintenanceStore } from './ChangeMaintenanceStore';
import { ChangeMaintenanceConfig } from './config';

jest.setTimeout(180_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

const ORDER = 'component:default/order-service';
const PAYMENT = 'component:default/payment-service';
const STOREFRONT = 'component:default/storefront';
/** The fake's integration user: PagerDuty writes name it in `From`. */
const FROM = 'ops-portal@ecommerce-platform.com';

const component = (name: string, serviceIds?: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name,
    namespace: 'default',
    ...(serviceIds
      ? { annotations: { 'pagerduty.com/service-id': serviceIds } }
      : {}),
  },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/dev-team',
  },
});

const entities = [
  component('order-service', 'PSVORDR'),
  // Comma separated, with the order service's id again: once each.
  component('payment-service', ' PSVPAYM , PSVORDR'),
  component('storefront'),
];

const MINUTE = 60_000;

/**
 * A weekly window in UTC around `at`: from an hour before it for three
 * hours (or, with `open: false`, on another day of the week).
 */
function windowAround(at: Date, open = true): MaintenanceWindowRule {
  const start = new Date(at.getTime() - 60 * MINUTE);
  const weekday = start.getUTCDay() === 0 ? 7 : start.getUTCDay();
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    timeZone: 'UTC',
    frequency: 'weekly',
    weekday: open ? weekday : (weekday % 7) + 1,
    weekOfMonth: 1,
    startTime: `${pad(start.getUTCHours())}:${pad(start.getUTCMinutes())}`,
    durationMinutes: 180,
  };
}

describe.each(databases.eachSupportedId())(
  'ChangeMaintenanceService on %s against the fake PagerDuty',
  id => {
    let knex: Knex;
    let pagerduty: FakePagerDuty;
    let changeStore: DatabaseChangeRequestStore;
    let provider: PagerDutyProvider;

    beforeAll(async () => {
      knex = await databases.init(id);
      await applyDatabaseMigrations(knex);
      changeStore = new DatabaseChangeRequestStore(knex);
      pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
      provider = PagerDutyProvider.fromConfig(
        new ConfigReader({
          ops: {
            pagerduty: {
              apiBaseUrl: pagerduty.url,
              eventsBaseUrl: pagerduty.url,
              token: 'local-fake-token',
              maxAttempts: 1,
            },
          },
        }),
        { logger: mockServices.logger.mock() },
      )!;
    });
    afterAll(() => pagerduty?.close());

    /** A replica's service: its own store and provider reader over the shared database. */
    function replica(
      options: {
        rule?: MaintenanceWindowRule;
        config?: Partial<ChangeMaintenanceConfig>;
      } = {},
    ) {
      const logger = mockServices.logger.mock();
      const rule = options.rule ?? windowAround(new Date());
      const changes: ChangeSource = {
        onTransition: () => {},
        loadForPermissions: async refs =>
          Promise.all(refs.map(r => changeStore.get(parseChangeId(r)!))),
        policy: () => ({ ...defaultChangePolicy, maintenanceWindow: rule }),
        get: async () => {
          throw new Error('not used here');
        },
      };
      const service = new ChangeMaintenanceService({
        store: new ChangeMaintenanceStore(knex),
        provider,
        changes,
        catalog: catalogServiceMock({ entities }),
        auth: mockServices.auth(),
        config: {
          enabled: true,
          startedIn: 'maintenance-window',
          minimumMinutes: 30,
          fromEmail: FROM,
          maxAttempts: 6,
          reconcileEveryMinutes: 5,
          portalBaseUrl: 'http://portal.example.test',
          ...options.config,
        },
        logger,
      });
      return { service, logger };
    }

    /** An emergency change, started now, as the changes feature stores it. */
    async function startedChange(
      overrides: { entityRefs?: string[]; plannedEnd?: Date } = {},
    ): Promise<ChangeRequest> {
      const now = new Date();
      return changeStore.create({
        fields: {
          title: 'Fail over the orders database',
          description: 'Planned failover to the standby.',
          category: 'emergency',
          risk: 'high',
          entityRefs: overrides.entityRefs ?? [ORDER, PAYMENT],
          plannedStart: now.toISOString(),
          plannedEnd: (
            overrides.plannedEnd ?? new Date(now.getTime() + 120 * MINUTE)
          ).toISOString(),
          implementationPlan: 'Promote the standby.',
          rollbackPlan: 'Promote the old primary.',
          testPlan: 'Place a test order.',
        },
        requester: 'user:default/alice-chen',
        now,
        steps: [
          { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
          {
            action: 'start',
            fromStatus: 'draft',
            toStatus: 'in-progress',
            set: { status: 'in-progress', startedAt: now, submittedAt: now },
          },
        ],
      });
    }

    async function finish(
      change: ChangeRequest,
      action: ChangeAction,
      status: ChangeStatus,
    ): Promise<ChangeRequest> {
      const now = new Date();
      return changeStore.transition({
        dbId: parseChangeId(change.id)!,
        expectedVersion: change.version,
        set: { status, finishedAt: now },
        step: { action, fromStatus: change.status, toStatus: status },
        actor: 'user:default/alice-chen',
        now,
      });
    }

    /** The fake's windows opened for this change (found by its description). */
    const windowsOf = (change: ChangeRequest) =>
      pagerduty.maintenanceWindows.filter(w =>
        w.description.includes(`${change.id}:`),
      );

    it('opens one window when two replicas handle the same start, and ends it on completion', async () => {
      const a = replica();
      const b = replica();
      const change = await startedChange();
      await Promise.all([
        a.service.onTransition(change, 'start'),
        b.service.onTransition(change, 'start'),
        a.service.onTransition(change, 'start'),
      ]);

      const windows = windowsOf(change);
      expect(windows).toHaveLength(1);
      const [window] = windows;
      expect(window.serviceIds.sort()).toEqual(['PSVORDR', 'PSVPAYM']);
      expect(window.end).toBe(Date.parse(change.plannedEnd));
      expect(window.description).toBe(
        `Change ${change.id}: Fail over the orders database (http://portal.example.test/changes/${change.id}). Opened by the ops portal when the change started in its maintenance window; ended when the change is implemented.`,
      );
      const createdBy = pagerduty.account.users.find(
        u => u.id === window.createdById,
      );
      expect(createdBy?.email).toBe(FROM);

      const stored = await a.service.getForChange(change.id);
      expect(stored).toEqual({
        changeRequestId: change.id,
        windowId: window.id,
        serviceIds: ['PSVORDR', 'PSVPAYM'],
        start: expect.any(String),
        end: change.plannedEnd,
        status: 'open',
        htmlUrl: expect.stringContaining(window.id),
      });
      // Running now: the alerts feature sees the period.
      const periods = await b.service.listPeriods(
        new Date(Date.now() - MINUTE),
        new Date(Date.now() + MINUTE),
      );
      expect(periods).toContainEqual({
        start: stored!.start,
        end: change.plannedEnd,
        serviceIds: ['PSVORDR', 'PSVPAYM'],
        changeRequestId: change.id,
      });

      const done = await finish(change, 'complete', 'review-pending');
      const before = Date.now();
      await b.service.onTransition(done, 'complete');
      const ended = await a.service.getForChange(change.id);
      expect(ended?.status).toBe('ended');
      expect(Date.parse(ended!.end)).toBeGreaterThanOrEqual(before);
      expect(Date.parse(ended!.end)).toBeLessThan(
        Date.parse(change.plannedEnd),
      );
      // PagerDuty's window ended too (it keeps its new end).
      expect(windowsOf(change)[0].end).toBeLessThanOrEqual(Date.now());
      // A repeated completion does nothing more.
      await a.service.onTransition(done, 'complete');
      expect((await a.service.getForChange(change.id))?.status).toBe('ended');
      expect(a.logger.warn).not.toHaveBeenCalled();
      expect(b.logger.warn).not.toHaveBeenCalled();
    });

    it('ends the window when the change is rolled back', async () => {
      const { service } = replica();
      const change = await startedChange({ entityRefs: [ORDER] });
      await service.onTransition(change, 'start');
      expect(windowsOf(change)).toHaveLength(1);
      await service.onTransition(
        await finish(change, 'roll-back', 'review-pending'),
        'roll-back',
      );
      expect((await service.getForChange(change.id))?.status).toBe('ended');
      expect(windowsOf(change)[0].end).toBeLessThanOrEqual(Date.now());
    });

    it('opens at least the minimum when the planned end is past', async () => {
      const { service } = replica({ config: { minimumMinutes: 45 } });
      const change = await startedChange({
        entityRefs: [ORDER],
        plannedEnd: new Date(Date.now() - 5 * MINUTE),
      });
      const before = Date.now();
      await service.onTransition(change, 'start');
      const [window] = windowsOf(change);
      // From the start PagerDuty was asked for (it may move it to its now).
      expect(window.end - before).toBeGreaterThanOrEqual(45 * MINUTE);
      expect(window.end - before).toBeLessThan(45 * MINUTE + 5000);
      expect(await service.getForChange(change.id)).toMatchObject({
        start: new Date(window.start).toISOString(),
        end: new Date(window.end).toISOString(),
      });
    });

    it('opens nothing for a start outside the window, when disabled, or without PagerDuty services', async () => {
      const outside = replica({ rule: windowAround(new Date(), false) });
      const disabled = replica({ config: { enabled: false } });
      const inside = replica();
      const requests =
        pagerduty.stats.byEndpoint['POST /maintenance_windows'] ?? 0;

      const a = await startedChange();
      await outside.service.onTransition(a, 'start');
      const b = await startedChange();
      await disabled.service.onTransition(b, 'start');
      const c = await startedChange({ entityRefs: [STOREFRONT] });
      await inside.service.onTransition(c, 'start');

      for (const change of [a, b, c]) {
        expect(await inside.service.getForChange(change.id)).toBeUndefined();
        expect(windowsOf(change)).toEqual([]);
      }
      expect(pagerduty.stats.byEndpoint['POST /maintenance_windows'] ?? 0).toBe(
        requests,
      );
    });

    it('with startedIn planned-window, opens a window for a start before the planned end, whatever the policy window', async () => {
      const planned = replica({
        rule: windowAround(new Date(), false),
        config: { startedIn: 'planned-window' },
      });
      const inTime = await startedChange();
      await planned.service.onTransition(inTime, 'start');
      expect(await planned.service.getForChange(inTime.id)).toMatchObject({
        status: 'open',
      });
      expect(windowsOf(inTime)).toHaveLength(1);

      const late = await startedChange({
        plannedEnd: new Date(Date.now() - 5 * MINUTE),
      });
      await planned.service.onTransition(late, 'start');
      expect(await planned.service.getForChange(late.id)).toBeUndefined();
      expect(windowsOf(late)).toEqual([]);
    });

    it('marks a failed creation and the reconciliation creates the window later, once', async () => {
      const a = replica();
      const b = replica();
      const change = await startedChange();
      pagerduty.faults.push({
        kind: 'server-error',
        path: '/maintenance_windows',
      });
      // The listener swallows the failure (a change transition never fails).
      await expect(
        a.service.onTransition(change, 'start'),
      ).resolves.toBeUndefined();
      const failed = await a.service.getForChange(change.id);
      expect(failed).toMatchObject({
        status: 'failed',
        serviceIds: ['PSVORDR', 'PSVPAYM'],
      });
      expect(failed?.error).toBeTruthy();
      expect(failed?.error).not.toContain(pagerduty.url);
      expect(windowsOf(change)).toEqual([]);
      expect(a.logger.warn).toHaveBeenCalledWith(
        expect.stringContaining(
          `No PagerDuty maintenance window for ${change.id} (attempt 1)`,
        ),
      );

      // Two replicas reconcile at once: one window.
      const results = await Promise.all([
        a.service.reconcile(),
        b.service.reconcile(),
      ]);
      expect(results.reduce((n, r) => n + r.created, 0)).toBe(1);
      expect(windowsOf(change)).toHaveLength(1);
      expect(await a.service.getForChange(change.id)).toMatchObject({
        status: 'open',
        windowId: windowsOf(change)[0].id,
      });
      expect(
        (await new ChangeMaintenanceStore(knex).get(change.id))?.attempts,
      ).toBe(2);
      // Nothing left to do.
      expect(await a.service.reconcile()).toMatchObject({
        created: 0,
        ended: 0,
      });
    });

    it('reconciles what a crash left: a silent pending creation, and an open window of a finished change', async () => {
      const { service } = replica();
      const store = new ChangeMaintenanceStore(knex);

      // A replica claimed this change's window an hour ago and died.
      const orphan = await startedChange({ entityRefs: [ORDER] });
      const anHourAgo = new Date(Date.now() - 60 * MINUTE);
      await store.claim({
        changeRequestId: orphan.id,
        serviceIds: ['PSVORDR'],
        start: anHourAgo,
        end: new Date(Date.parse(orphan.plannedEnd)),
        now: anHourAgo,
      });
      // This one's window is open, but its completion was never heard of.
      const missed = await startedChange({ entityRefs: [PAYMENT] });
      await service.onTransition(missed, 'start');
      expect(windowsOf(missed)).toHaveLength(1);
      await finish(missed, 'complete', 'review-pending');

      const result = await service.reconcile();
      expect(result).toMatchObject({ created: 1, ended: 1 });
      expect(windowsOf(orphan)).toHaveLength(1);
      expect(await service.getForChange(orphan.id)).toMatchObject({
        status: 'open',
      });
      expect(await service.getForChange(missed.id)).toMatchObject({
        status: 'ended',
      });
      expect(windowsOf(missed)[0].end).toBeLessThanOrEqual(Date.now());
    });

    it('drops the failed creation of a change that is no longer in progress', async () => {
      const { service } = replica();
      const change = await startedChange({ entityRefs: [ORDER] });
      pagerduty.faults.push({
        kind: 'server-error',
        path: '/maintenance_windows',
      });
      await service.onTransition(change, 'start');
      expect((await service.getForChange(change.id))?.status).toBe('failed');
      await service.onTransition(
        await finish(change, 'fail', 'review-pending'),
        'fail',
      );
      expect((await service.getForChange(change.id))?.status).toBe('ended');
      await service.reconcile();
      expect(windowsOf(change)).toEqual([]);
      // Never opened in PagerDuty: no maintenance period.
      const periods = await service.listPeriods(
        new Date(Date.now() - 120 * MINUTE),
        new Date(Date.now() + 120 * MINUTE),
      );
      expect(periods.map(p => p.changeRequestId)).not.toContain(change.id);
    });
  },
);
