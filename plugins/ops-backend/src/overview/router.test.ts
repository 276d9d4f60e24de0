import { promises as fs } from 'node:fs';
import path from 'node:path';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import request from 'supertest';
import { parse } from 'yaml';
import { opsPlugin } from '../plugin';

jest.setTimeout(120_000);

const examples = path.resolve(__dirname, '../../../../examples');
const userHeader = mockCredentials.user.header('user:default/guest');
const ref = 'component:default/payment-service';

/** The example platform's payment-service as the catalog hands it out. */
async function examplePaymentService(): Promise<Entity> {
  const file = path.join(examples, 'services', 'payment-service.yaml');
  const entity = parse(await fs.readFile(file, 'utf8')) as Entity;
  entity.metadata.namespace = 'default';
  entity.metadata.annotations = {
    ...entity.metadata.annotations,
    'backstage.io/managed-by-location': `file:${file}`,
    'backstage.io/managed-by-origin-location': `file:${path.join(
      examples,
      'all.yaml',
    )}`,
  };
  return entity;
}

/** Each overview part and the route that answers it alone. */
const routes: Record<string, (entityRef: string) => string> = {
  health: () => '/api/ops/health',
  oncall: e => `/api/ops/oncall/entity?entityRef=${e}`,
  incidents: e => `/api/ops/incidents/entity?entityRef=${e}`,
  slos: e => `/api/ops/slos/entity?entityRef=${e}`,
  runbooks: e => `/api/ops/runbooks/entity?entityRef=${e}`,
  capacity: e => `/api/ops/capacity/entity?entityRef=${e}&range=30d`,
  kpis: e => `/api/ops/kpis?scope=entity&entityRef=${e}&period=30d`,
};

/*
 * The plugin without upstream modules: every part answers at once from what
 * the plugin has (runbooks from examples/, errors or empty answers for the
 * rest), which is all the comparison with the routes needs.
 */
/** The streamed overview: one line of JSON a part, by part. */
function partsOf(res: request.Response): Record<string, any> {
  expect(res.headers['content-type']).toMatch(/^application\/x-ndjson/);
  const parts: Record<string, any> = {};
  for (const line of res.text.split('\n').filter(Boolean)) {
    const { part, ...answer } = JSON.parse(line);
    parts[part] = answer;
  }
  return parts;
}

/** An answer without its instants (reports say when they were computed). */
function withoutTimes(value: unknown): unknown {
  return JSON.parse(
    JSON.stringify(value).replace(
      /\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z/g,
      '<instant>',
    ),
  );
}

describe('GET /overview/entity', () => {
  async function start() {
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        catalogServiceMock.factory({
          entities: [await examplePaymentService()],
        }),
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    return server;
  }

  it('refuses callers without credentials', async () => {
    const server = await start();
    const res = await request(server).get(
      `/api/ops/overview/entity?entityRef=${ref}&parts=oncall`,
    );
    expect(res.status).toBe(401);
  });

  it('names the field that is missing or wrong', async () => {
    const server = await start();
    const missing = await request(server)
      .get(`/api/ops/overview/entity?entityRef=${ref}`)
      .set('Authorization', userHeader);
    expect(missing.status).toBe(400);
    expect(missing.body.error.message).toBe(
      'Invalid query: parts: is required',
    );
    const wrong = await request(server)
      .get(`/api/ops/overview/entity?entityRef=${ref}&parts=oncall,secrets`)
      .set('Authorization', userHeader);
    expect(wrong.status).toBe(400);
    expect(wrong.body.error.message).toMatch(
      /^Invalid query: parts\.1: must be a comma-separated list of health, oncall/,
    );
    const badRef = await request(server)
      .get('/api/ops/overview/entity?entityRef=a:b:c/d&parts=oncall')
      .set('Authorization', userHeader);
    expect(badRef.status).toBe(400);
  });

  it('answers every part as its own route does, in one request', async () => {
    const server = await start();
    const parts = Object.keys(routes);
    // Each route alone first (what the cards asked before), then the overview.
    const alone: Record<string, request.Response> = {};
    for (const part of parts) {
      alone[part] = await request(server)
        .get(routes[part](ref))
        .set('Authorization', userHeader);
    }
    const res = await request(server)
      .get(`/api/ops/overview/entity?entityRef=${ref}&parts=${parts.join(',')}`)
      .set('Authorization', userHeader);

    expect(res.status).toBe(200);
    const answers = partsOf(res);
    expect(Object.keys(answers).sort()).toEqual([...parts].sort());
    // Each part as the route answered: its status, and its body or error.
    const asAlone = (status: number, body: any) =>
      status === 200
        ? { status, body: withoutTimes(body) }
        : { status, error: body.error };
    for (const part of parts) {
      const answer = answers[part];
      expect({
        part,
        ...asAlone(answer.status, answer.status === 200 ? answer.body : answer),
      }).toEqual({
        part,
        ...asAlone(alone[part].status, alone[part].body),
      });
    }
  });

  it('answers an entity the caller cannot see with a 404 part each, like the routes', async () => {
    const server = await start();
    const res = await request(server)
      .get(
        '/api/ops/overview/entity?entityRef=component:default/nope&parts=oncall,slos,capacity,health',
      )
      .set('Authorization', userHeader);

    expect(res.status).toBe(200);
    const answers = partsOf(res);
    // Health is the process's, not the entity's: what GET /health answers.
    const health = await request(server).get(
      routes.health('component:default/nope'),
    );
    expect(answers.health).toEqual({ status: 200, body: health.body });
    expect(health.body.status).toBe('ok');
    for (const part of ['oncall', 'slos', 'capacity']) {
      const alone = await request(server)
        .get(routes[part]('component:default/nope'))
        .set('Authorization', userHeader);
      expect(alone.status).toBe(404);
      expect(answers[part]).toEqual({
        status: 404,
        statusText: 'Not Found',
        error: alone.body.error,
      });
    }
  });
});
