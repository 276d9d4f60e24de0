import {
  mockCredentials,
  mockServices,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { KpiReport } from '@opsportal/plugin-ops-common';
import { applyDatabaseMigrations } from '../database/migrations';
import { readReviewsConfig } from '../reviews/config';
import { ReviewsService } from '../reviews/ReviewsService';
import { DatabaseReviewsStore } from '../reviews/ReviewsStore';
import { readKpisConfig } from './config';
import { KpiService } from './KpiService';
import { reviewSourceFromService } from './sources';

jest.setTimeout(60_000);

const ORDER = 'component:default/order-service';
const PAYMENT = 'component:default/payment-service';
const ALICE = 'user:default/alice-chen';

const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'order-service' },
    spec: { type: 'service', owner: 'group:default/dev-team' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/dev-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payment-service' },
    spec: { type: 'service', owner: 'group:default/dev-team' },
    relations: [{ type: 'ownedBy', targetRef: 'group:default/dev-team' }],
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice-chen' },
    spec: { profile: { displayName: 'Alice Chen' } },
  },
];

const databases = TestDatabases.create({ ids: ['SQLITE_3'] });

function kpi(report: KpiReport, id: string) {
  return report.kpis.find(k => k.id === id)!;
}

describe('review KPIs through the reviews service', () => {
  it('counts reviews completed on time and overdue action items per scope', async () => {
    const knex = await databases.init('SQLITE_3');
    await applyDatabaseMigrations(knex);
    let now = new Date('2026-03-06T10:00:00Z');
    const clock = { now: () => now };
    const catalog = catalogServiceMock({ entities });
    const reviews = new ReviewsService({
      store: new DatabaseReviewsStore(knex),
      config: readReviewsConfig(new ConfigReader({})),
      catalog,
      auth: mockServices.auth(),
      permissions: mockServices.permissions(),
      auditor: mockServices.auditor.mock(),
      logger: mockServices.logger.mock(),
      clock,
    });
    const ctx = { credentials: mockCredentials.user(ALICE) };
    const incident = (id: string, createdAt: string, entityRef: string) =>
      reviews.ensureForIncident({
        incidentId: id,
        title: id,
        severity: 'P1',
        entityRefs: [entityRef],
        createdAt,
        owner: ALICE,
        createdBy: ALICE,
      });

    // Due Monday 9 March, completed on Friday the 6th: on time.
    const onTime = await incident('QA', '2026-03-02T09:00:00Z', ORDER);
    expect(onTime.dueDate).toBe('2026-03-09');
    await reviews.update(onTime.id, { version: 1, status: 'completed' }, ctx);
    // Due Tuesday 17 March and never completed; its action item was due
    // on the 20th and is still open.
    now = new Date('2026-03-10T10:00:00Z');
    const late = await incident('QB', '2026-03-10T09:00:00Z', PAYMENT);
    await reviews.addActionItem(
      late.id,
      {
        title: 'Alert on refund failures',
        owner: ALICE,
        dueDate: '2026-03-20',
      },
      ctx,
    );
    // Due Friday 3 April: after the period, not counted.
    await incident('QC', '2026-03-27T09:00:00Z', ORDER);

    now = new Date('2026-03-31T00:00:00Z');
    const kpis = new KpiService({
      catalog,
      config: readKpisConfig(new ConfigReader({})),
      clock,
      reviews: reviewSourceFromService(reviews),
    });
    const platform = await kpis.report(
      { scope: 'platform', period: '30d' },
      ctx.credentials,
    );
    expect(kpi(platform, 'reviewsOnTime')).toMatchObject({
      value: 0.5,
      status: 'missed',
      target: 0.9,
      basis: '1 of 2 reviews completed on time',
    });
    expect(kpi(platform, 'actionItemsOverdue')).toMatchObject({
      value: 1,
      status: 'missed',
      target: 0,
    });

    const order = await kpis.report(
      { scope: 'entity', entityRef: ORDER, period: '30d' },
      ctx.credentials,
    );
    expect(kpi(order, 'reviewsOnTime')).toMatchObject({
      value: 1,
      status: 'met',
    });
    expect(kpi(order, 'actionItemsOverdue')).toMatchObject({
      value: 0,
      status: 'met',
    });
  });
});
