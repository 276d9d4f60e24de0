import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { JsonObject } from '@backstage/types';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import {
  ChangeMaintenanceWindow,
  changeRequestReadPermission,
} from '@opsportal/plugin-ops-common';
import request from 'supertest';
import { opsPlugin } from '../../plugin';

jest.setTimeout(180_000);

const ALICE = 'user:default/alice-chen';
const VIEWER = 'user:default/viewer';
const FROM = 'ops-portal@ecommerce-platform.com';
const MINUTE = 60_000;

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'order-service',
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
    },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/dev-team',
    },
  },
];

const weekdays = [
  'sunday',
  'monday',
  'tuesday',
  'wednesday',
  'thursday',
  'friday',
  'saturday',
];

/** `ops.changes.maintenanceWindow`: weekly in UTC, from an hour ago for three hours. */
function windowNow(): JsonObject {
  const start = new Date(Date.now() - 60 * MINUTE);
  const pad = (n: number) => String(n).padStart(2, '0');
  return {
    timeZone: 'UTC',
    frequency: 'weekly',
    weekday: weekdays[start.getUTCDay()],
    startTime: `${pad(start.getUTCHours())}:${pad(start.getUTCMinutes())}`,
    durationMinutes: 180,
  };
}

describe('PagerDuty maintenance windows for changes, in the plugin', () => {
  let pagerduty: FakePagerDuty;
  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({ rateLimitPerMinute: 100_000 });
  });
  afterAll(() => pagerduty?.close());
  // Each backend has a database of its own, so change ids repeat.
  beforeEach(() => pagerduty.reset());

  async function startBackend(maintenanceWindows: JsonObject) {
    // Everyone may do everything with change requests, but the viewer may
    // not read them.
    const permissions = mockServices.permissions.mock({
      authorize: async requests =>
        requests.map(() => ({ result: AuthorizeResult.ALLOW })) as any,
      authorizeConditional: async (requests, { credentials }) =>
        requests.map(r => ({
          result:
            (credentials.principal as any).userEntityRef === VIEWER &&
            r.permission.name === changeRequestReadPermission.name
              ? AuthorizeResult.DENY
              : AuthorizeResult.ALLOW,
        })) as any,
    });
    const catalog = catalogServiceMock({ entities });
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        opsModulePagerDuty,
        createServiceFactory({
          service: catalogServiceRef,
          deps: {},
          factory: () => catalog,
        }),
        permissions.factory,
        mockServices.rootLogger.factory({ level: 'error' }),
        mockServices.rootConfig.factory({
          data: {
            app: { baseUrl: 'http://portal.example.test' },
            ops: {
              pagerduty: {
                apiBaseUrl: pagerduty.url,
                eventsBaseUrl: pagerduty.url,
                token: 'local-fake-token',
                maxAttempts: 1,
              },
              changes: { maintenanceWindow: windowNow() },
              alerts: { maintenanceWindows },
            },
          },
        }),
      ],
    });
    const as = (who: string) => ({
      get: (path: string) =>
        request(server)
          .get(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(who)),
      post: (path: string, body: unknown) =>
        request(server)
          .post(`/api/ops${path}`)
          .set('Authorization', mockCredentials.user.header(who))
          .send(body as object),
    });
    return { server, as };
  }

  const change = (overrides: Record<string, unknown> = {}) => ({
    title: 'Rotate the orders database credentials',
    description: 'Quarterly rotation.',
    category: 'standard',
    standardType: 'config-update',
    risk: 'low',
    entityRefs: ['component:default/order-service'],
    plannedStart: new Date().toISOString(),
    plannedEnd: new Date(Date.now() + 90 * MINUTE).toISOString(),
    implementationPlan: 'Rotate in the vault.',
    rollbackPlan: 'Restore the previous secret.',
    testPlan: 'Place a test order.',
    ...overrides,
  });

  const windowsOf = (id: string) =>
    pagerduty.maintenanceWindows.filter(w => w.description.includes(`${id}:`));

  it('opens a window when a change starts in its window, shows it on the change, and ends it on completion', async () => {
    const { server, as } = await startBackend({
      enabled: true,
      fromEmail: FROM,
    });
    const filed = await as(ALICE).post('/change-requests', {
      ...change(),
      action: 'submit',
    });
    expect(filed.status).toBe(201);
    const id: string = filed.body.change.id;
    expect(filed.body.change.status).toBe('approved');
    expect(windowsOf(id)).toEqual([]);

    const started = await as(ALICE).post(`/change-requests/${id}/transitions`, {
      action: 'start',
      version: filed.body.change.version,
    });
    expect(started.status).toBe(200);
    const [window] = windowsOf(id);
    expect(window).toMatchObject({ serviceIds: ['PSVORDR'] });
    expect(window.description).toContain(
      `http://portal.example.test/changes/${id}`,
    );

    const shown = await as(ALICE).get(
      `/alerts/maintenance-windows?changeRequestId=${id.toLowerCase()}`,
    );
    expect(shown.status).toBe(200);
    const items: ChangeMaintenanceWindow[] = shown.body.items;
    expect(items).toEqual([
      {
        changeRequestId: id,
        windowId: window.id,
        serviceIds: ['PSVORDR'],
        start: new Date(window.start).toISOString(),
        end: new Date(window.end).toISOString(),
        status: 'open',
        htmlUrl: expect.stringContaining(window.id),
      },
    ]);

    // Callers who may not read the change, or without credentials, see nothing.
    expect(
      (
        await as(VIEWER).get(
          `/alerts/maintenance-windows?changeRequestId=${id}`,
        )
      ).status,
    ).toBe(403);
    expect(
      (
        await request(server)
          .get(`/api/ops/alerts/maintenance-windows?changeRequestId=${id}`)
          .set('Authorization', mockCredentials.none.header())
      ).status,
    ).toBe(401);
    const bad = await as(ALICE).get(
      '/alerts/maintenance-windows?changeRequestId=nope',
    );
    expect(bad.status).toBe(400);
    expect(
      (
        await as(ALICE).get(
          '/alerts/maintenance-windows?changeRequestId=CHG-999999',
        )
      ).status,
    ).toBe(404);

    const completed = await as(ALICE).post(
      `/change-requests/${id}/transitions`,
      { action: 'complete', version: started.body.change.version },
    );
    expect(completed.status).toBe(200);
    expect(windowsOf(id)[0].end).toBeLessThanOrEqual(Date.now());
    const after = await as(ALICE).get(
      `/alerts/maintenance-windows?changeRequestId=${id}`,
    );
    expect(after.body.items[0].status).toBe('ended');
  });

  it('never fails a change transition when PagerDuty is down', async () => {
    const { as } = await startBackend({ enabled: true, fromEmail: FROM });
    pagerduty.outage = { kind: 'server-error' };
    try {
      const started = await as(ALICE).post('/change-requests', {
        ...change({
          category: 'emergency',
          standardType: undefined,
          risk: 'high',
        }),
        action: 'start',
      });
      expect(started.status).toBe(201);
      expect(started.body.change.status).toBe('in-progress');
      const id: string = started.body.change.id;
      const shown = await as(ALICE).get(
        `/alerts/maintenance-windows?changeRequestId=${id}`,
      );
      expect(shown.body.items).toEqual([
        expect.objectContaining({ changeRequestId: id, status: 'failed' }),
      ]);
      expect(shown.body.items[0].error).toBeTruthy();

      const completed = await as(ALICE).post(
        `/change-requests/${id}/transitions`,
        { action: 'complete', version: started.body.change.version },
      );
      expect(completed.status).toBe(200);
      expect(windowsOf(id)).toEqual([]);
    } finally {
      pagerduty.outage = undefined;
    }
  });

  it('opens nothing while the feature is off (the default)', async () => {
    const { as } = await startBackend({});
    const started = await as(ALICE).post('/change-requests', {
      ...change({
        category: 'emergency',
        standardType: undefined,
        risk: 'high',
      }),
      action: 'start',
    });
    expect(started.status).toBe(201);
    const id: string = started.body.change.id;
    expect(windowsOf(id)).toEqual([]);
    const shown = await as(ALICE).get(
      `/alerts/maintenance-windows?changeRequestId=${id}`,
    );
    expect(shown.status).toBe(200);
    expect(shown.body.items).toEqual([]);
  });
});
