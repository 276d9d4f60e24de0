import { mockServices, TestDatabases } from '@backstage/backend-test-utils';
import { MetricsService } from '@backstage/backend-plugin-api/alpha';
import {
  AggregationTemporality,
  DataPoint,
  Histogram,
  InMemoryMetricExporter,
  MeterProvider,
  PeriodicExportingMetricReader,
} from '@opentelemetry/sdk-metrics';
import { Knex } from 'knex';
import { applyDatabaseMigrations } from '../../database/migrations';
import { DatabaseSnapshotStore } from '../../snapshots/SnapshotStore';
import { OpsTask, shardedTasks } from '../feature';
import { SnapshotReadCache } from '../SnapshotReadCache';
import { createOpsTelemetry, summarizeError } from '.';

jest.setTimeout(120_000);

const databases = TestDatabases.create({
  ids: ['POSTGRES_15', 'MYSQL_8', 'SQLITE_3'],
});

/** A meter over an in-memory exporter, and what it recorded so far. */
function meter() {
  const exporter = new InMemoryMetricExporter(
    AggregationTemporality.CUMULATIVE,
  );
  const reader = new PeriodicExportingMetricReader({
    exporter,
    exportIntervalMillis: 3_600_000,
  });
  const provider = new MeterProvider({ readers: [reader] });
  return {
    metrics: provider.getMeter('test') as unknown as MetricsService,
    async points(name: string): Promise<DataPoint<unknown>[]> {
      exporter.reset();
      await reader.forceFlush();
      return exporter
        .getMetrics()
        .flatMap(r => r.scopeMetrics)
        .flatMap(s => s.metrics)
        .filter(m => m.descriptor.name === name)
        .flatMap(m => m.dataPoints as DataPoint<unknown>[]);
    },
    shutdown: () => provider.shutdown(),
  };
}

const MINUTE = 60_000;

describe.each(databases.eachSupportedId())('ops telemetry on %s', id => {
  let knex: Knex;
  let clock: number;
  const time = { now: () => new Date(clock) };

  beforeAll(async () => {
    knex = await databases.init(id);
    await applyDatabaseMigrations(knex);
  });

  beforeEach(async () => {
    clock = Date.parse('2026-12-05T10:00:00.000Z');
    await knex('ops_refresh_status').delete();
    await knex('ops_snapshots').delete();
  });

  function setup() {
    const m = meter();
    const telemetry = createOpsTelemetry({
      db: knex,
      logger: mockServices.logger.mock(),
      metrics: m.metrics,
      clock: time,
    });
    const snapshots = new SnapshotReadCache(
      new DatabaseSnapshotStore(knex, time),
      knex,
      { revalidateMs: 1000, now: () => clock, telemetry: telemetry.cache },
    );
    return { ...m, telemetry, snapshots };
  }

  function task(taskId: string, fn: OpsTask['fn'], minutes = 10): OpsTask {
    return {
      id: taskId,
      scope: 'global',
      frequency: { minutes },
      timeout: { minutes: 5 },
      fn,
    };
  }

  it('records each run with its duration and outcome, and health tells never, ok, failing and stale', async () => {
    const { telemetry, points, shutdown } = setup();
    const ok = telemetry.refreshes.instrument(
      task('ops-oncall-refresh', async () => {
        clock += 1500;
      }),
    );
    let fail = true;
    const flaky = telemetry.refreshes.instrument(
      task('ops-incidents-refresh', async () => {
        clock += 200;
        if (fail) {
          throw new Error(
            'PagerDuty failed on /incidents (500) token=u+abcdefghijklmnop at https://user:pw@api.example.com/x?token=s3cret\n    at stack line',
          );
        }
      }),
    );

    // Before any run: 200 with every refresh 'never', not degraded.
    let health = await telemetry.health();
    expect(health).toEqual({
      status: 'ok',
      degraded: false,
      refreshes: [
        expect.objectContaining({
          task: 'ops-incidents-refresh',
          feature: 'incidents',
          status: 'never',
          shards: 1,
          staleAfterSeconds: 1800,
        }),
        expect.objectContaining({
          task: 'ops-oncall-refresh',
          feature: 'oncall',
          status: 'never',
        }),
      ],
    });

    await ok.fn(new AbortController().signal);
    await expect(flaky.fn(new AbortController().signal)).rejects.toThrow(
      /PagerDuty failed/,
    );

    const durations = await points('opsportal.refresh.duration');
    expect(durations).toHaveLength(2);
    const byTask = Object.fromEntries(
      durations.map(p => [p.attributes.task, p]),
    );
    expect(byTask['ops-oncall-refresh'].attributes).toEqual({
      task: 'ops-oncall-refresh',
      feature: 'oncall',
      outcome: 'success',
    });
    expect((byTask['ops-oncall-refresh'].value as Histogram).sum).toBeCloseTo(
      1.5,
    );
    expect(byTask['ops-incidents-refresh'].attributes.outcome).toBe('failure');

    health = await telemetry.health();
    expect(health.degraded).toBe(true);
    const [incidents, oncall] = health.refreshes!;
    expect(oncall).toMatchObject({
      status: 'ok',
      lastSuccessAt: '2026-12-05T10:00:01.500Z',
      ageSeconds: 0,
      lastDurationMs: 1500,
    });
    expect(incidents).toMatchObject({
      status: 'failing',
      lastFailureAt: '2026-12-05T10:00:01.700Z',
      lastDurationMs: 200,
    });
    expect(incidents.lastSuccessAt).toBeUndefined();
    // The first line, without credentials, query strings or token-like values.
    expect(incidents.lastError).toMatch(
      /^PagerDuty failed on \/incidents \(500\)/,
    );
    const body = JSON.stringify(health);
    expect(body).not.toMatch(/s3cret|abcdefghijklmnop|user:pw|stack line/);

    // It recovers; then nothing runs for more than three intervals.
    fail = false;
    await flaky.fn(new AbortController().signal);
    health = await telemetry.health();
    expect(health.refreshes!.map(r => r.status)).toEqual(['ok', 'ok']);
    expect(health.degraded).toBe(false);

    clock += 31 * MINUTE;
    health = await telemetry.health();
    expect(health.refreshes!.map(r => r.status)).toEqual(['stale', 'stale']);
    expect(health.refreshes![1].ageSeconds).toBe(31 * 60);
    expect(health.degraded).toBe(true);

    // The age gauge says the same to an alerting rule.
    const ages = await points('opsportal.refresh.age');
    expect(
      ages.find(p => p.attributes.task === 'ops-oncall-refresh')?.value,
    ).toBe(31 * 60);
    await shutdown();
  });

  it('counts a run whose snapshots all failed as a failure, some failed as partial', async () => {
    const { telemetry, snapshots, points, shutdown } = setup();
    let keys = ['a'];
    const refresh = telemetry.refreshes.instrument(
      task('ops-slo-refresh', async () => {
        for (const key of keys) {
          if (key === 'a') {
            await snapshots.markFailed(
              'slo',
              key,
              'CloudWatch throttled GetMetricData',
            );
          } else await snapshots.put('slo', key, { ok: true });
        }
      }),
    );
    await refresh.fn(new AbortController().signal);
    let [slo] = (await telemetry.health()).refreshes!;
    expect(slo).toMatchObject({
      status: 'failing',
      lastError: '1 of 1 snapshots failed: CloudWatch throttled GetMetricData',
    });

    keys = ['a', 'b'];
    clock += MINUTE;
    await refresh.fn(new AbortController().signal);
    [slo] = (await telemetry.health()).refreshes!;
    expect(slo.status).toBe('ok');

    const outcomes = (await points('opsportal.refresh.duration')).map(
      p => p.attributes.outcome,
    );
    expect(outcomes.sort()).toEqual(['failure', 'partial']);
    // A page view's write outside a run is not counted to any run.
    await snapshots.markFailed('slo', 'b', 'outside');
    expect((await telemetry.health()).refreshes![0].status).toBe('ok');
    await shutdown();
  });

  it('takes shards together: the oldest success, failing when one shard fails', async () => {
    const { telemetry, shutdown } = setup();
    let failShard = -1;
    const tasks = shardedTasks({
      id: 'ops-capacity-refresh',
      schedule: { frequency: { minutes: 30 }, timeout: { minutes: 10 } },
      shards: 3,
      fn: async shard => {
        clock += MINUTE;
        if (shard.index === failShard) throw new Error('shard failed');
      },
    }).map(t => telemetry.refreshes.instrument(t));

    await tasks[0].fn(new AbortController().signal);
    await tasks[1].fn(new AbortController().signal);
    let [capacity] = (await telemetry.health()).refreshes!;
    // One shard never ran yet: no common success.
    expect(capacity).toMatchObject({ shards: 3, status: 'never' });
    expect(capacity.lastSuccessAt).toBeUndefined();

    await tasks[2].fn(new AbortController().signal);
    [capacity] = (await telemetry.health()).refreshes!;
    expect(capacity).toMatchObject({
      task: 'ops-capacity-refresh',
      feature: 'capacity',
      status: 'ok',
      lastSuccessAt: '2026-12-05T10:01:00.000Z',
      ageSeconds: 120,
    });

    failShard = 1;
    await expect(
      Promise.resolve(tasks[1].fn(new AbortController().signal)),
    ).rejects.toThrow('shard failed');
    [capacity] = (await telemetry.health()).refreshes!;
    expect(capacity).toMatchObject({
      status: 'failing',
      lastError: 'shard failed',
    });
    expect(
      await knex('ops_refresh_status').where(
        'task_id',
        'ops-capacity-refresh-shard-2-of-3',
      ),
    ).toHaveLength(1);
    await shutdown();
  });

  it('counts snapshot cache hits and misses and reports snapshot ages', async () => {
    const { snapshots, points, shutdown } = setup();
    await snapshots.put('oncall.entity', 'component:default/a', { who: 'ada' });
    clock += 5 * MINUTE;
    await snapshots.put('oncall.entity', 'component:default/b', { who: 'bo' });
    await snapshots.markFailed('oncall.entity', 'component:default/c', 'x');

    await snapshots.get('oncall.entity', 'component:default/a'); // miss
    await snapshots.get('oncall.entity', 'component:default/a'); // hit
    clock += 2000;
    await snapshots.get('oncall.entity', 'component:default/a'); // revalidated: hit

    const cache = await points('opsportal.cache.requests');
    const count = (result: string) =>
      cache.find(
        p =>
          p.attributes.cache === 'snapshot' && p.attributes.result === result,
      )?.value;
    expect(count('hit')).toBe(2);
    expect(count('miss')).toBe(1);

    const ages = await points('opsportal.snapshot.age');
    const age = (which: string) =>
      ages.find(
        p =>
          p.attributes.kind === 'oncall.entity' && p.attributes.which === which,
      );
    expect(age('oldest')?.value).toBe(5 * 60 + 2);
    expect(age('oldest')?.attributes.feature).toBe('oncall');
    expect(age('newest')?.value).toBe(2);
    const failing = await points('opsportal.snapshot.failing');
    expect(
      failing.find(p => p.attributes.kind === 'oncall.entity')?.value,
    ).toBe(1);
    await shutdown();
  });

  it('answers health without the database, degraded', async () => {
    const broken = createOpsTelemetry({
      db: Object.assign(() => {
        throw new Error('connect ECONNREFUSED');
      }) as unknown as Knex,
      logger: mockServices.logger.mock(),
      clock: time,
    });
    broken.refreshes.instrument(task('ops-oncall-refresh', async () => {}));
    await expect(broken.health()).resolves.toEqual({
      status: 'ok',
      degraded: true,
      refreshStatusUnavailable: true,
      refreshes: [],
    });
  });
});

describe('summarizeError', () => {
  it('keeps what an operator needs and nothing that authenticates', () => {
    expect(
      summarizeError(
        new Error(
          'Prometheus refused Authorization: Bearer abc.def, key=AKIA1234 and eyJhbGciOiJIUzI1NiIsInR5cCI6IkpXVCJ9xyz\nstack',
        ),
      ),
    ).toBe(
      'Prometheus refused Authorization: Bearer [redacted], key=[redacted] and [redacted]',
    );
    expect(
      summarizeError(
        new Error(
          'PagerDuty refused the credentials (401 Unauthorized): check ops.pagerduty.token or the OAuth client',
        ),
      ),
    ).toBe(
      'PagerDuty refused the credentials (401 Unauthorized): check ops.pagerduty.token or the OAuth client',
    );
    expect(summarizeError('x'.repeat(500).replace(/x/g, 'ab '))).toHaveLength(
      200,
    );
  });
});
