import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { DatabaseChangeRequestStore } from '@opsportal/plugin-ops-backend';
import { ChangeOutcome, parseChangeId } from '@opsportal/plugin-ops-common';

/**
 * Development only: gives the demo portal's empty change store a history, so
 * that the change and deployment KPIs of the operations overview have
 * something to show — eight weeks of the example platform's changes (routine
 * deployments two or three a day, configuration updates, normal changes, an
 * emergency fix; a few failed or rolled back) and two planned changes for
 * the coming days. Written through the plugin's own store, with the times
 * the changes would have had. Does nothing unless NODE_ENV is `development`
 * and the store is empty.
 */

const SERVICES = [
  'order-service',
  'customer-service',
  'product-service',
  'payment-service',
  'search-service',
].map(name => `component:default/${name}`);

const PEOPLE = ['user:default/alice-chen', 'user:default/guest'];

const HOUR = 3_600_000;
const DAY = 24 * HOUR;

/** A small deterministic generator (mulberry32), so every start looks the same. */
function random(seed: number) {
  let a = seed;
  return () => {
    a = (a + 0x6d2b79f5) | 0;
    let t = Math.imul(a ^ (a >>> 15), 1 | a);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface PastChange {
  title: string;
  category: 'standard' | 'normal' | 'emergency';
  standardType?: string;
  service: string;
  start: Date;
  minutes: number;
  outcome: ChangeOutcome;
}

/** About 2 % rolled back, 2 % failed. */
function outcomeOf(roll: number): ChangeOutcome {
  if (roll < 0.02) return 'rolled-back';
  return roll < 0.04 ? 'failed' : 'successful';
}

const FINISH = {
  successful: { action: 'complete', status: 'completed' },
  failed: { action: 'fail', status: 'failed' },
  'rolled-back': { action: 'roll-back', status: 'rolled-back' },
} as const;

function history(now: number): PastChange[] {
  const next = random(20260301);
  const changes: PastChange[] = [];
  for (let d = 56; d >= 1; d--) {
    const day = Math.floor((now - d * DAY) / DAY) * DAY;
    const weekend = [0, 6].includes(new Date(day).getUTCDay());
    // Two or three a working day, now and then one at a weekend.
    let deployments = 2 + Math.floor(next() * 2);
    if (weekend) deployments = next() < 0.5 ? 1 : 0;
    for (let i = 0; i < deployments; i++) {
      const service = SERVICES[Math.floor(next() * SERVICES.length)];
      const roll = next();
      changes.push({
        title: `Deploy ${service.split('/')[1]} release`,
        category: 'standard',
        standardType: 'routine-deployment',
        service,
        start: new Date(day + (14 + i * 2) * HOUR),
        minutes: 20 + Math.floor(next() * 25),
        outcome: outcomeOf(roll),
      });
    }
    if (!weekend && next() < 0.3) {
      changes.push({
        title: 'Feature flag and configuration update',
        category: 'standard',
        standardType: 'config-update',
        service: SERVICES[Math.floor(next() * SERVICES.length)],
        start: new Date(day + 11 * HOUR),
        minutes: 10,
        outcome: 'successful',
      });
    }
    if (d % 14 === 3) {
      changes.push({
        title: 'Database schema migration',
        category: 'normal',
        service: SERVICES[Math.floor(next() * SERVICES.length)],
        start: new Date(day + 7 * HOUR),
        minutes: 90,
        outcome: 'successful',
      });
    }
  }
  changes.push({
    title: 'Hotfix: payment retries exhausting the connection pool',
    category: 'emergency',
    service: 'component:default/payment-service',
    start: new Date(Math.floor((now - 9 * DAY) / DAY) * DAY + 3 * HOUR),
    minutes: 35,
    outcome: 'successful',
  });
  // The release that preceded order-service's open P1 incident (the fake
  // PagerDuty opens it 12 minutes before it starts and holds the deploy's
  // change event): what the incident page's "What changed?" shows.
  changes.push({
    title: 'Deploy order-service 2.14.0',
    category: 'standard',
    standardType: 'routine-deployment',
    service: 'component:default/order-service',
    start: new Date(now - 40 * 60_000),
    minutes: 20,
    outcome: 'successful',
  });
  return changes;
}

const PLANS = {
  implementationPlan: 'Roll out through the CI/CD pipeline, canary first.',
  rollbackPlan: 'Redeploy the previous release.',
  testPlan: 'Smoke tests and the service dashboards after the rollout.',
};

export default createBackendModule({
  pluginId: 'ops',
  moduleId: 'example-change-history',
  register(env) {
    env.registerInit({
      deps: {
        database: coreServices.database,
        lifecycle: coreServices.lifecycle,
        logger: coreServices.logger,
      },
      async init({ database, lifecycle, logger }) {
        if (process.env.NODE_ENV !== 'development') return;
        // Once the plugin has started, and so created its tables.
        lifecycle.addStartupHook(async () => {
          const knex = await database.getClient();
          const store = new DatabaseChangeRequestStore(knex);
          const existing = await store.list({
            sort: 'createdAt',
            order: 'desc',
            limit: 1,
          });
          if (existing.items.length > 0) return;
          const now = Date.now();
          const past = history(now);
          for (const [i, c] of past.entries()) {
            const requester = PEOPLE[i % PEOPLE.length];
            const end = new Date(c.start.getTime() + c.minutes * 60_000);
            const fields = {
              title: c.title,
              description: `Example change of the demo platform (${c.category}).`,
              category: c.category,
              risk:
                c.category === 'normal'
                  ? ('medium' as const)
                  : ('low' as const),
              standardType: c.standardType ?? null,
              entityRefs: [c.service],
              plannedStart: c.start.toISOString(),
              plannedEnd: end.toISOString(),
              ...PLANS,
            };
            const created = await store.create({
              fields,
              requester,
              now: new Date(c.start.getTime() - DAY),
              steps: [
                {
                  action: 'create',
                  toStatus: 'draft',
                  set: { status: 'draft' },
                },
                {
                  action: 'start',
                  fromStatus: c.category === 'emergency' ? 'draft' : 'approved',
                  toStatus: 'in-progress',
                  set: {
                    status: 'in-progress',
                    submittedAt: new Date(c.start.getTime() - DAY),
                    startedAt: c.start,
                  },
                },
              ],
            });
            // Emergency changes await their review once implemented.
            const to =
              c.category === 'emergency'
                ? 'review-pending'
                : FINISH[c.outcome].status;
            await store.transition({
              dbId: parseChangeId(created.id)!,
              expectedVersion: created.version,
              set: { status: to, outcome: c.outcome, finishedAt: end },
              step: {
                action: FINISH[c.outcome].action,
                fromStatus: 'in-progress',
                toStatus: to,
              },
              actor: requester,
              now: end,
            });
          }
          // Two planned for the coming days, for the overview.
          const planned = [
            {
              title: 'Upgrade the RDS PostgreSQL minor version',
              service: 'component:default/order-service',
              inDays: 3,
            },
            {
              title: 'Resize the search-service node group',
              service: 'component:default/search-service',
              inDays: 6,
            },
          ];
          for (const p of planned) {
            const start =
              Math.floor((now + p.inDays * DAY) / DAY) * DAY + 7 * HOUR;
            await store.create({
              fields: {
                title: p.title,
                description: 'Example planned change of the demo platform.',
                category: 'normal',
                risk: 'medium',
                standardType: null,
                entityRefs: [p.service],
                plannedStart: new Date(start).toISOString(),
                plannedEnd: new Date(start + 2 * HOUR).toISOString(),
                ...PLANS,
              },
              requester: 'user:default/alice-chen',
              now: new Date(now - 8 * DAY),
              steps: [
                {
                  action: 'create',
                  toStatus: 'draft',
                  set: { status: 'draft' },
                },
                {
                  action: 'submit',
                  fromStatus: 'draft',
                  toStatus: 'submitted',
                  set: {
                    status: 'submitted',
                    submittedAt: new Date(now - 8 * DAY),
                  },
                },
              ],
            });
          }
          logger.info(
            `Example change history: ${past.length} implemented and ${planned.length} planned change requests`,
          );
        });
      },
    });
  },
});
