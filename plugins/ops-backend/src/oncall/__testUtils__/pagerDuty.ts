import fs from 'node:fs';
import path from 'node:path';
import { mockCredentials, mockServices } from '@backstage/backend-test-utils';
import { ConfigReader } from '@backstage/config';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import { PagerDutyProvider } from '@opsportal/plugin-ops-backend-module-pagerduty';
import { Knex } from 'knex';
import { parseAllDocuments } from 'yaml';
import { applyDatabaseMigrations } from '../../database/migrations';
import { DatabaseSnapshotStore } from '../../snapshots/SnapshotStore';

/*
 * What the on-call and incidents service tests share: the example platform,
 * the fake PagerDuty serving it, and a database of snapshots.
 */

// A Wednesday noon (UTC), minute-aligned like the fake's anchor.
export const ANCHOR = Date.UTC(2026, 2, 18, 12, 0);
export const DAY = 86_400_000;
export const ORDER = 'component:default/order-service';
export const PAYMENT = 'component:default/payment-service';
export const SRE = 'group:default/sre-team';
export const user = mockCredentials.user();

/** The example platform as the catalog serves it: services, teams, people. */
export function examples(): Entity[] {
  const root = path.resolve(__dirname, '../../../../../examples');
  const files = [
    path.join(root, 'org.yaml'),
    ...fs
      .readdirSync(path.join(root, 'services'))
      .filter(f => f.endsWith('.yaml'))
      .map(f => path.join(root, 'services', f)),
  ];
  return files.flatMap(file =>
    parseAllDocuments(fs.readFileSync(file, 'utf8')).map(
      d => d.toJS() as Entity,
    ),
  );
}

/** Resolves once the fake has seen no request for 100 ms (at most 2 s). */
export async function untilQuiet(fake: FakePagerDuty) {
  const deadline = Date.now() + 2000;
  let seen = -1;
  while (fake.stats.requests !== seen && Date.now() < deadline) {
    seen = fake.stats.requests;
    await new Promise(resolve => setTimeout(resolve, 100));
  }
}

/**
 * Starts the fake PagerDuty for the tests of the enclosing describe block.
 * Each test ends when the traffic it caused has landed, and fails when a
 * request did not conform to PagerDuty's published API.
 */
export function useFakePagerDuty(): () => FakePagerDuty {
  let pagerduty: FakePagerDuty;

  beforeAll(async () => {
    pagerduty = await startFakePagerDuty({
      now: () => ANCHOR,
      rateLimitPerMinute: 1_000_000,
    });
  });
  afterAll(() => pagerduty.close());
  afterEach(async () => {
    // A failed read may leave requests of the same batch in flight (and
    // retrying): let them land before the next test counts requests.
    await untilQuiet(pagerduty);
    const violations = pagerduty.violations.map(v => v.url);
    pagerduty.reset();
    if (violations.length > 0) {
      throw new Error(`non-conforming PagerDuty requests: ${violations}`);
    }
  });

  return () => pagerduty;
}

/** Options of {@link pagerDutyContext}. */
export interface PagerDutyContextOptions {
  entities?: Entity[];
  /** `ops` config of the services. */
  config?: object;
  token?: string;
  /** Reuse the database of an earlier setup. */
  knex?: Knex;
}

/**
 * What a service under test is built from: the real PagerDuty module
 * against the fake, a catalog of `entities` (the examples by default),
 * snapshots in `knex` (migrated) and a clock the test moves.
 */
export async function pagerDutyContext(
  pagerduty: FakePagerDuty,
  knex: Knex,
  options: PagerDutyContextOptions = {},
) {
  await applyDatabaseMigrations(knex);
  let now = ANCHOR;
  const clock = { now: () => new Date(now) };
  const snapshots = new DatabaseSnapshotStore(knex, clock);
  const logger = mockServices.logger.mock();
  const provider = PagerDutyProvider.fromConfig(
    new ConfigReader({
      ops: {
        pagerduty: {
          apiBaseUrl: pagerduty.url,
          eventsBaseUrl: pagerduty.url,
          token: options.token ?? 'local-fake-token',
          maxAttempts: 2,
          retryBaseDelayMs: 5,
          maxRetryDelayMs: 50,
          // The fake's limit, so that the refresh budget (10 % of 960 a
          // minute by default) never paces a test's refresh.
          rateLimitPerMinute: 1_000_000,
        },
      },
    }),
    { logger },
  )!;
  const catalog = catalogServiceMock({
    entities: options.entities ?? examples(),
  });
  return {
    provider,
    catalog,
    auth: mockServices.auth(),
    snapshots,
    config: new ConfigReader({ ops: options.config ?? {} }),
    logger,
    clock,
    knex,
    advance: (ms: number) => {
      now += ms;
    },
  };
}
