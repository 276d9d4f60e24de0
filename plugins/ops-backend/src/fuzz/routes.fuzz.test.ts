import { createServiceFactory } from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
  TestDatabases,
} from '@backstage/backend-test-utils';
import { CatalogClient } from '@backstage/catalog-client';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceRef } from '@backstage/plugin-catalog-node';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty, startFakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import {
  actionItemCreateBody,
  actionItemUpdateBody,
  assignRoleBody,
  changeTransitionSchema,
  createChangeRequestSchema,
  incidentNoteBody,
  incidentRoles,
  PostIncidentReview,
  responderRequestBody,
  reviewUpdateBody,
  statusUpdateBody,
  updateChangeRequestSchema,
} from '@opsportal/plugin-ops-common';
import fc from 'fast-check';
import { Knex } from 'knex';
import http from 'node:http';
import { AddressInfo } from 'node:net';
import { z } from 'zod';
import { opsPlugin } from '../plugin';

/**
 * Fuzzes every route the ops router mounts under /api/ops (issue 11): path
 * parameters, query strings and bodies, generated from a seed.
 *
 * For every answer: no 5xx; an error body has no stack trace, no source
 * file:line, no absolute path and no internal route of another plugin; a
 * write that is refused changes no row (checked around every write request,
 * and for the whole run). A third part makes the catalog fail and checks that
 * its error (internal route, stack) does not reach the client.
 *
 * One backend for the file. On PostgreSQL (when
 * BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING is set) the
 * change-request routes get 10,000 requests; otherwise the same runs on
 * SQLite with 1,000, so the test is never skipped. `OPS_FUZZ_SEED=<n>`
 * replays a run; `OPS_FUZZ_REQUESTS=<n>` changes the count.
 *
 * The catalog is a fake reached over real HTTP by the real CatalogClient for
 * the calls that look entities up by ref (getEntitiesByRefs, getEntityByRef),
 * so its errors are the client's real ResponseErrors. It answers a NUL in
 * `POST /entities/by-refs` the way a catalog on PostgreSQL in development
 * mode does (500, body with its internal route and stack), and a path it
 * cannot decode the way Express does (400, same kind of body): CatalogClient
 * sends a NUL as `%0` and characters beyond the BMP as CESU-8. Other catalog
 * reads use the in-memory catalogServiceMock, which answers a NUL ref with
 * "not found" and would hide the defect.
 *
 * The incident provider is the real PagerDuty module against the fake
 * PagerDuty of `@internal/fake-upstreams` (without a provider the incident
 * page's routes answer 503 by design), so the incident-response routes meet
 * incidents that exist, ids the fake does not know (404) and malformed ids
 * (400); the review routes meet reviews started through the API for the
 * fake's open P1 and a resolved P2. An error body must not name the fake's
 * address or its token either.
 *
 * Each request is sent verbatim (node:http, no URL normalisation). Reads go
 * a few at a time; each write goes alone, between two fingerprints of the
 * change-request, incident-role and review tables (row counts, sum and max
 * of `version`, latest `updated_at`). A failure lists each kind of problem
 * once per route, status and trait (id beyond int32, NUL, cursor, long
 * text), with its count and one request and answer to replay.
 */

jest.setTimeout(900_000);

// Backstage's error handler (MiddlewareFactory.error in
// @backstage/backend-defaults) adds the stack to error bodies only when
// NODE_ENV is 'development'; jest runs with 'test'. Run as production does.
const previousNodeEnv = process.env.NODE_ENV;
process.env.NODE_ENV = 'production';

const databases = TestDatabases.create({ ids: ['POSTGRES_15', 'SQLITE_3'] });
const DATABASE = databases.supports('POSTGRES_15') ? 'POSTGRES_15' : 'SQLITE_3';
const SEED = Number(process.env.OPS_FUZZ_SEED ?? 20261111);
const CHANGE_REQUESTS = Number(
  process.env.OPS_FUZZ_REQUESTS ??
    (DATABASE === 'POSTGRES_15' ? 10_000 : 1_000),
);
/** Requests per route outside change management, and with the catalog down. */
const OTHER_PER_ROUTE = Math.max(10, Math.round(CHANGE_REQUESTS / 200));
const CATALOG_DOWN_REQUESTS = Math.max(40, Math.round(CHANGE_REQUESTS / 40));

/** Reads in flight at once (writes always go alone). */
const READ_CONCURRENCY = 4;
/** A request without an answer by then is a failure (and the run goes on). */
const REQUEST_TIMEOUT_MS = 15_000;

const USER = 'user:default/guest';
const CHANGES = 'ops_change_requests';
const HISTORY = 'ops_change_request_history';
const LINKS = 'ops_change_request_entities';
const ROLES = 'ops_incident_roles';
const ROLE_HISTORY = 'ops_incident_role_history';
const REVIEWS = 'ops_incident_reviews';
const ACTION_ITEMS = 'ops_review_action_items';
const PAGERDUTY_TOKEN = 'fuzz-pagerduty-token';
/** The fake PagerDuty's integration user: who the portal writes as for guest. */
const FROM_EMAIL = 'ops-portal@ecommerce-platform.com';
/** A catalog User with an email PagerDuty knows (responder requests). */
const ALICE = 'user:default/alice-chen';

const component = (name: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name, namespace: 'default' },
  spec: {
    type: 'service',
    lifecycle: 'production',
    owner: 'group:default/dev-team',
  },
});
const entities: Entity[] = [
  component('payment-service'),
  {
    // The service of the fake PagerDuty's open P1: its review names it.
    ...component('order-service'),
    metadata: {
      name: 'order-service',
      namespace: 'default',
      annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
    },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Group',
    metadata: { name: 'dev-team', namespace: 'default' },
    spec: { type: 'team', children: [], members: ['guest'] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'guest', namespace: 'default' },
    spec: { memberOf: ['group:default/dev-team'] },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'User',
    metadata: { name: 'alice-chen', namespace: 'default' },
    spec: {
      profile: {
        displayName: 'Alice Chen',
        email: 'alice.chen@ecommerce-platform.com',
      },
      memberOf: ['group:default/dev-team'],
    },
  },
];

// ---------------------------------------------------------------------------
// The fake catalog

/** What a catalog on PostgreSQL answers, in development mode, to a NUL. */
function catalogErrorBody(method: string, url: string) {
  return {
    error: {
      name: 'error',
      message: 'invalid byte sequence for encoding "UTF8": 0x00',
      stack: [
        'error: invalid byte sequence for encoding "UTF8": 0x00',
        '    at Parser.parseErrorMessage (/work/main/node_modules/pg-protocol/dist/parser.js:285:98)',
        '    at DefaultEntitiesCatalog.entitiesBatch (/work/main/node_modules/@backstage/plugin-catalog-backend/dist/service/DefaultEntitiesCatalog.cjs.js:213:21)',
        '    at /work/main/node_modules/@backstage/plugin-catalog-backend/dist/service/createRouter.cjs.js:178:24',
      ].join('\n'),
      code: '22021',
    },
    request: { method, url },
    response: { statusCode: 500 },
  };
}

interface FakeCatalog {
  baseUrl: string;
  /** 'down': every request answers 500 with the internal error above. */
  mode: 'up' | 'down';
  hits: number;
  errors: number;
  close(): Promise<void>;
}

async function startFakeCatalog(known: Entity[]): Promise<FakeCatalog> {
  const byRef = new Map(
    known.map(e => [
      `${e.kind}:${e.metadata.namespace ?? 'default'}/${
        e.metadata.name
      }`.toLocaleLowerCase('en-US'),
      e,
    ]),
  );
  const state = { mode: 'up' as 'up' | 'down', hits: 0, errors: 0 };
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    const handle = () => {
      state.hits += 1;
      const url = new URL(req.url ?? '/', 'http://catalog');
      const route = url.pathname;
      const answer = (status: number, body: unknown) => {
        if (status >= 400 && status !== 404) state.errors += 1;
        res.writeHead(status, { 'content-type': 'application/json' });
        res.end(JSON.stringify(body));
      };
      const fail = () =>
        answer(500, catalogErrorBody(req.method ?? 'GET', route));
      if (state.mode === 'down') return fail();
      if (req.method === 'POST' && route === '/api/catalog/entities/by-refs') {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8'));
        const refs: string[] = body.entityRefs ?? [];
        if (refs.some(r => r.includes('\u0000'))) return fail();
        return answer(200, {
          items: refs.map(r => byRef.get(r.toLocaleLowerCase('en-US')) ?? null),
        });
      }
      const byName =
        /^\/api\/catalog\/entities\/by-name\/([^/]*)\/([^/]*)\/([^/]*)$/.exec(
          route,
        );
      if (req.method === 'GET' && byName) {
        let parts: string[];
        try {
          parts = byName.slice(1).map(decodeURIComponent);
        } catch {
          // What Express answers (with the stack in development mode) to a
          // path it cannot decode; CatalogClient sends a NUL as `%0`.
          return answer(400, {
            error: {
              name: 'URIError',
              message: `Failed to decode param '${byName[3]}'`,
              stack: `URIError: Failed to decode param '${byName[3]}'\n    at decodeURIComponent (<anonymous>)\n    at decode_param (/work/main/node_modules/express/lib/router/layer.js:172:12)`,
            },
            request: { method: 'GET', url: route },
            response: { statusCode: 400 },
          });
        }
        const [kind, namespace, name] = parts;
        const ref = `${kind}:${namespace}/${name}`;
        if (ref.includes('\u0000')) return fail();
        const entity = byRef.get(ref.toLocaleLowerCase('en-US'));
        return entity
          ? answer(200, entity)
          : answer(404, {
              error: { name: 'NotFoundError', message: `No entity ${ref}` },
              request: { method: 'GET', url: route },
              response: { statusCode: 404 },
            });
      }
      return answer(404, {
        error: { name: 'NotFoundError', message: 'Not found' },
        request: { method: req.method, url: route },
        response: { statusCode: 404 },
      });
    };
    req.on('data', c => chunks.push(c));
    req.on('end', () => {
      try {
        handle();
      } catch (error) {
        state.errors += 1;
        res.writeHead(500, { 'content-type': 'text/plain' });
        res.end(String(error));
      }
    });
  });
  await new Promise<void>(resolve => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return Object.assign(state, {
    baseUrl: `http://127.0.0.1:${port}/api/catalog`,
    close: () =>
      new Promise<void>(resolve => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  }) as FakeCatalog;
}

/**
 * The catalog service the plugin gets: lookups by ref go through the real
 * CatalogClient to the fake catalog; other reads to the in-memory mock; when
 * the catalog is down, everything goes to the fake (which fails).
 */
function catalogFactory(fake: FakeCatalog) {
  const memory = catalogServiceMock({ entities });
  const client = new CatalogClient({
    discoveryApi: { getBaseUrl: async () => fake.baseUrl },
  });
  const overHttp = new Set(['getEntitiesByRefs', 'getEntityByRef']);
  const service = new Proxy(memory, {
    get(target, prop) {
      const viaHttp =
        typeof prop === 'string' &&
        (fake.mode === 'down' || overHttp.has(prop)) &&
        typeof (client as any)[prop] === 'function';
      if (viaHttp) {
        return (req: unknown) =>
          (client as any)[prop](req, { token: 'catalog-token' });
      }
      const value = Reflect.get(target, prop);
      return typeof value === 'function' ? value.bind(target) : value;
    },
  });
  return createServiceFactory({
    service: catalogServiceRef,
    deps: {},
    factory: () => service,
  });
}

// ---------------------------------------------------------------------------
// Requests

type Auth = 'user' | 'none' | 'invalid' | 'service';

interface FuzzRequest {
  /** The route as mounted, e.g. `PATCH /change-requests/:id`. */
  route: string;
  method: 'GET' | 'POST' | 'PATCH' | 'PUT';
  /** Path under /api/ops as sent (percent-encoded). */
  path: string;
  /** Query string as sent, without `?`. */
  query: string;
  body?: string;
  contentType?: string;
  auth: Auth;
  /** 'refuse': must be answered 4xx; 'any': any answer below 500. */
  expect: 'refuse' | 'any';
  /**
   * For writes meant to get past the version check: just before sending,
   * `path` is read and the version `pick` finds there replaces the body's
   * `"@current"` (null when there is none, as for a role not assigned).
   */
  current?: { path: string; pick: (answer: any) => number | null | undefined };
}

const CURRENT = '@current';

const write = (r: FuzzRequest) => r.method !== 'GET';

/** Percent-encodes everything, lone surrogates included (as U+FFFD). */
function enc(s: string): string {
  try {
    return encodeURIComponent(s);
  } catch {
    return [...Buffer.from(s, 'utf8')]
      .map(b => `%${b.toString(16).padStart(2, '0').toUpperCase()}`)
      .join('');
  }
}

function dec(s: string): string {
  try {
    return decodeURIComponent(s.replace(/\+/g, ' '));
  } catch {
    return s;
  }
}

const b64 = (value: unknown) =>
  Buffer.from(
    typeof value === 'string' ? value : JSON.stringify(value),
    'utf8',
  ).toString('base64url');

const NUL_REFS = [
  'component:default/pay\u0000ment-service',
  'component:default/payment-service\u0000',
  'component:de\u0000fault/payment-service',
  'comp\u0000onent:default/payment-service',
  '\u0000',
  'payment\u0000',
  `component:default/${'a\u0000'.repeat(100)}`,
  'group:default/dev\u0000-team',
];
const NUL_USERS = [
  'user:default/gu\u0000est',
  'user:\u0000/guest',
  'gu\u0000est',
  '\u0000',
];

const nastyString: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      '',
      ' ',
      '\u0000',
      'a\u0000b',
      '\ud800',
      '\udfff',
      '💥'.repeat(100),
      'x'.repeat(3000),
      '%',
      '%00',
      '%ZZ',
      ',',
      ',,,',
      'a,'.repeat(60),
      '[]',
      '{}',
      'null',
      'undefined',
      'true',
      '-1',
      '0',
      '1e3',
      '1e309',
      'NaN',
      'Infinity',
      '0x10',
      ' 5 ',
      '1.5',
      '201',
      '9'.repeat(30),
      "' OR 1=1 --",
      '\\',
      '__proto__',
      'constructor',
      '\r\n',
      '\t',
      '\u202e',
      '\ufeff',
      'İ',
      'CHG-2147484648',
    ),
  },
  { weight: 2, arbitrary: fc.string({ maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 40 }) },
  { weight: 1, arbitrary: fc.string({ unit: 'grapheme', maxLength: 20 }) },
);

/** A query value: mostly valid ones (to get past the first check), or nasty. */
const val = (valid: fc.Arbitrary<string>, nasty = nastyString) =>
  fc.oneof({ weight: 3, arbitrary: valid }, { weight: 2, arbitrary: nasty });

const dateish: fc.Arbitrary<string> = fc.oneof(
  fc.constantFrom(
    '2030-01-01T00:00:00Z',
    '2031-01-05T07:00:00.000Z',
    '2000-01-01T00:00:00Z',
    '1999-12-31T23:59:59Z',
    '2100-12-31T23:59:59.999Z',
    '2101-01-01T00:00:00Z',
    '2030-01-01T00:00:00+14:00',
    '2030-01-01T00:00:00-12:00',
    '2030-06-30T23:59:60Z',
    '2030-02-30T00:00:00Z',
    '2030-01-01T00:00:00',
    '2030-01-01',
    '2030-01-01t00:00:00z',
    '2030-01-01T00:00:00.123456789Z',
    '0000-01-01T00:00:00Z',
    '+275760-09-13T00:00:00Z',
    '-271821-04-20T00:00:00Z',
    '9999-12-31T23:59:59Z',
  ),
  fc
    .date({
      min: new Date('1990-01-01T00:00:00Z'),
      max: new Date('2110-01-01T00:00:00Z'),
      noInvalidDate: true,
    })
    .map(d => d.toISOString()),
  fc.date({ noInvalidDate: true }).map(d => d.toISOString()),
);

const cursorArb: fc.Arbitrary<string> = fc.oneof(
  {
    weight: 3,
    arbitrary: fc.constantFrom(
      b64(['2030-01-01T00:00:00Z', 1e20]),
      b64(['x', 1]),
      b64([null, 1]),
      b64(['2030-01-01T00:00:00Z', 2147483647]),
      b64(['2030-01-01T00:00:00Z', 2147483648]),
      b64(['2030-01-01T00:00:00Z', 4294967296]),
      b64(['2030-01-01T00:00:00Z', 9007199254740991]),
      b64(['2030-01-01T00:00:00Z', 1]),
      b64(['2030-01-01T00:00:00Z', 0]),
      b64(['2030-01-01T00:00:00Z', -1]),
      b64(['2030-01-01T00:00:00Z', 1.5]),
      b64(['2030-01-01T00:00:00Z', '1']),
      b64(['2030-01-01T00:00:00Z', 1, 'more']),
      b64(['2030-01-01T00:00:00Z']),
      b64(['+275760-09-13T00:00:00Z', 1]),
      b64(['-271821-04-20T00:00:00Z', 1]),
      b64(['0000-01-01T00:00:00Z', 1]),
      b64(['2030-01-01T00:00:00\u0000Z', 1]),
      b64(['1', 1]),
      b64([[], 1]),
      b64({}),
      b64([]),
      b64('x'),
      b64(''),
      '!!!',
      '====',
      'a'.repeat(500),
      'a'.repeat(501),
    ),
  },
  {
    weight: 3,
    arbitrary: fc
      .tuple(
        fc.oneof(dateish, nastyString),
        fc.oneof(
          fc.integer({ min: 1, max: 5000 }),
          fc.integer(),
          fc
            .bigInt({ min: 2n ** 31n - 10n, max: 2n ** 53n })
            .map(n => Number(n)),
          fc.double(),
        ),
      )
      .map(b64),
  },
  {
    weight: 1,
    arbitrary: fc
      .uint8Array({ maxLength: 64 })
      .map(a => Buffer.from(a).toString('base64url')),
  },
  { weight: 1, arbitrary: fc.jsonValue({ maxDepth: 2 }).map(b64) },
  { weight: 1, arbitrary: fc.string({ maxLength: 80 }) },
);

const unknownKey = fc.oneof(
  fc.constantFrom(
    'other',
    '__proto__',
    'constructor',
    'filter',
    '$where',
    'limit ',
    'Limit',
    'entityref',
    '',
  ),
  fc.string({ maxLength: 12 }),
);

const rawQueryJunk = fc.constantFrom(
  '%',
  '&&&',
  '=',
  '==',
  'a=%ZZ',
  'a=%E0%A4%A',
  '%00=%00',
  '__proto__[polluted]=1',
  'constructor[prototype][polluted]=1',
  'a[b][c][d][e][f][g]=1',
  'a[9999999]=1',
  '+=+',
);

/** One query key in one of its spellings. */
function param(key: string, values: fc.Arbitrary<string>) {
  const k = enc(key);
  return fc.oneof(
    { weight: 8, arbitrary: values.map(v => [`${k}=${enc(v)}`]) },
    {
      weight: 1,
      arbitrary: fc
        .array(values, { minLength: 2, maxLength: 4 })
        .map(vs => vs.map(v => `${k}=${enc(v)}`)),
    },
    { weight: 1, arbitrary: values.map(v => [`${k}[]=${enc(v)}`]) },
    {
      weight: 1,
      arbitrary: fc
        .tuple(
          fc.constantFrom('a', '0', '21', '$gt', '__proto__', 'constructor'),
          values,
        )
        .map(([sub, v]) => [`${k}[${enc(sub)}]=${enc(v)}`]),
    },
    {
      weight: 1,
      arbitrary: fc.constantFrom(
        [k],
        [`${k}=`],
        [`${k}[0][x]=1`],
        Array.from({ length: 60 }, (_, i) => `${k}=v${i}`),
      ),
    },
  );
}

/** A query string over the route's known keys, unknown keys and junk. */
function queryOf(known: Record<string, fc.Arbitrary<string>> = {}) {
  const keys = Object.keys(known);
  const knownParts = fc
    .subarray(keys)
    .chain(ks =>
      ks.length === 0
        ? fc.constant([] as string[][])
        : fc.tuple(...ks.map(k => param(k, known[k]))),
    )
    .map(parts => parts.flat());
  const extra = fc.oneof(
    { weight: 8, arbitrary: fc.constant([] as string[]) },
    {
      weight: 1,
      arbitrary: fc
        .array(fc.tuple(unknownKey, nastyString), {
          minLength: 1,
          maxLength: 3,
        })
        .map(ps => ps.map(([k, v]) => `${enc(k)}=${enc(v)}`)),
    },
    { weight: 1, arbitrary: rawQueryJunk.map(j => [j]) },
  );
  return fc
    .tuple(knownParts, extra)
    .map(([parts, more]) => [...parts, ...more].join('&'));
}

/** JSON values, including the awkward ones (as in changes/fuzz.test.ts). */
const nastyJson = fc.oneof(
  fc.jsonValue(),
  fc.constantFrom<unknown>(
    null,
    '',
    ' ',
    '\u0000',
    'a\u0000b',
    '\ud800',
    '💥'.repeat(300),
    'x'.repeat(30_000),
    -1,
    0,
    1.5,
    2 ** 53,
    -(2 ** 31),
    2 ** 31,
    1e308,
    true,
    [],
    {},
    ['component:'],
    ['user:default/guest'],
    ['component:default/payment-service\u0000'],
    'component:default/does-not-exist',
    '0000-01-01T00:00:00Z',
    '9999-12-31T23:59:59Z',
    '2031-01-05T07:00:00',
    '2031-02-30T07:00:00Z',
    'CHG-1001',
    'CHG-2147484648',
  ),
);

/** A valid body with one field broken, dropped or an unknown one added. */
function mutated(base: Record<string, unknown>) {
  const keys = Object.keys(base);
  return fc.oneof(
    fc
      .tuple(fc.constantFrom(...keys), nastyJson)
      .map(([key, value]) => ({ ...base, [key]: value })),
    fc
      .constantFrom(...keys)
      .map(key =>
        Object.fromEntries(Object.entries(base).filter(([k]) => k !== key)),
      ),
    fc
      .tuple(fc.string({ minLength: 1, maxLength: 20 }), nastyJson)
      .filter(([key]) => !keys.includes(key))
      .map(([key, value]) => ({ ...base, [key]: value })),
    nastyJson,
  );
}

/** Bodies the API contract rejects. */
function malformed(schema: z.ZodType, base: Record<string, unknown>) {
  return mutated(base).filter(body => !schema.safeParse(body).success);
}

/** Bodies that are not JSON, or not sent as JSON. */
const oddBody: fc.Arbitrary<{ body: string; contentType: string }> = fc.oneof(
  fc
    .constantFrom(
      '{',
      '{"title":',
      '[1,',
      'null',
      '',
      '"x"',
      '{"__proto__":{"polluted":true}}',
      '{"constructor":{"prototype":{"polluted":true}}}',
      '{"title":"\\u0000"}',
      `{"title":"${'x'.repeat(300_000)}"}`,
      `${'['.repeat(5000)}${']'.repeat(5000)}`,
    )
    .map(body => ({ body, contentType: 'application/json' })),
  fc.string({ maxLength: 200 }).map(body => ({
    body,
    contentType: 'application/json',
  })),
  fc
    .tuple(
      fc.constantFrom(
        'text/plain',
        'application/x-www-form-urlencoded',
        'application/json; charset=utf-16',
        'application/json; charset=latin1',
        'multipart/form-data; boundary=x',
        'application/xml',
      ),
      fc.constantFrom(
        '{"title":"Add an index"}',
        'title=Add+an+index&entityRefs[]=component:default/payment-service',
        '<a/>',
      ),
    )
    .map(([contentType, body]) => ({ body, contentType })),
);

/** Texts a schema accepts (no NUL), of any other kind. */
const validText = (max: number) =>
  fc
    .oneof(
      fc.string({ maxLength: Math.min(max, 60) }),
      fc.string({ unit: 'binary', maxLength: Math.min(max, 60) }),
      fc.string({ unit: 'grapheme', maxLength: Math.min(max, 30) }),
    )
    .map(s => s.split('\u0000').join(''));
const validTitle = validText(200).map(s => `Fix ${s}`.slice(0, 200));

// ---------------------------------------------------------------------------
// Checks

const ownRoute = /\/api\/ops\//;
/** Addresses of the fakes and the PagerDuty token: no error body names them. */
const upstreamSecrets: string[] = [PAGERDUTY_TOKEN];
const leakChecks: Array<[string, (text: string) => boolean]> = [
  [
    'stack trace',
    t => /\n\s*at \S/.test(t) || /\bat \S+ \(.+:\d+:\d+\)/.test(t),
  ],
  ['source file:line', t => /\.(?:[cm]?js|tsx?):\d+/.test(t)],
  [
    'absolute path',
    t =>
      ['/work/', '/home/', '/tmp/', '/usr/lib/', 'node_modules'].some(p =>
        t.includes(p),
      ) || t.includes(process.cwd()),
  ],
  [
    'internal route',
    t =>
      /\/api\/(?!ops\/)[\w-]+\//.test(t.replace(ownRoute, '')) ||
      /\/entities\/by-(?:refs|name|query)/.test(t),
  ],
  ['upstream address or token', t => upstreamSecrets.some(u => t.includes(u))],
];

/** Every string and key of a JSON value. */
function stringsOf(value: unknown, out: string[] = [], keys: string[] = []) {
  if (typeof value === 'string') out.push(value);
  else if (Array.isArray(value)) value.forEach(v => stringsOf(v, out, keys));
  else if (value && typeof value === 'object') {
    for (const [k, v] of Object.entries(value)) {
      keys.push(k);
      stringsOf(v, out, keys);
    }
  }
  return { out, keys };
}

/** What an error body gives away that the request did not itself contain. */
function leaks(r: FuzzRequest, text: string): string[] {
  const sent = [dec(r.path), dec(r.query), r.body ?? ''].join('\n');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    parsed = text;
  }
  const { out, keys } = stringsOf(parsed);
  const seen = out.join('\n');
  const found = leakChecks
    .filter(([, test]) => test(seen) && !test(sent))
    .map(([name]) => name);
  if (keys.includes('stack')) found.push('"stack" field');
  return found;
}

/**
 * Whether an answer holds a due date (`dueDate`, `YYYY-MM-DD`) that no
 * calendar has, such as 2031-02-30: a write accepted what it must refuse.
 */
function impossibleDates(text: string): boolean {
  if (!text.includes('"dueDate"')) return false;
  let found = false;
  const walk = (value: unknown) => {
    if (Array.isArray(value)) value.forEach(walk);
    else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        if (k === 'dueDate' && typeof v === 'string') {
          const t = Date.parse(`${v}T00:00:00Z`);
          if (Number.isNaN(t) || new Date(t).toISOString().slice(0, 10) !== v)
            found = true;
        } else walk(v);
      }
    }
  };
  try {
    walk(JSON.parse(text));
  } catch {
    return false;
  }
  return found;
}

/**
 * Counts that only grow with accepted writes: row counts, and sums of
 * versions (every write of a change request, role, review or action item
 * bumps its version).
 */
const GROWING = [
  'changes',
  'history',
  'links',
  'versions',
  'roles',
  'roleHistory',
  'roleVersions',
  'reviews',
  'reviewVersions',
  'items',
  'itemVersions',
] as const;

type Fingerprint = Record<(typeof GROWING)[number], number> & {
  maxVersion: number;
  maxRoleVersion: number;
  maxReviewVersion: number;
  maxItemVersion: number;
  /** Latest updated_at of the change requests, in ms. */
  updatedAt: number;
};

/** The change-request, incident-role and review tables in one round trip. */
async function fingerprint(knex: Knex): Promise<Fingerprint> {
  const count = (table: string, as: string) =>
    knex.raw(`(select count(*) from ${table}) as ${as}`);
  const versions = (table: string, fn: 'sum' | 'max', as: string) =>
    knex.raw(`(select coalesce(${fn}(version), 0) from ${table}) as ${as}`);
  const [row] = await knex.select(
    count(CHANGES, 'changes'),
    count(HISTORY, 'history'),
    count(LINKS, 'links'),
    versions(CHANGES, 'sum', 'versions'),
    versions(CHANGES, 'max', 'max_version'),
    knex.raw(`(select max(updated_at) from ${CHANGES}) as updated_at`),
    count(ROLES, 'roles'),
    count(ROLE_HISTORY, 'role_history'),
    versions(ROLES, 'sum', 'role_versions'),
    versions(ROLES, 'max', 'max_role_version'),
    count(REVIEWS, 'reviews'),
    versions(REVIEWS, 'sum', 'review_versions'),
    versions(REVIEWS, 'max', 'max_review_version'),
    count(ACTION_ITEMS, 'items'),
    versions(ACTION_ITEMS, 'sum', 'item_versions'),
    versions(ACTION_ITEMS, 'max', 'max_item_version'),
  );
  return {
    changes: Number(row.changes),
    history: Number(row.history),
    links: Number(row.links),
    versions: Number(row.versions),
    maxVersion: Number(row.max_version),
    updatedAt: row.updated_at ? new Date(row.updated_at).getTime() : 0,
    roles: Number(row.roles),
    roleHistory: Number(row.role_history),
    roleVersions: Number(row.role_versions),
    maxRoleVersion: Number(row.max_role_version),
    reviews: Number(row.reviews),
    reviewVersions: Number(row.review_versions),
    maxReviewVersion: Number(row.max_review_version),
    items: Number(row.items),
    itemVersions: Number(row.item_versions),
    maxItemVersion: Number(row.max_item_version),
  };
}

/** What changed from `a` to `b` in the counts that only grow. */
function growth(a: Fingerprint, b: Fingerprint) {
  return Object.fromEntries(GROWING.map(k => [k, b[k] - a[k]])) as Record<
    (typeof GROWING)[number],
    number
  >;
}

const sameRows = (a: Fingerprint, b: Fingerprint) =>
  JSON.stringify(a) === JSON.stringify(b);

const truncate = (s: string, n: number) =>
  s.length > n ? `${s.slice(0, n)}… (${s.length} chars)` : s;

function describeRequest(r: FuzzRequest): string {
  const url = `/api/ops${r.path}${r.query ? `?${r.query}` : ''}`;
  const lines = [`${r.method} ${truncate(url, 400)}   [auth: ${r.auth}]`];
  const decoded = dec(`${r.path}${r.query ? `?${r.query}` : ''}`);
  if (decoded !== `${r.path}${r.query ? `?${r.query}` : ''}`) {
    lines.push(`  decoded: ${truncate(JSON.stringify(decoded), 300)}`);
  }
  if (r.body !== undefined) {
    lines.push(
      `  body (${r.contentType}): ${truncate(JSON.stringify(r.body), 300)}`,
    );
  }
  return lines.join('\n');
}

/** Labels of what a request does that the defects of issue 11 hinge on. */
function traits(r: FuzzRequest): string[] {
  const out: string[] = [];
  const id = /^\/change-requests\/([^/]+)/.exec(r.path)?.[1];
  const m = id && /^CHG-(\d{4,12})$/i.exec(dec(id).trim());
  if (m && Number(m[1]) - 1000 > 2 ** 31 - 1) out.push('id beyond int32');
  const other =
    /^\/reviews\/[A-Z]+-(\d+)(?:\/action-items\/[A-Z]+-(\d+))?/i.exec(
      dec(r.path),
    );
  if (other?.slice(1).some(n => n && Number(n) > 2 ** 31 - 1)) {
    out.push('id beyond int32');
  }
  const sent = `${dec(r.path)}?${dec(r.query)}\n${r.body ?? ''}`;
  if (sent.includes('\u0000') || (r.body ?? '').includes('\\u0000')) {
    out.push('NUL');
  }
  if (/(?:^|&)cursor(?:%5B|\[|=|&|$)/i.test(r.query)) out.push('cursor');
  if ((r.body ?? '').length > 4000) {
    let body: unknown;
    try {
      body = JSON.parse(r.body ?? '');
    } catch {
      body = undefined;
    }
    if (stringsOf(body).out.some(t => t.length > 4000)) out.push('long text');
  }
  return out;
}

interface Outcome {
  request: FuzzRequest;
  status: number;
  text: string;
}

class Tally {
  readonly byStatus: Record<number, number> = {};
  readonly byRoute: Record<string, number> = {};
  /** Statuses per route, to see what a route was made to answer. */
  readonly byRouteStatus: Record<string, Record<number, number>> = {};
  readonly groups = new Map<string, { count: number; example: Outcome }>();
  readonly notes: string[] = [];
  requests = 0;

  note(text: string) {
    this.notes.push(text);
  }

  record(o: Outcome, problems: string[], phase: string) {
    this.requests += 1;
    this.byStatus[o.status] = (this.byStatus[o.status] ?? 0) + 1;
    this.byRoute[o.request.route] = (this.byRoute[o.request.route] ?? 0) + 1;
    const statuses = (this.byRouteStatus[o.request.route] ??= {});
    statuses[o.status] = (statuses[o.status] ?? 0) + 1;
    if (problems.length === 0) return;
    // One group per route, status, traits and set of problems: a request
    // counts once.
    const key = [
      phase,
      problems.join(' + '),
      o.request.route,
      o.status,
      traits(o.request).join('+') || '-',
    ].join(' | ');
    const group = this.groups.get(key);
    if (group) group.count += 1;
    else this.groups.set(key, { count: 1, example: o });
  }

  report(): string {
    const notes = this.notes.map(n => `✗ ${n}`);
    return [
      ...notes,
      ...[...this.groups.entries()]
        .sort((a, b) => b[1].count - a[1].count)
        .map(
          ([key, { count, example }]) =>
            `✗ ${count}× ${key}\n  ${describeRequest(example.request).replace(
              /\n/g,
              '\n  ',
            )}\n  → ${example.status} ${truncate(example.text, 700)}`,
        ),
    ].join('\n\n');
  }
}

/** Seeded shuffle (mulberry32), so the routes interleave reproducibly. */
function shuffle<T>(items: T[], seed: number): T[] {
  let a = seed >>> 0;
  const next = () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  const out = [...items];
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(next() * (i + 1));
    [out[i], out[j]] = [out[j], out[i]];
  }
  return out;
}

// ---------------------------------------------------------------------------
// The run

describe(`every /api/ops route, fuzzed on ${DATABASE} (seed ${SEED})`, () => {
  let knex: Knex;
  let fake: FakeCatalog;
  let pagerduty: FakePagerDuty;
  let port: number;
  let agent: http.Agent;
  const fixtures = { draft: '', submitted: '', implemented: '' };
  /** The open P1 and its review, once the incident-response test made it. */
  const response = { incident: '', review: '' };
  const total = new Tally();
  const started = Date.now();

  const validCreate = {
    title: 'Add an index to the payments table',
    description: 'Refund lookups scan the table.',
    category: 'normal',
    risk: 'medium',
    entityRefs: ['component:default/payment-service'],
    plannedStart: '2031-01-05T07:00:00.000Z',
    plannedEnd: '2031-01-05T08:00:00.000Z',
    implementationPlan: 'Run migration 42.',
    rollbackPlan: 'Run the down migration.',
    testPlan: 'Refund smoke test.',
  };

  function headersOf(r: FuzzRequest): Record<string, string> {
    const headers: Record<string, string> = {};
    if (r.auth === 'user') {
      headers.authorization = mockCredentials.user.header(USER);
    } else if (r.auth === 'service') {
      headers.authorization = mockCredentials.service.header();
    } else if (r.auth === 'invalid') {
      headers.authorization = mockCredentials.user.invalidHeader();
    }
    if (r.body !== undefined) {
      headers['content-type'] = r.contentType ?? 'application/json';
      headers['content-length'] = String(Buffer.byteLength(r.body));
    }
    return headers;
  }

  function send(r: FuzzRequest): Promise<Outcome> {
    return new Promise(resolve => {
      const done = (status: number, text: string) =>
        resolve({ request: r, status, text });
      let req: http.ClientRequest;
      try {
        req = http.request(
          {
            host: '127.0.0.1',
            port,
            method: r.method,
            path: `/api/ops${r.path}${r.query ? `?${r.query}` : ''}`,
            headers: headersOf(r),
            agent,
          },
          res => {
            const chunks: Buffer[] = [];
            res.on('data', c => chunks.push(c));
            res.on('end', () =>
              done(res.statusCode ?? 0, Buffer.concat(chunks).toString('utf8')),
            );
            res.on('error', e => done(-1, `response error: ${e}`));
          },
        );
      } catch (error) {
        done(-2, `not sendable: ${error}`);
        return;
      }
      req.on('error', e => done(-1, `request error: ${e}`));
      req.setTimeout(REQUEST_TIMEOUT_MS, () => {
        done(-3, `no answer in ${REQUEST_TIMEOUT_MS} ms`);
        req.destroy();
      });
      req.end(r.body);
    });
  }

  async function api(
    method: FuzzRequest['method'],
    path: string,
    body?: unknown,
  ) {
    const o = await send({
      route: 'setup',
      method,
      path,
      query: '',
      auth: 'user',
      expect: 'any',
      ...(body !== undefined && { body: JSON.stringify(body) }),
    });
    if (o.status >= 300) {
      throw new Error(`setup ${method} ${path}: ${o.status} ${o.text}`);
    }
    return JSON.parse(o.text);
  }

  /**
   * Sends the requests one at a time; checks each answer, and the rows
   * around every write. Returns the fingerprint change the accepted writes
   * explain.
   */
  async function run(
    requests: FuzzRequest[],
    tally: Tally,
    phase: 'fuzz' | 'catalog down',
  ) {
    const first = await fingerprint(knex);
    let last = first;
    const explained = growth(first, first);
    const check = (r: FuzzRequest, o: Outcome) => {
      const problems: string[] = [];
      if (o.status === -3) problems.push('no answer (timeout)');
      else if (o.status < 0) problems.push(o.text.split(':')[0]);
      if (phase === 'fuzz' && o.status >= 500) problems.push('5xx');
      if (r.expect === 'refuse' && o.status >= 200 && o.status < 400) {
        problems.push('accepted what must be refused');
      }
      if (o.status >= 400) {
        const found = leaks(r, o.text);
        if (found.length > 0) problems.push(`leak (${found.join(', ')})`);
      }
      if (o.status >= 200 && o.status < 300 && impossibleDates(o.text)) {
        problems.push('answers a due date that is not a calendar date');
      }
      return problems;
    };
    const record = (o: Outcome, problems: string[]) => {
      tally.record(o, problems, phase);
      total.record(o, [], phase);
    };
    // Reads go READ_CONCURRENCY at a time; a write waits for them and goes
    // alone, so the rows before and after it are its own doing.
    let reads: Promise<void>[] = [];
    for (const r of requests) {
      if (process.env.OPS_FUZZ_DEBUG) {
        // eslint-disable-next-line no-console
        console.log(describeRequest(r));
      }
      if (!write(r)) {
        reads.push(send(r).then(o => record(o, check(r, o))));
        if (reads.length >= READ_CONCURRENCY) {
          await Promise.all(reads);
          reads = [];
        }
        continue;
      }
      if (r.current) {
        const seen = await send({
          route: 'current version',
          method: 'GET',
          path: r.current.path,
          query: '',
          auth: 'user',
          expect: 'any',
        });
        let v: number | null | undefined;
        try {
          v = r.current.pick(JSON.parse(seen.text));
        } catch {
          v = undefined;
        }
        r.body = r.body?.replace(`"${CURRENT}"`, JSON.stringify(v ?? null));
      }
      let before = last;
      if (reads.length > 0) {
        await Promise.all(reads);
        reads = [];
        before = await fingerprint(knex);
        if (!sameRows(before, last)) {
          tally.note(
            `rows changed while only reads ran (before ${describeRequest(
              r,
            )}): ${JSON.stringify({ last, before })}`,
          );
        }
      }
      const o = await send(r);
      const problems = check(r, o);
      const after = await fingerprint(knex);
      if (o.status >= 400 && !sameRows(before, after)) {
        problems.push('refused request changed rows');
        o.text += `\n  rows before ${JSON.stringify(
          before,
        )}\n  rows after ${JSON.stringify(after)}`;
      }
      if (o.status < 400) {
        const grown = growth(before, after);
        for (const k of GROWING) explained[k] += grown[k];
      }
      last = after;
      record(o, problems);
    }
    await Promise.all(reads);
    // For the whole run: whatever changed, the accepted writes changed.
    const end = await fingerprint(knex);
    const changed = growth(first, end);
    if (JSON.stringify(changed) !== JSON.stringify(explained)) {
      tally.note(
        `rows changed over the run ${JSON.stringify(
          changed,
        )} but the accepted writes explain ${JSON.stringify(explained)}`,
      );
    }
  }

  beforeAll(async () => {
    knex = await databases.init(DATABASE);
    fake = await startFakeCatalog(entities);
    pagerduty = await startFakePagerDuty({
      token: PAGERDUTY_TOKEN,
      rateLimitPerMinute: 1_000_000,
    });
    upstreamSecrets.push(new URL(pagerduty.url).host);
    const { server } = await startTestBackend({
      features: [
        opsPlugin,
        // The real incident provider, against the fake PagerDuty.
        opsModulePagerDuty,
        mockServices.rootConfig.factory({
          data: {
            ops: {
              pagerduty: {
                apiBaseUrl: pagerduty.url,
                eventsBaseUrl: pagerduty.url,
                token: PAGERDUTY_TOKEN,
                maxAttempts: 1,
              },
              incidents: { response: { fromEmail: FROM_EMAIL } },
            },
          },
        }),
        catalogFactory(fake),
        mockServices.database.factory({ knex }),
        // Without this, the mock answers a request without credentials as
        // user:default/mock.
        mockServices.httpAuth.factory({
          defaultCredentials: mockCredentials.none(),
        }),
      ],
    });
    port = server.port();
    agent = new http.Agent({ keepAlive: true, maxSockets: 1 });

    const draft = await api('POST', '/change-requests', validCreate);
    const submitted = await api('POST', '/change-requests', {
      ...validCreate,
      justification: 'Needed.',
      action: 'submit',
    });
    const emergency = await api('POST', '/change-requests', {
      ...validCreate,
      category: 'emergency',
      plannedStart: new Date(Date.now() - 3600_000).toISOString(),
      plannedEnd: new Date(Date.now() + 3600_000).toISOString(),
      action: 'start',
    });
    const implemented = await api(
      'POST',
      `/change-requests/${emergency.change.id}/transitions`,
      { action: 'complete', version: emergency.change.version },
    );
    const state = [draft, submitted, implemented].map(
      d => `${d.change.status}@${d.change.version}`,
    );
    if (state.join() !== 'draft@1,submitted@2,review-pending@3') {
      throw new Error(`Unexpected fixtures: ${state.join(', ')}`);
    }
    fixtures.draft = draft.change.id;
    fixtures.submitted = submitted.change.id;
    fixtures.implemented = implemented.change.id;
  });

  afterAll(async () => {
    agent?.destroy();
    await fake?.close();
    await pagerduty?.close();
    process.env.NODE_ENV = previousNodeEnv;
    // eslint-disable-next-line no-console
    console.log(
      `ops route fuzz on ${DATABASE}: seed=${SEED} requests=${
        total.requests
      } by status ${JSON.stringify(total.byStatus)} in ${(
        (Date.now() - started) /
        1000
      ).toFixed(1)}s; catalog hits=${fake?.hits} (error answers: ${
        fake?.errors
      }); per route ${JSON.stringify(total.byRoute)}`,
    );
  });

  // -------------------------------------------------------------------------
  // Generators that need the fixtures

  const idArb = () => {
    const fixtureIds = [
      fixtures.draft,
      fixtures.submitted,
      fixtures.implemented,
    ];
    const number = fc.oneof(
      fc.integer({ min: 0, max: 3000 }).map(String),
      fc.bigInt({ min: 2n ** 31n - 2000n, max: 2n ** 31n + 3000n }).map(String),
      fc.bigInt({ min: 0n, max: 10n ** 13n }).map(String),
      fc.bigInt({ min: 0n, max: 10n ** 25n }).map(String),
    );
    const text = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'CHG-2147483648',
          'CHG-2147484647',
          'CHG-2147484648',
          'CHG-2147484649',
          'CHG-4294968296',
          'CHG-9007199254741991',
          'CHG-999999999999',
          'CHG-99999999999999999999',
          'CHG-0',
          'CHG--1',
          'CHG-1000',
          'CHG-0999',
          'chg-1',
          'chg-1001',
          ' CHG-1001 ',
          'CHG-1001\n',
          'CHG-0001001',
          'CHG-1e3',
          'CHG-1.5',
          'CHG-+1001',
          'CHG-１００１',
          'CHG-١٠٠١',
          'CHG-1001\u0000',
          'CHG-10\u000001',
          '\u0000',
          '%00',
          'CHG-',
          'CHG',
          ' ',
          '.',
          '..',
          'CHG-1001/transitions',
          'null',
          '__proto__',
          'constructor',
          '💥',
          '\ud800',
          'x'.repeat(5000),
          `CHG-${'9'.repeat(300)}`,
          "CHG-1001' OR '1'='1",
        ),
      },
      {
        weight: 4,
        arbitrary: fc
          .tuple(
            fc.constantFrom(
              'CHG-',
              'CHG-',
              'chg-',
              'Chg-',
              'CHG-0',
              '',
              'CHG_',
            ),
            number,
          )
          .map(([p, n]) => p + n),
      },
      { weight: 2, arbitrary: fc.constantFrom(...fixtureIds) },
      { weight: 1, arbitrary: fc.string({ maxLength: 30 }) },
      { weight: 1, arbitrary: fc.string({ unit: 'binary', maxLength: 30 }) },
    );
    return fc.oneof(
      { weight: 12, arbitrary: text.map(enc) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          '%00',
          'CHG-1001%00',
          '%ZZ',
          '%E0%A4%A',
          '%',
          '%2e%2e',
          'CHG-1001%2F..',
          '',
        ),
      },
    );
  };

  /** Ids that can never name a fixture at its current version. */
  const staleVersion = fc.oneof(
    fc.integer({ min: 4, max: 2_000_000_000 }),
    fc.constantFrom(4, 5, 1000, 2_000_000_000),
  );

  const authArb: fc.Arbitrary<Auth> = fc.oneof(
    { weight: 60, arbitrary: fc.constant<Auth>('user') },
    {
      weight: 1,
      arbitrary: fc.constantFrom<Auth>('none', 'invalid', 'service'),
    },
  );

  function changeRouteArbs(): Array<[fc.Arbitrary<FuzzRequest>, number]> {
    const refsWith = (bad: fc.Arbitrary<string>) =>
      fc.oneof(
        bad.map(b => [b]),
        bad.map(b => ['component:default/payment-service', b]),
        bad.map(b => [b, 'component:default/order-service']),
      );
    const badRef = fc.oneof(
      fc.constantFrom(...NUL_REFS),
      fc.constantFrom(
        'component:default/does-not-exist',
        'system:default/payment-service',
        'component:other/payment-service',
      ),
    );
    const json = (
      route: string,
      method: 'POST' | 'PATCH',
      path: fc.Arbitrary<string>,
      body: fc.Arbitrary<unknown>,
      expect: 'refuse' | 'any',
    ) =>
      fc.record({
        route: fc.constant(route),
        method: fc.constant(method),
        path,
        query: fc.oneof(
          { weight: 9, arbitrary: fc.constant('') },
          { weight: 1, arbitrary: queryOf() },
        ),
        body: body.map(b => JSON.stringify(b) ?? 'undefined'),
        contentType: fc.constant('application/json'),
        auth: authArb,
        expect: fc.constant(expect),
      }) as fc.Arbitrary<FuzzRequest>;
    const odd = (
      route: string,
      method: 'POST' | 'PATCH',
      path: fc.Arbitrary<string>,
    ) =>
      fc
        .tuple(path, oddBody, authArb)
        .map(([p, { body, contentType }, auth]) => ({
          route,
          method,
          path: p,
          query: '',
          body,
          contentType,
          auth,
          expect: 'refuse' as const,
        }));

    // POST /change-requests
    const createPath = fc.constant('/change-requests');
    const create = fc.oneof(
      {
        weight: 10,
        arbitrary: json(
          'POST /change-requests',
          'POST',
          createPath,
          fc.oneof(
            malformed(createChangeRequestSchema, validCreate),
            malformed(createChangeRequestSchema, {
              ...validCreate,
              action: 'submit',
            }),
          ),
          'refuse',
        ),
      },
      {
        // Valid in form, refused by the service (the catalog, the workflow).
        weight: 6,
        arbitrary: json(
          'POST /change-requests',
          'POST',
          createPath,
          fc.oneof(
            refsWith(badRef).map(entityRefs => ({
              ...validCreate,
              entityRefs,
            })),
            refsWith(badRef).map(entityRefs => ({
              ...validCreate,
              entityRefs,
              action: 'submit',
              justification: 'Needed.',
            })),
            fc.constant({ ...validCreate, action: 'start' }),
            fc.constant({
              ...validCreate,
              category: 'standard',
              standardType: 'no-such-type',
            }),
          ),
          'refuse',
        ),
      },
      {
        // Valid, with texts of any kind: may be filed.
        weight: 1,
        arbitrary: json(
          'POST /change-requests',
          'POST',
          createPath,
          fc
            .record({
              title: validTitle,
              description: validText(10_000),
              implementationPlan: validText(20_000),
            })
            .map(t => ({ ...validCreate, ...t })),
          'any',
        ),
      },
      {
        weight: 2,
        arbitrary: odd('POST /change-requests', 'POST', createPath),
      },
    );

    // GET /change-requests
    const entityRefValue = val(
      fc.oneof(
        fc.constantFrom(
          'component:default/payment-service',
          'payment-service',
          'Component:Default/Payment-Service',
          'component:default/payment-service,component:default/order-service',
        ),
        fc.constantFrom(...NUL_REFS),
      ),
    );
    const list = fc.record({
      route: fc.constant('GET /change-requests'),
      method: fc.constant('GET' as const),
      path: fc.constantFrom('/change-requests', '/change-requests/'),
      query: queryOf({
        entityRef: entityRefValue,
        status: val(fc.constantFrom('draft', 'submitted', 'draft,submitted')),
        category: val(fc.constantFrom('normal', 'emergency', 'standard')),
        requester: val(
          fc.oneof(
            fc.constantFrom(USER, 'guest', 'User:Default/Guest'),
            fc.constantFrom(...NUL_USERS),
          ),
        ),
        plannedFrom: val(dateish),
        plannedTo: val(dateish),
        sort: val(fc.constantFrom('plannedStart', 'createdAt', 'updatedAt')),
        order: val(fc.constantFrom('asc', 'desc')),
        limit: val(fc.constantFrom('1', '2', '50', '200', '0', '201', '-1')),
        cursor: fc.oneof(
          { weight: 4, arbitrary: cursorArb },
          { weight: 1, arbitrary: nastyString },
        ),
      }),
      auth: authArb,
      expect: fc.constant('any' as const),
    }) as fc.Arbitrary<FuzzRequest>;

    // GET /change-requests/:id
    const getOne = fc
      .tuple(idArb(), queryOf(), authArb)
      .map(([id, query, auth]) => ({
        route: 'GET /change-requests/:id',
        method: 'GET' as const,
        path: `/change-requests/${id}`,
        query,
        auth,
        expect: 'any' as const,
      }));

    // PATCH /change-requests/:id
    const idPath = idArb().map(id => `/change-requests/${id}`);
    const fixturePath = (which: keyof typeof fixtures) =>
      fc.constant(null).map(() => `/change-requests/${fixtures[which]}`);
    const validPatch = fc
      .tuple(
        fc.oneof(
          fc.record(
            {
              title: validTitle,
              description: validText(10_000),
              risk: fc.constantFrom('low', 'medium', 'high'),
              justification: fc.oneof(fc.constant(null), validText(5_000)),
              entityRefs: fc.constant(['component:default/order-service']),
            },
            { requiredKeys: [] },
          ),
          fc.constant({
            plannedStart: '2031-02-02T07:00:00Z',
            plannedEnd: '2031-02-02T08:00:00Z',
          }),
        ),
        staleVersion,
      )
      .map(([fields, version]) => ({ ...fields, version }));
    const patch = fc.oneof(
      {
        weight: 8,
        arbitrary: json(
          'PATCH /change-requests/:id',
          'PATCH',
          fc.oneof(idPath, fixturePath('draft')),
          malformed(updateChangeRequestSchema, {
            title: 'New title',
            version: 1,
          }),
          'refuse',
        ),
      },
      {
        // Valid bodies: nasty ids, or versions no change is at.
        weight: 6,
        arbitrary: json(
          'PATCH /change-requests/:id',
          'PATCH',
          idPath,
          validPatch,
          'refuse',
        ),
      },
      {
        // The draft at its version, with refs the catalog refuses.
        weight: 4,
        arbitrary: json(
          'PATCH /change-requests/:id',
          'PATCH',
          fixturePath('draft'),
          fc
            .tuple(refsWith(badRef), fc.option(validTitle, { nil: undefined }))
            .map(([entityRefs, title]) => ({
              entityRefs,
              ...(title && { title }),
              version: 1,
            })),
          'refuse',
        ),
      },
      {
        weight: 1,
        arbitrary: json(
          'PATCH /change-requests/:id',
          'PATCH',
          fixturePath('submitted'),
          validPatch.map(p => ({ ...p, version: 2 })),
          'refuse',
        ),
      },
      {
        weight: 1,
        arbitrary: odd('PATCH /change-requests/:id', 'PATCH', idPath),
      },
    );

    // POST /change-requests/:id/transitions
    const transitionPath = idArb().map(
      id => `/change-requests/${id}/transitions`,
    );
    const fixtureTransition = (which: keyof typeof fixtures) =>
      fc
        .constant(null)
        .map(() => `/change-requests/${fixtures[which]}/transitions`);
    const comment = fc.option(validText(5_000), { nil: undefined });
    const transition = fc.oneof(
      {
        weight: 8,
        arbitrary: json(
          'POST /change-requests/:id/transitions',
          'POST',
          fc.oneof(transitionPath, fixtureTransition('submitted')),
          malformed(changeTransitionSchema, {
            action: 'cancel',
            comment: 'Not needed',
            version: 2,
          }),
          'refuse',
        ),
      },
      {
        weight: 6,
        arbitrary: json(
          'POST /change-requests/:id/transitions',
          'POST',
          transitionPath,
          fc.record({
            action: fc.constantFrom(
              'submit',
              'approve',
              'reject',
              'start',
              'complete',
              'fail',
              'roll-back',
              'cancel',
              'complete-review',
            ),
            comment,
            version: staleVersion,
          }),
          'refuse',
        ),
      },
      {
        // Fixtures at their versions, with actions their state refuses.
        weight: 3,
        arbitrary: fc
          .oneof(
            fc.tuple(
              fc.constant('draft' as const),
              fc.constant(1),
              fc.constantFrom(
                'approve',
                'reject',
                'start',
                'complete',
                'fail',
                'roll-back',
                'complete-review',
              ),
            ),
            fc.tuple(
              fc.constant('submitted' as const),
              fc.constant(2),
              fc.constantFrom(
                'submit',
                'approve',
                'reject',
                'start',
                'complete',
                'fail',
                'roll-back',
                'complete-review',
              ),
            ),
            fc.tuple(
              fc.constant('implemented' as const),
              fc.constant(3),
              fc.constantFrom(
                'submit',
                'approve',
                'start',
                'complete',
                'cancel',
                'complete-review',
              ),
            ),
          )
          .chain(([which, version, action]) =>
            json(
              'POST /change-requests/:id/transitions',
              'POST',
              fixtureTransition(which),
              comment.map(c => ({ action, version, comment: c })),
              'refuse',
            ),
          ),
      },
      {
        weight: 1,
        arbitrary: odd(
          'POST /change-requests/:id/transitions',
          'POST',
          transitionPath,
        ),
      },
    );

    const range = (route: string, path: string) =>
      fc.record({
        route: fc.constant(route),
        method: fc.constant('GET' as const),
        path: fc.constant(path),
        query: queryOf({ from: val(dateish), to: val(dateish) }),
        auth: authArb,
        expect: fc.constant('any' as const),
      }) as fc.Arbitrary<FuzzRequest>;

    const policy = fc.record({
      route: fc.constant('GET /change-policy'),
      method: fc.constant('GET' as const),
      path: fc.constant('/change-policy'),
      query: queryOf(),
      auth: authArb,
      expect: fc.constant('any' as const),
    }) as fc.Arbitrary<FuzzRequest>;

    return [
      [create, 0.2],
      [list, 0.2],
      [getOne, 0.12],
      [patch, 0.18],
      [transition, 0.18],
      [range('GET /maintenance-windows', '/maintenance-windows'), 0.04],
      [range('GET /change-measures', '/change-measures'), 0.05],
      [policy, 0.03],
    ];
  }

  function sample(
    arbs: Array<[fc.Arbitrary<FuzzRequest>, number]>,
    count: number,
    seed: number,
  ): FuzzRequest[] {
    const out: FuzzRequest[] = [];
    arbs.forEach(([arb, share], i) => {
      const n = Math.max(1, Math.round(count * share));
      out.push(...fc.sample(arb, { seed: seed + i, numRuns: n }));
    });
    return shuffle(out, seed);
  }

  function fail(tally: Tally, what: string) {
    const report = tally.report();
    // eslint-disable-next-line no-console
    console.log(
      `${what}: seed=${SEED} requests=${
        tally.requests
      } by status ${JSON.stringify(tally.byStatus)}${
        report ? `\n\n${report}` : ''
      }`,
    );
    if (report) {
      throw new Error(
        `${what}: ${
          tally.notes.length +
          [...tally.groups.values()].reduce((n, g) => n + g.count, 0)
        } problems in ${
          tally.requests
        } requests (seed ${SEED}, replay with OPS_FUZZ_SEED=${SEED}):\n\n${report}`,
      );
    }
  }

  it(`the change-request routes answer ${CHANGE_REQUESTS} fuzzed requests without a 5xx, a leak or a refused write`, async () => {
    const requests = sample(changeRouteArbs(), CHANGE_REQUESTS, SEED);
    const tally = new Tally();
    await run(requests, tally, 'fuzz');

    expect(tally.requests).toBeGreaterThanOrEqual(CHANGE_REQUESTS);
    // The fixtures were never written to.
    const rows = await knex(CHANGES)
      .whereIn('id', [1, 2, 3])
      .orderBy('id')
      .select('status', 'version');
    const fixtureState = JSON.stringify(
      rows.map(r => [r.status, Number(r.version)]),
    );
    const expected = JSON.stringify([
      ['draft', 1],
      ['submitted', 2],
      ['review-pending', 3],
    ]);
    if (fixtureState !== expected) {
      tally.note(
        `the fixtures ${fixtures.draft}, ${fixtures.submitted}, ${fixtures.implemented} were written to: ${fixtureState}, expected ${expected}`,
      );
    }
    fail(tally, 'change-request routes');
  });

  it('every other route answers fuzzed requests without a 5xx or a leak', async () => {
    const entityRef = val(
      fc.oneof(
        fc.constantFrom(
          'component:default/payment-service',
          'payment-service',
          'group:default/dev-team',
          'user:default/guest',
          'component:default/does-not-exist',
        ),
        fc.constantFrom(...NUL_REFS),
      ),
    );
    const get = (
      route: string,
      path: fc.Arbitrary<string>,
      query: fc.Arbitrary<string>,
      auth: fc.Arbitrary<Auth> = authArb,
    ) =>
      fc.record({
        route: fc.constant(route),
        method: fc.constant('GET' as const),
        path,
        query,
        auth,
        expect: fc.constant('any' as const),
      }) as fc.Arbitrary<FuzzRequest>;
    const segment = fc
      .oneof(
        { weight: 3, arbitrary: fc.constantFrom('component', 'default') },
        { weight: 3, arbitrary: fc.constant('payment-service') },
        { weight: 1, arbitrary: fc.constantFrom('pay\u0000ment', '\u0000') },
        { weight: 2, arbitrary: nastyString },
      )
      .map(enc);
    const trigger = {
      entityRef: 'component:default/payment-service',
      summary: 'Payments are failing',
      severity: 'critical',
    };
    const alarmReview = {
      alarmName: 'payment-service-high-error-rate',
      entityRef: 'component:default/payment-service',
      outcome: 'tune-threshold',
      note: 'Fires on every deploy',
    };
    const arbs: Array<[fc.Arbitrary<FuzzRequest>, number]> = [
      [get('GET /health', fc.constant('/health'), queryOf()), 1],
      [
        get(
          'GET /capacity/entity',
          fc.constant('/capacity/entity'),
          queryOf({
            entityRef,
            range: val(fc.constantFrom('7d', '30d', '90d')),
          }),
        ),
        3,
      ],
      [
        get('GET /capacity/review', fc.constant('/capacity/review'), queryOf()),
        1,
      ],
      [
        get(
          'GET /kpis',
          fc.constant('/kpis'),
          queryOf({
            scope: val(fc.constantFrom('platform', 'team', 'entity')),
            entityRef,
            period: val(fc.constantFrom('7d', '30d', '90d', 'month')),
            month: val(fc.constantFrom('2030-01', '2030-13', '1999-12')),
          }),
        ),
        3,
      ],
      [get('GET /overview', fc.constant('/overview'), queryOf()), 1],
      // The home cards (docs/home.md).
      [
        get(
          'GET /home/on-call-shifts',
          fc.constant('/home/on-call-shifts'),
          queryOf({ days: val(fc.constantFrom('1', '28', '29', '0', '7.5')) }),
        ),
        1,
      ],
      [
        get('GET /home/approvals', fc.constant('/home/approvals'), queryOf()),
        1,
      ],
      [
        get('GET /home/incidents', fc.constant('/home/incidents'), queryOf()),
        1,
      ],
      [
        get(
          'GET /home/slo-status',
          fc.constant('/home/slo-status'),
          queryOf({ worst: val(fc.constantFrom('0', '5', '21', '-1', 'x')) }),
        ),
        1,
      ],
      [
        get(
          'GET /oncall/entity',
          fc.constant('/oncall/entity'),
          queryOf({ entityRef }),
        ),
        2,
      ],
      [
        get('GET /oncall/platform', fc.constant('/oncall/platform'), queryOf()),
        1,
      ],
      [
        get(
          'GET /incidents/entity',
          fc.constant('/incidents/entity'),
          queryOf({ entityRef }),
        ),
        2,
      ],
      [
        fc
          .tuple(fc.oneof(mutated(trigger), fc.constant(trigger)), authArb)
          .map(([body, auth]) => ({
            route: 'POST /incidents/trigger',
            method: 'POST' as const,
            path: '/incidents/trigger',
            query: '',
            body: JSON.stringify(body) ?? 'undefined',
            contentType: 'application/json',
            auth,
            expect: 'any' as const,
          })),
        2,
      ],
      [
        get('GET /alerts/overview', fc.constant('/alerts/overview'), queryOf()),
        1,
      ],
      [
        get(
          'GET /security/overview',
          fc.constant('/security/overview'),
          queryOf(),
        ),
        1,
      ],
      [
        get(
          'GET /security/entity',
          fc.constant('/security/entity'),
          queryOf({ entityRef }),
        ),
        2,
      ],
      [
        get(
          'GET /alerts/entity',
          fc.constant('/alerts/entity'),
          queryOf({ entityRef }),
        ),
        2,
      ],
      [
        get(
          'GET /alerts/group',
          fc.constant('/alerts/group'),
          queryOf({ entityRef }),
        ),
        2,
      ],
      [
        get(
          'GET /alerts/export',
          fc.constant('/alerts/export'),
          queryOf({
            kind: val(fc.constantFrom('alarms', 'services', 'people', 'pdf')),
          }),
        ),
        1,
      ],
      [
        fc
          .tuple(
            fc.oneof(mutated(alarmReview), fc.constant(alarmReview)),
            authArb,
          )
          .map(([body, auth]) => ({
            route: 'POST /alerts/reviews',
            method: 'POST' as const,
            path: '/alerts/reviews',
            query: '',
            body: JSON.stringify(body) ?? 'undefined',
            contentType: 'application/json',
            auth,
            expect: 'any' as const,
          })),
        2,
      ],
      [
        get(
          'GET /runbooks/entity',
          fc.constant('/runbooks/entity'),
          queryOf({ entityRef }),
        ),
        2,
      ],
      [
        get(
          'GET /runbooks/document',
          fc.constant('/runbooks/document'),
          queryOf({
            entityRef,
            id: val(fc.constantFrom('runbook', 'README.md')),
          }),
        ),
        2,
      ],
      [
        get(
          'GET /runbooks/coverage',
          fc.constant('/runbooks/coverage'),
          queryOf(),
        ),
        1,
      ],
      [
        get(
          'GET /runbooks/search-documents',
          fc.constant('/runbooks/search-documents'),
          queryOf({ cursor: fc.oneof(cursorArb, nastyString) }),
          fc.oneof(
            { weight: 4, arbitrary: fc.constant<Auth>('service') },
            { weight: 1, arbitrary: authArb },
          ),
        ),
        1,
      ],
      [
        get(
          'GET /readiness/facts',
          fc.constant('/readiness/facts'),
          queryOf({
            entityRef,
            cursor: fc.oneof(cursorArb, nastyString),
            limit: val(fc.constantFrom('1', '25', '0', '101', 'x')),
          }),
          fc.oneof(
            { weight: 4, arbitrary: fc.constant<Auth>('service') },
            { weight: 1, arbitrary: authArb },
          ),
        ),
        1,
      ],
      [
        get(
          'GET /slos/entity/:kind/:namespace/:name',
          fc
            .tuple(segment, segment, segment)
            .map(([k, ns, n]) => `/slos/entity/${k}/${ns}/${n}`),
          queryOf(),
        ),
        3,
      ],
      [
        get(
          'GET /slos/entity',
          fc.constant('/slos/entity'),
          queryOf({ entityRef }),
        ),
        3,
      ],
      [
        get(
          'GET /slos',
          fc.constant('/slos'),
          queryOf({ kind: val(fc.constantFrom('component', 'system', 'api')) }),
        ),
        1,
      ],
    ];
    const requests = sample(
      arbs.map(([arb, w]) => [arb, w / arbs.length]),
      OTHER_PER_ROUTE * arbs.length,
      SEED + 1000,
    );
    const tally = new Tally();
    await run(requests, tally, 'fuzz');
    expect(tally.requests).toBe(requests.length);
    fail(tally, 'other routes');
  });

  it('the incident-response and review routes answer fuzzed requests without a 5xx, a leak or a refused write', async () => {
    // Reviews started through the API (the fake's open P1 and a resolved
    // P2), and an action item, so that ids that exist are exercised.
    const incidents = pagerduty.account.incidents;
    const orderP1 = incidents.find(
      i =>
        i.serviceId === 'PSVORDR' &&
        i.status === 'acknowledged' &&
        i.priority === 'P1',
    );
    const resolvedP2 = [...incidents]
      .reverse()
      .find(i => i.status === 'resolved' && i.priority === 'P2');
    if (!orderP1 || !resolvedP2) {
      throw new Error('The fake PagerDuty has no open P1 or no resolved P2');
    }
    const day = (offset: number) =>
      new Date(Date.now() + offset * 86400_000).toISOString().slice(0, 10);
    const p1Review: PostIncidentReview = await api(
      'POST',
      `/incidents/${orderP1.id}/review`,
      {},
    );
    const p2Review: PostIncidentReview = await api(
      'POST',
      `/incidents/${resolvedP2.id}/review`,
      {},
    );
    const withItem: PostIncidentReview = await api(
      'POST',
      `/reviews/${p1Review.id}/action-items`,
      {
        title: 'Add a canary stage to order-service deploys',
        owner: USER,
        dueDate: day(30),
        url: 'https://tracker.example.test/OPS-1',
      },
    );
    const itemId = withItem.actionItems[0].id;
    const reviewIds = [p1Review.id, p2Review.id];
    response.incident = orderP1.id;
    response.review = p1Review.id;
    const knownIncidents = [
      ...incidents.filter(i => i.status !== 'resolved').map(i => i.id),
      resolvedP2.id,
      incidents[0].id,
    ];

    /** A path segment: mostly what exists, else unknown, malformed or junk. */
    const segment = (
      known: string[],
      unknown: fc.Arbitrary<string>,
      malformedIds: fc.Arbitrary<string>,
    ) =>
      fc.oneof(
        { weight: 8, arbitrary: fc.constantFrom(...known).map(enc) },
        { weight: 2, arbitrary: unknown.map(enc) },
        {
          weight: 3,
          arbitrary: fc
            .oneof(
              malformedIds,
              nastyString,
              fc
                .constantFrom(...known)
                .chain(id =>
                  fc.constantFrom(
                    `${id}\u0000`,
                    `${id} `,
                    ` ${id}`,
                    `${id}\n`,
                    `${id}/x`,
                    `${id}%`,
                    `${id}${'9'.repeat(40)}`,
                  ),
                ),
            )
            .map(enc),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom('%00', '%ZZ', '%E0%A4%A', '%2e%2e', ''),
        },
      );
    const incidentId = segment(
      knownIncidents,
      fc.oneof(
        fc.string({
          unit: fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789'),
          minLength: 1,
          maxLength: 40,
        }),
        fc.constantFrom(
          'QUNKNOWN0000',
          'P000000',
          'Z'.repeat(40),
          orderP1.id.toLowerCase(),
        ),
      ),
      fc.constantFrom('A'.repeat(41), 'Q-1', 'Q_1', '..', '.', 'Q1\u0000'),
    );
    const reviewId = segment(
      reviewIds,
      fc.oneof(
        fc.integer({ min: 0, max: 3000 }).map(n => `PIR-${n}`),
        fc.constantFrom('PIR-2147483647', 'pir-1', 'PIR-01'),
      ),
      fc.constantFrom(
        'PIR-0',
        'PIR-2147483648',
        'PIR-9999999999',
        'PIR-99999999999',
        'PIR-1e3',
        'PIR--1',
        'PIR-',
        'PIR',
        'PIR-１',
        'PIR-1\u0000',
        'CHG-1001',
        itemId,
      ),
    );
    const itemIdArb = segment(
      [itemId],
      fc.oneof(
        fc.integer({ min: 0, max: 3000 }).map(n => `AI-${n}`),
        fc.constantFrom('AI-2147483647', 'ai-1'),
      ),
      fc.constantFrom(
        'AI-0',
        'AI-2147483648',
        'AI-9999999999',
        'AI-99999999999',
        'AI-',
        'AI-1\u0000',
        reviewIds[0],
      ),
    );

    const userRef = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(
          USER,
          'guest',
          'default/guest',
          'User:Default/Guest',
          ALICE,
          'alice-chen',
        ),
      },
      {
        // Unknown users, and refs that are not users.
        weight: 2,
        arbitrary: fc.constantFrom(
          'user:default/nobody',
          'nobody',
          'user:other/guest',
          'group:default/dev-team',
          'component:default/order-service',
          `user:default/${'a'.repeat(250)}`,
          ' guest ',
        ),
      },
      { weight: 1, arbitrary: fc.constantFrom(...NUL_USERS) },
      { weight: 1, arbitrary: nastyString },
    );
    /** Texts: valid ones, 10,000 characters, NULs, junk. */
    const text = (prefix: string, max: number) =>
      fc.oneof(
        {
          weight: 4,
          arbitrary: validText(max).map(t => `${prefix}${t}`.slice(0, max)),
        },
        {
          weight: 2,
          arbitrary: fc.constantFrom(
            'x'.repeat(10_000),
            `Mitigated: ${'y'.repeat(10_000)}`,
            `${prefix}${'z'.repeat(max - prefix.length)}`,
            `${prefix}${'z'.repeat(max + 1 - prefix.length)}`,
            '💥'.repeat(max / 2),
            '💥'.repeat(max / 2 + 1),
            `${'a\n'.repeat(max / 2 - 1)}a`,
          ),
        },
        {
          weight: 1,
          arbitrary: fc.constantFrom(
            `${prefix}\u0000`,
            'Rolled\u0000 back',
            '\u0000',
            'a\u0000'.repeat(max / 2),
          ),
        },
        { weight: 1, arbitrary: nastyString },
      );
    const dueDate = fc.oneof(
      {
        weight: 4,
        arbitrary: fc.constantFrom(day(1), day(30), day(400), '2031-01-05'),
      },
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          day(-1),
          '2020-01-01',
          '0000-01-01',
          '9999-12-31',
          '2031-02-30',
          '2031-02-29',
          '2032-02-29',
          '2031-04-31',
          '2031-13-01',
          '2031-00-10',
          '2031-01-00',
          '2031-1-5',
          '2031-01-05T00:00:00Z',
          '+02031-01-05',
          ' 2031-01-05',
          '２０３１-01-05',
        ),
      },
      { weight: 1, arbitrary: nastyString },
    );
    const url = fc.oneof(
      {
        weight: 3,
        arbitrary: fc.constantFrom(
          'https://tracker.example.test/OPS-1',
          'http://tracker.example.test/OPS-2',
          ' https://tracker.example.test/OPS-3 ',
        ),
      },
      {
        weight: 2,
        arbitrary: fc.constantFrom(
          // A script URL: refused as not http(s).
          ['java', 'script:alert(1)'].join(''),
          'ftp://tracker.example.test/a',
          `https://${'a'.repeat(1980)}.test`,
          `https://${'a'.repeat(2000)}.test`,
          'https://tracker.example.test/\u0000',
          'not a url',
          '',
        ),
      },
      { weight: 1, arbitrary: nastyString },
    );
    const version = fc.oneof(
      { weight: 4, arbitrary: fc.integer({ min: 1, max: 6 }) },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          0,
          -1,
          1.5,
          2_000_000_000,
          2 ** 31 - 2,
          2 ** 31 - 1,
          2 ** 31,
          2 ** 53,
        ),
      },
    );

    /** Any answer below 500 for what the schema accepts; a 4xx otherwise. */
    const expectOf = (schema: z.ZodType, body: unknown) => {
      const sent = JSON.stringify(body);
      return sent !== undefined && schema.safeParse(JSON.parse(sent)).success
        ? ('any' as const)
        : ('refuse' as const);
    };
    const withBody = (
      route: string,
      method: 'POST' | 'PUT' | 'PATCH',
      path: fc.Arbitrary<string>,
      schema: z.ZodType,
      base: Record<string, unknown>,
      valid: fc.Arbitrary<unknown>,
    ) =>
      fc.oneof(
        {
          weight: 6,
          arbitrary: fc
            .tuple(path, fc.oneof(valid, fc.constant(base)), authArb)
            .map(
              ([p, body, auth]): FuzzRequest => ({
                route,
                method,
                path: p,
                query: '',
                body: JSON.stringify(body),
                contentType: 'application/json',
                auth,
                expect: expectOf(schema, body),
              }),
            ),
        },
        {
          weight: 3,
          arbitrary: fc.tuple(path, mutated(base), authArb).map(
            ([p, body, auth]): FuzzRequest => ({
              route,
              method,
              path: p,
              query: '',
              body: JSON.stringify(body) ?? 'undefined',
              contentType: 'application/json',
              auth,
              expect: expectOf(schema, body),
            }),
          ),
        },
        {
          weight: 1,
          arbitrary: fc.tuple(path, oddBody, authArb).map(
            ([p, { body, contentType }, auth]): FuzzRequest => ({
              route,
              method,
              path: p,
              query: '',
              body,
              contentType,
              auth,
              expect: 'refuse',
            }),
          ),
        },
      );
    const read = (
      route: string,
      path: fc.Arbitrary<string>,
      query: fc.Arbitrary<string>,
    ) =>
      fc.tuple(path, query, authArb).map(
        ([p, q, auth]): FuzzRequest => ({
          route,
          method: 'GET',
          path: p,
          query: q,
          auth,
          expect: 'any',
        }),
      );

    const role = fc
      .oneof(
        { weight: 6, arbitrary: fc.constantFrom(...incidentRoles) },
        {
          weight: 3,
          arbitrary: fc.oneof(
            nastyString,
            fc.constantFrom(
              'Commander',
              'commander ',
              'commander\u0000',
              'incident-commander',
              '__proto__',
              'constructor',
              'toString',
              'hasOwnProperty',
              'commander,technical-lead',
            ),
          ),
        },
      )
      .map(enc);
    const under = (suffix: string) =>
      incidentId.map(id => `/incidents/${id}${suffix}`);
    /**
     * Writes of what exists at its current version (read just before), so
     * that bodies the schema accepts get past the version check and reach
     * the service's own checks and the tables.
     */
    const atCurrent = (
      route: string,
      method: 'PUT' | 'PATCH',
      target: fc.Arbitrary<{
        path: string;
        read: string;
        pick: (answer: any) => number | null | undefined;
      }>,
      schema: z.ZodType,
      fields: fc.Arbitrary<Record<string, unknown>>,
      /** A body that passes every check, a third of the time. */
      valid: Record<string, unknown>,
    ) =>
      fc
        .tuple(
          target,
          fc.oneof(
            { weight: 2, arbitrary: fields },
            { weight: 1, arbitrary: fc.constant(valid) },
          ),
        )
        .map(
          ([t, f]): FuzzRequest => ({
            route,
            method,
            path: t.path,
            query: '',
            body: JSON.stringify({ ...f, version: CURRENT }),
            contentType: 'application/json',
            auth: 'user',
            expect: expectOf(schema, { ...f, version: 1 }),
            current: { path: t.read, pick: t.pick },
          }),
        );
    const reviewPath = (suffix = '') =>
      reviewId.map(id => `/reviews/${id}${suffix}`);
    const arbs: Array<[fc.Arbitrary<FuzzRequest>, number]> = [
      [read('GET /incidents/:id', under(''), queryOf()), 1.5],
      [
        withBody(
          'PUT /incidents/:id/roles/:role',
          'PUT',
          fc
            .tuple(incidentId, role)
            .map(([id, r]) => `/incidents/${id}/roles/${r}`),
          assignRoleBody,
          { userRef: USER, version: null },
          fc.record(
            {
              userRef,
              version: fc.oneof(fc.constant(null), version),
            },
            { requiredKeys: ['userRef'] },
          ),
        ),
        1,
      ],
      [
        atCurrent(
          'PUT /incidents/:id/roles/:role',
          'PUT',
          fc
            .tuple(
              fc.constantFrom(...knownIncidents),
              fc.constantFrom(...incidentRoles),
            )
            .map(([id, r]) => ({
              path: `/incidents/${id}/roles/${r}`,
              read: `/incidents/${id}`,
              pick: (a: any) =>
                a.roles?.find((x: { role: string }) => x.role === r)?.version,
            })),
          assignRoleBody,
          fc.record({ userRef }),
          { userRef: ALICE },
        ),
        0.4,
      ],
      [
        withBody(
          'POST /incidents/:id/status-updates',
          'POST',
          under('/status-updates'),
          statusUpdateBody,
          { message: 'Rolled back 2.14.0; the error rate is falling.' },
          fc.record(
            { message: text('Update: ', 4000), mitigated: fc.boolean() },
            { requiredKeys: ['message'] },
          ),
        ),
        1,
      ],
      [
        withBody(
          'POST /incidents/:id/notes',
          'POST',
          under('/notes'),
          incidentNoteBody,
          { content: 'Checked the order-service dashboards.' },
          fc.record({ content: text('', 4000) }),
        ),
        1,
      ],
      [
        withBody(
          'POST /incidents/:id/responder-requests',
          'POST',
          under('/responder-requests'),
          responderRequestBody,
          {
            userRefs: [ALICE],
            message: 'Please join the bridge: checkout is failing.',
          },
          fc.record({
            userRefs: fc.array(userRef, { maxLength: 12 }),
            message: text('Please join: ', 1000),
          }),
        ),
        1,
      ],
      [
        fc
          .tuple(
            under('/review'),
            fc.oneof(
              { weight: 4, arbitrary: fc.constant<unknown>({}) },
              { weight: 2, arbitrary: nastyJson },
              {
                weight: 1,
                arbitrary: fc
                  .tuple(fc.string({ maxLength: 12 }), nastyJson)
                  .map(([k, v]) => ({ [k]: v })),
              },
            ),
            authArb,
          )
          .map(
            ([p, body, auth]): FuzzRequest => ({
              route: 'POST /incidents/:id/review',
              method: 'POST',
              path: p,
              query: '',
              body: JSON.stringify(body) ?? 'undefined',
              contentType: 'application/json',
              auth,
              expect: expectOf(z.strictObject({}), body),
            }),
          ),
        0.8,
      ],
      [
        read(
          'GET /reviews',
          fc.constantFrom('/reviews', '/reviews/'),
          queryOf({
            groupRef: val(
              fc.oneof(
                fc.constantFrom(
                  'group:default/dev-team',
                  'dev-team',
                  'Group:Default/Dev-Team',
                  'group:default/nope',
                  'group:other/dev-team',
                  USER,
                  'component:default/order-service',
                ),
                fc.constantFrom(...NUL_REFS),
              ),
            ),
            entityRef: val(
              fc.oneof(
                fc.constantFrom(
                  'component:default/order-service',
                  'order-service',
                  'Component:Default/Order-Service',
                  'component:default/nope',
                  'group:default/dev-team',
                ),
                fc.constantFrom(...NUL_REFS),
              ),
            ),
          }),
        ),
        1,
      ],
      [read('GET /reviews/:id', reviewPath(), queryOf()), 1],
      [
        withBody(
          'PATCH /reviews/:id',
          'PATCH',
          reviewPath(),
          reviewUpdateBody,
          { version: 1, contributingFactors: 'The deploy had no canary.' },
          fc.record(
            {
              version,
              owner: userRef,
              dueDate,
              documentUrl: fc.oneof(fc.constant(null), url),
              contributingFactors: text('', 4000),
              status: fc.constantFrom('open', 'completed'),
            },
            { requiredKeys: ['version'] },
          ),
        ),
        0.8,
      ],
      [
        atCurrent(
          'PATCH /reviews/:id',
          'PATCH',
          fc.constantFrom(...reviewIds).map(id => ({
            path: `/reviews/${id}`,
            read: `/reviews/${id}`,
            pick: (a: any) => a.version,
          })),
          reviewUpdateBody,
          fc.record(
            {
              owner: userRef,
              dueDate,
              documentUrl: fc.oneof(fc.constant(null), url),
              contributingFactors: text('', 4000),
              status: fc.constantFrom('open', 'open', 'completed'),
            },
            { requiredKeys: [] },
          ),
          { contributingFactors: 'The deploy had no canary stage.' },
        ),
        0.5,
      ],
      [
        withBody(
          'POST /reviews/:id/action-items',
          'POST',
          reviewPath('/action-items'),
          actionItemCreateBody,
          {
            title: 'Alert on the refund job error rate',
            owner: USER,
            dueDate: day(14),
          },
          fc.record(
            { title: text('Fix ', 200), owner: userRef, dueDate, url },
            { requiredKeys: ['title', 'owner', 'dueDate'] },
          ),
        ),
        1,
      ],
      [
        withBody(
          'PATCH /reviews/:id/action-items/:itemId',
          'PATCH',
          fc
            .tuple(
              fc.oneof(
                { weight: 4, arbitrary: fc.constant(enc(p1Review.id)) },
                { weight: 1, arbitrary: reviewId },
              ),
              itemIdArb,
            )
            .map(([id, item]) => `/reviews/${id}/action-items/${item}`),
          actionItemUpdateBody,
          { version: 1, status: 'in-progress' },
          fc.record(
            {
              version,
              title: text('Fix ', 200),
              owner: userRef,
              dueDate,
              status: fc.constantFrom('open', 'in-progress', 'done'),
              url: fc.oneof(fc.constant(null), url),
            },
            { requiredKeys: ['version'] },
          ),
        ),
        0.8,
      ],
      [
        atCurrent(
          'PATCH /reviews/:id/action-items/:itemId',
          'PATCH',
          fc.constant({
            path: `/reviews/${p1Review.id}/action-items/${itemId}`,
            read: `/reviews/${p1Review.id}`,
            pick: (a: any) =>
              a.actionItems?.find((i: { id: string }) => i.id === itemId)
                ?.version,
          }),
          actionItemUpdateBody,
          fc.record(
            {
              title: text('Fix ', 200),
              owner: userRef,
              dueDate,
              status: fc.constantFrom('open', 'in-progress', 'done'),
              url: fc.oneof(fc.constant(null), url),
            },
            { requiredKeys: [] },
          ),
          { status: 'in-progress' },
        ),
        0.5,
      ],
    ];
    const weight = arbs.reduce((n, [, w]) => n + w, 0);
    /** Eleven routes, OTHER_PER_ROUTE requests each on average. */
    const routes = 11;
    const requests = sample(
      arbs.map(([arb, w]) => [arb, w / weight]),
      OTHER_PER_ROUTE * routes,
      SEED + 3000,
    );
    const tally = new Tally();
    const writesBefore = pagerduty.writes.length;
    const violationsBefore = pagerduty.violations.length;
    await run(requests, tally, 'fuzz');
    expect(tally.requests).toBe(requests.length);

    // The requests reached what exists: each route answered what it is
    // there to answer (checked at the default scale, where the counts
    // leave no room for chance).
    if (OTHER_PER_ROUTE >= 40) {
      const wanted: Record<string, number[]> = {
        'GET /incidents/:id': [200, 400, 404],
        'PUT /incidents/:id/roles/:role': [200, 400, 409],
        'POST /incidents/:id/status-updates': [201, 400],
        'POST /incidents/:id/notes': [201, 400],
        'POST /incidents/:id/responder-requests': [202, 400],
        'POST /incidents/:id/review': [200, 201, 400],
        'GET /reviews': [200, 400],
        'GET /reviews/:id': [200, 400, 404],
        'PATCH /reviews/:id': [200, 400, 409],
        'POST /reviews/:id/action-items': [201, 400],
        'PATCH /reviews/:id/action-items/:itemId': [200, 400, 409],
      };
      for (const [route, statuses] of Object.entries(wanted)) {
        const seen = tally.byRouteStatus[route] ?? {};
        const missing = statuses.filter(s => !seen[s]);
        if (missing.length > 0) {
          tally.note(
            `${route} never answered ${missing.join(
              ', ',
            )} (answers: ${JSON.stringify(
              seen,
            )}): the fuzz does not reach that case`,
          );
        }
      }
    }
    if (pagerduty.writes.length === writesBefore) {
      tally.note(
        'no note, status update or responder request reached PagerDuty',
      );
    }
    if (pagerduty.violations.length > violationsBefore) {
      const v = pagerduty.violations.slice(violationsBefore);
      tally.note(
        `${
          v.length
        } requests to PagerDuty broke its API description, e.g. ${truncate(
          JSON.stringify(v[0]),
          600,
        )}`,
      );
    }
    fail(tally, 'incident-response and review routes');
  });

  it('an error of the catalog reaches no client with its route or stack, and writes nothing', async () => {
    // Requests valid enough to reach the catalog, which is now failing.
    const path = (route: string, p: string, query = '') => ({
      route,
      method: 'GET' as const,
      path: p,
      query,
      auth: 'user' as Auth,
      expect: 'any' as const,
    });
    const now = Date.now();
    const range = `from=${enc(
      new Date(now - 30 * 86400_000).toISOString(),
    )}&to=${enc(new Date(now + 86400_000).toISOString())}`;
    const ref = `entityRef=${enc('component:default/payment-service')}`;
    const reads: FuzzRequest[] = [
      path('GET /change-measures', '/change-measures', range),
      path('GET /capacity/entity', '/capacity/entity', ref),
      path('GET /capacity/review', '/capacity/review'),
      path('GET /kpis', '/kpis'),
      path('GET /kpis', '/kpis', `scope=entity&${ref}`),
      path('GET /overview', '/overview'),
      path('GET /oncall/entity', '/oncall/entity', ref),
      path('GET /oncall/platform', '/oncall/platform'),
      path('GET /incidents/entity', '/incidents/entity', ref),
      path('GET /alerts/overview', '/alerts/overview'),
      path('GET /alerts/entity', '/alerts/entity', ref),
      path(
        'GET /alerts/group',
        '/alerts/group',
        `entityRef=${enc('group:default/dev-team')}`,
      ),
      path('GET /alerts/export', '/alerts/export', 'kind=alarms'),
      path('GET /security/overview', '/security/overview'),
      path('GET /security/entity', '/security/entity', ref),
      path('GET /runbooks/entity', '/runbooks/entity', ref),
      path('GET /runbooks/document', '/runbooks/document', `${ref}&id=runbook`),
      path('GET /runbooks/coverage', '/runbooks/coverage'),
      path(
        'GET /slos/entity/:kind/:namespace/:name',
        '/slos/entity/component/default/payment-service',
      ),
      path('GET /slos/entity', '/slos/entity', ref),
      path('GET /slos', '/slos'),
    ];
    // The incident page and reviews, when the incident-response test ran:
    // writes that need the catalog (people), at the current versions.
    const responseWrites: FuzzRequest[] = [];
    if (response.review) {
      const { incident, review } = response;
      reads.push(
        path('GET /incidents/:id', `/incidents/${incident}`),
        path('GET /reviews', '/reviews', 'groupRef=group%3Adefault%2Fdev-team'),
        path('GET /reviews/:id', `/reviews/${review}`),
      );
      const detail = await api('GET', `/incidents/${incident}`);
      const current: PostIncidentReview = await api(
        'GET',
        `/reviews/${review}`,
      );
      const role = detail.roles.find(
        (r: { role: string }) => r.role === 'technical-lead',
      );
      const writeOf = (
        route: string,
        method: FuzzRequest['method'],
        p: string,
        body: unknown,
      ): FuzzRequest => ({
        route,
        method,
        path: p,
        query: '',
        body: JSON.stringify(body),
        contentType: 'application/json',
        auth: 'user',
        expect: 'refuse',
      });
      responseWrites.push(
        writeOf(
          'PUT /incidents/:id/roles/:role',
          'PUT',
          `/incidents/${incident}/roles/technical-lead`,
          { userRef: ALICE, version: role?.version ?? null },
        ),
        writeOf('PATCH /reviews/:id', 'PATCH', `/reviews/${review}`, {
          owner: ALICE,
          version: current.version,
        }),
        writeOf(
          'POST /reviews/:id/action-items',
          'POST',
          `/reviews/${review}/action-items`,
          {
            title: 'Page the database team on replica lag',
            owner: ALICE,
            dueDate: '2031-01-05',
          },
        ),
      );
    }
    const writes = fc.oneof(
      fc
        .record({
          title: validTitle,
          action: fc.constantFrom(undefined, 'submit'),
          justification: fc.constant('Needed.'),
        })
        .map(
          (b): FuzzRequest => ({
            route: 'POST /change-requests',
            method: 'POST',
            path: '/change-requests',
            query: '',
            body: JSON.stringify({ ...validCreate, ...b }),
            contentType: 'application/json',
            auth: 'user',
            expect: 'refuse',
          }),
        ),
      validTitle.map(
        (title): FuzzRequest => ({
          route: 'PATCH /change-requests/:id',
          method: 'PATCH',
          path: `/change-requests/${fixtures.draft}`,
          query: '',
          body: JSON.stringify({
            title,
            entityRefs: ['component:default/order-service'],
            version: 1,
          }),
          contentType: 'application/json',
          auth: 'user',
          expect: 'refuse',
        }),
      ),
    );
    const requests = shuffle(
      [
        ...Array.from(
          { length: Math.ceil(CATALOG_DOWN_REQUESTS / 2 / reads.length) },
          () => reads,
        ).flat(),
        ...fc.sample(writes, {
          seed: SEED + 2000,
          numRuns: Math.ceil(CATALOG_DOWN_REQUESTS / 2),
        }),
        ...responseWrites.flatMap(w => [w, { ...w }, { ...w }]),
      ],
      SEED + 2000,
    );
    const tally = new Tally();
    const errorsBefore = fake.errors;
    fake.mode = 'down';
    try {
      await run(requests, tally, 'catalog down');
    } finally {
      fake.mode = 'up';
    }
    expect(fake.errors).toBeGreaterThan(errorsBefore);
    fail(tally, 'catalog down');
  });
});
