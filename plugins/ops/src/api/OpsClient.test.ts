import { ResponseError } from '@backstage/errors';
import { OpsClient } from './OpsClient';

/**
 * The client against a backend answering by path: each test's handler is
 * the backend, every request it sees is recorded.
 */
function clientWith(handler: (url: URL) => { status: number; body: unknown }): {
  client: OpsClient;
  requests: string[];
} {
  const requests: string[] = [];
  const client = new OpsClient({
    discoveryApi: { getBaseUrl: async () => 'http://ops.test/api/ops' },
    fetchApi: {
      fetch: async (input: any) => {
        const url = new URL(String(input));
        requests.push(url.pathname.replace('/api/ops', '') + url.search);
        const { status, body } = handler(url);
        const overview = url.pathname.endsWith('/overview/entity');
        return new Response(
          overview && status === 200
            ? Object.entries((body as any).parts)
                .map(([part, answer]) =>
                  JSON.stringify({ part, ...(answer as object) }),
                )
                .join('\n')
            : JSON.stringify(body),
          {
            status,
            headers: {
              'content-type': overview
                ? 'application/x-ndjson'
                : 'application/json',
            },
          },
        );
      },
    },
  });
  return { client, requests };
}

const ref = 'component:default/order-service';

const notFound = {
  status: 404,
  statusText: 'Not Found',
  error: { name: 'NotFoundError', message: 'No SLOs for the entity' },
};

describe('OpsClient: the entity page overview in one request', () => {
  it('sends the cards’ first requests as one and gives each card its own answer or error', async () => {
    const { client, requests } = clientWith(url => {
      expect(url.pathname).toBe('/api/ops/overview/entity');
      return {
        status: 200,
        body: {
          entityRef: ref,
          parts: {
            health: { status: 200, body: { status: 'ok' } },
            oncall: { status: 200, body: { entityRef: ref, services: [] } },
            slos: notFound,
            capacity: { status: 200, body: { fetchedAt: 'x', data: null } },
            kpis: { status: 200, body: { kpis: [] } },
          },
        },
      };
    });

    const results = await Promise.allSettled([
      client.getHealth(),
      client.getEntityOnCall(ref),
      client.getEntitySlos(ref),
      client.getEntityCapacity(ref, '30d'),
      client.getKpis({ scope: 'entity', entityRef: ref, period: '30d' }),
    ]);

    expect(requests).toEqual([
      `/overview/entity?entityRef=${encodeURIComponent(
        ref,
      )}&parts=health%2Concall%2Cslos%2Ccapacity%2Ckpis`,
    ]);
    expect(results[0]).toEqual({
      status: 'fulfilled',
      value: { status: 'ok' },
    });
    expect(results[1]).toEqual({
      status: 'fulfilled',
      value: { entityRef: ref, services: [] },
    });
    expect(results[3]).toEqual({
      status: 'fulfilled',
      value: { fetchedAt: 'x', data: null },
    });
    expect(results[4]).toEqual({ status: 'fulfilled', value: { kpis: [] } });
    // The SLO card's error is the one its own request would have thrown.
    const failed = results[2] as PromiseRejectedResult;
    expect(failed.status).toBe('rejected');
    expect(failed.reason).toBeInstanceOf(ResponseError);
    expect(failed.reason.statusCode).toBe(404);
    expect(failed.reason.message).toBe('Request failed with 404 Not Found');
    expect(failed.reason.cause.name).toBe('NotFoundError');
    expect(failed.reason.cause.message).toBe('No SLOs for the entity');
  });

  it('asks a card’s own route when it asks alone, and again on a retry', async () => {
    const { client, requests } = clientWith(() => ({
      status: 200,
      body: { entityRef: ref, services: [] },
    }));

    await client.getEntityOnCall(ref);
    await client.getEntityOnCall(ref);

    expect(requests).toEqual([
      `/oncall/entity?entityRef=${encodeURIComponent(ref)}`,
      `/oncall/entity?entityRef=${encodeURIComponent(ref)}`,
    ]);
  });

  it('keeps other ranges, periods and entities out of the batch', async () => {
    const { client, requests } = clientWith(url => ({
      status: 200,
      body: url.pathname.endsWith('/overview/entity')
        ? {
            entityRef: ref,
            parts: {
              oncall: { status: 200, body: {} },
              runbooks: { status: 200, body: {} },
            },
          }
        : {},
    }));

    await Promise.all([
      client.getEntityOnCall(ref),
      client.getEntityRunbooks(ref),
      client.getEntityCapacity(ref, '7d'),
      client.getKpis({ scope: 'entity', entityRef: ref, period: '90d' }),
      client.getEntityIncidents('component:default/payment-service'),
    ]);

    expect(requests.sort()).toEqual(
      [
        `/overview/entity?entityRef=${encodeURIComponent(
          ref,
        )}&parts=oncall%2Crunbooks`,
        `/capacity/entity?entityRef=${encodeURIComponent(ref)}&range=7d`,
        `/kpis?scope=entity&entityRef=${encodeURIComponent(ref)}&period=90d`,
        `/incidents/entity?entityRef=${encodeURIComponent(
          'component:default/payment-service',
        )}`,
      ].sort(),
    );
  });

  it('falls back to each card’s own route when the overview request fails', async () => {
    const { client, requests } = clientWith(url => {
      if (url.pathname.endsWith('/overview/entity')) {
        return { status: 404, body: { error: { name: 'NotFoundError' } } };
      }
      if (url.pathname.endsWith('/slos/entity')) {
        return {
          status: 503,
          body: {
            error: { name: 'ServiceUnavailableError', message: 'later' },
            response: { statusCode: 503 },
          },
        };
      }
      return { status: 200, body: { from: url.pathname } };
    });

    const [oncall, slos] = await Promise.allSettled([
      client.getEntityOnCall(ref),
      client.getEntitySlos(ref),
    ]);

    expect(requests).toEqual([
      `/overview/entity?entityRef=${encodeURIComponent(
        ref,
      )}&parts=oncall%2Cslos`,
      `/oncall/entity?entityRef=${encodeURIComponent(ref)}`,
      `/slos/entity?entityRef=${encodeURIComponent(ref)}`,
    ]);
    expect(oncall).toEqual({
      status: 'fulfilled',
      value: { from: '/api/ops/oncall/entity' },
    });
    expect((slos as PromiseRejectedResult).reason.statusCode).toBe(503);
  });

  it('asks a part’s own route when the overview leaves it out', async () => {
    const { client, requests } = clientWith(url => ({
      status: 200,
      body: url.pathname.endsWith('/overview/entity')
        ? { parts: { oncall: { status: 200, body: { from: 'overview' } } } }
        : { from: url.pathname },
    }));

    const [oncall, runbooks] = await Promise.all([
      client.getEntityOnCall(ref),
      client.getEntityRunbooks(ref),
    ]);

    expect(oncall).toEqual({ from: 'overview' });
    expect(runbooks).toEqual({ from: '/api/ops/runbooks/entity' });
    expect(requests).toEqual([
      `/overview/entity?entityRef=${encodeURIComponent(
        ref,
      )}&parts=oncall%2Crunbooks`,
      `/runbooks/entity?entityRef=${encodeURIComponent(ref)}`,
    ]);
  });

  it('gives each card its part as soon as it arrives, before the slower ones', async () => {
    let finish: () => void = () => {};
    const client = new OpsClient({
      discoveryApi: { getBaseUrl: async () => 'http://ops.test/api/ops' },
      fetchApi: {
        fetch: async () => {
          const encoder = new TextEncoder();
          const body = new ReadableStream<Uint8Array>({
            start(controller) {
              controller.enqueue(
                encoder.encode(
                  `${JSON.stringify({
                    part: 'oncall',
                    status: 200,
                    body: { fast: true },
                  })}\n`,
                ),
              );
              finish = () => {
                controller.enqueue(
                  encoder.encode(
                    `${JSON.stringify({
                      part: 'capacity',
                      status: 200,
                      body: { slow: true },
                    })}\n`,
                  ),
                );
                controller.close();
              };
            },
          });
          return new Response(body, { status: 200 });
        },
      },
    });

    let capacityDone = false;
    const capacity = client.getEntityCapacity(ref, '30d').then(value => {
      capacityDone = true;
      return value;
    });
    const oncall = await client.getEntityOnCall(ref);

    expect(oncall).toEqual({ fast: true });
    expect(capacityDone).toBe(false);
    finish();
    expect(await capacity).toEqual({ slow: true });
  });
});

describe('OpsClient: alert hygiene', () => {
  /** A backend that answers each request from `answer`, recording method, path and body. */
  function recordingClient(
    answer: (url: URL) => Response | Promise<Response>,
  ): {
    client: OpsClient;
    seen: {
      method: string;
      path: string;
      body?: unknown;
      contentType?: string;
    }[];
  } {
    const seen: {
      method: string;
      path: string;
      body?: unknown;
      contentType?: string;
    }[] = [];
    const client = new OpsClient({
      discoveryApi: { getBaseUrl: async () => 'http://ops.test/api/ops' },
      fetchApi: {
        fetch: async (input: any, init?: RequestInit) => {
          const url = new URL(String(input));
          const headers = new Headers(init?.headers);
          seen.push({
            method: init?.method ?? 'GET',
            path: url.pathname.replace('/api/ops', '') + url.search,
            body: init?.body ? JSON.parse(String(init.body)) : undefined,
            contentType: headers.get('content-type') ?? undefined,
          });
          return answer(url);
        },
      },
    });
    return { client, seen };
  }

  const json = (status: number, body: unknown) =>
    new Response(JSON.stringify(body), {
      status,
      headers: { 'content-type': 'application/json' },
    });

  it('reads the overview, an entity and a team from their own routes', async () => {
    const { client, seen } = recordingClient(url =>
      json(200, { route: url.pathname }),
    );
    const team = 'group:default/sre-team';

    expect(await client.getAlertsOverview()).toEqual({
      route: '/api/ops/alerts/overview',
    });
    expect(await client.getEntityAlerts(ref)).toEqual({
      route: '/api/ops/alerts/entity',
    });
    expect(await client.getGroupAlertHealth(team)).toEqual({
      route: '/api/ops/alerts/group',
    });
    expect(seen.map(s => `${s.method} ${s.path}`)).toEqual([
      'GET /alerts/overview',
      `GET /alerts/entity?entityRef=${encodeURIComponent(ref)}`,
      `GET /alerts/group?entityRef=${encodeURIComponent(team)}`,
    ]);
  });

  it('posts a review as JSON and answers the stored review', async () => {
    const stored = {
      id: 'r1',
      alarmName: 'order-service-5xx',
      entityRef: ref,
      outcome: 'tune-threshold',
      note: 'Fires on every deploy',
      reviewedBy: 'user:default/guest',
      reviewedAt: '2026-12-05T10:00:00Z',
    };
    const { client, seen } = recordingClient(() => json(201, stored));

    const review = await client.createAlarmReview({
      alarmName: 'order-service-5xx',
      entityRef: ref,
      outcome: 'tune-threshold',
      note: 'Fires on every deploy',
    });

    expect(review).toEqual(stored);
    expect(seen).toEqual([
      {
        method: 'POST',
        path: '/alerts/reviews',
        contentType: 'application/json',
        body: {
          alarmName: 'order-service-5xx',
          entityRef: ref,
          outcome: 'tune-threshold',
          note: 'Fires on every deploy',
        },
      },
    ]);
  });

  it('rejects a refused review with the status and the server’s message', async () => {
    const { client } = recordingClient(() =>
      json(403, {
        error: { name: 'NotAllowedError', message: 'Unauthorized' },
        response: { statusCode: 403 },
      }),
    );

    const failure = await client
      .createAlarmReview({ alarmName: 'a', entityRef: ref, outcome: 'keep' })
      .catch(e => e);

    expect(failure).toBeInstanceOf(ResponseError);
    expect(failure.statusCode).toBe(403);
    expect(failure.cause.name).toBe('NotAllowedError');
  });

  it('answers an export as the CSV text the backend sends', async () => {
    const csv = 'userId,name,pages\r\nP1,"Ada, L.",4\r\n';
    const { client, seen } = recordingClient(
      () =>
        new Response(csv, {
          status: 200,
          headers: { 'content-type': 'text/csv; charset=utf-8' },
        }),
    );

    expect(await client.exportAlertsCsv('people')).toBe(csv);
    expect(seen.map(s => s.path)).toEqual(['/alerts/export?kind=people']);
  });

  it('asks for a change request’s maintenance windows and passes a 404 on', async () => {
    const { client, seen } = recordingClient(url =>
      url.searchParams.get('changeRequestId') === 'CR-1'
        ? json(200, { items: [{ changeRequestId: 'CR-1', status: 'open' }] })
        : json(404, { error: { name: 'NotFoundError', message: 'none' } }),
    );

    expect(await client.getChangeMaintenanceWindows('CR-1')).toEqual({
      items: [{ changeRequestId: 'CR-1', status: 'open' }],
    });
    const missing = await client
      .getChangeMaintenanceWindows('CR 2')
      .catch(e => e);
    expect(missing.statusCode).toBe(404);
    expect(seen.map(s => s.path)).toEqual([
      '/alerts/maintenance-windows?changeRequestId=CR-1',
      '/alerts/maintenance-windows?changeRequestId=CR+2',
    ]);
  });
});
