import { mockServices } from '@backstage/backend-test-utils';
import { InputError } from '@backstage/errors';
import {
  defaultSpecPath,
  FakePagerDuty,
  startFakePagerDuty,
} from '@internal/fake-upstreams';
import { TokenAuth } from './client/auth';
import { PagerDutyClient, PagerDutyError } from './client/PagerDutyClient';
import { PagerDutyProvider } from './PagerDutyProvider';

/*
 * Incident response against the fake PagerDuty, which checks every request
 * (query, headers, JSON body) against PagerDuty's published REST API
 * description and every Events API request against the Events API v2
 * description: a request that broke the contract would be answered 400 and
 * fail the test in `afterEach`.
 */

// A Wednesday noon.
const NOW = Date.UTC(2026, 2, 4, 12, 0, 0);
const MINUTE = 60_000;
const ALICE = 'alice.chen@ecommerce-platform.com';
const MARIA = 'maria.garcia@ecommerce-platform.com';

describe('PagerDutyProvider incident response', () => {
  let fake: FakePagerDuty;
  let client: PagerDutyClient;
  let provider: PagerDutyProvider;

  const openP1 = () =>
    fake.account.incidents.find(
      i => i.priority === 'P1' && i.resolvedAt === undefined,
    )!;
  const posts = () => fake.requests.filter(r => r.method === 'POST');
  const userLookups = () =>
    fake.requests.filter(r => r.url.startsWith('/users?')).length;

  beforeEach(async () => {
    fake = await startFakePagerDuty({ now: () => NOW });
    const logger = mockServices.logger.mock();
    client = new PagerDutyClient({
      baseUrl: fake.url,
      auth: new TokenAuth('local-fake-token'),
      requestTimeoutMs: 2_000,
      maxAttempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 200,
      logger,
    });
    provider = new PagerDutyProvider({
      client,
      logger,
      concurrency: 4,
      listThreshold: 10,
      eventsBaseUrl: fake.url,
      requestTimeoutMs: 2_000,
      maxAttempts: 2,
      retryBaseDelayMs: 10,
      maxRetryDelayMs: 50,
    });
  });

  afterEach(async () => {
    const violations = fake.violations.map(
      v => `${v.method} ${v.url}: ${v.problems.join('; ')}`,
    );
    const checked = fake.contractChecked;
    await fake.close();
    if (!checked) {
      throw new Error(
        `the fake did not load PagerDuty's OpenAPI description from ${defaultSpecPath()}`,
      );
    }
    if (violations.length > 0) {
      throw new Error(`non-conforming requests:\n${violations.join('\n')}`);
    }
  });

  it('reads an incident, and answers undefined for one PagerDuty does not know', async () => {
    const incident = await provider.getIncident(openP1().id, {
      priority: 'interactive',
    });
    expect(incident).toMatchObject({
      id: openP1().id,
      status: 'acknowledged',
      priority: 'P1',
      serviceId: 'PSVORDR',
    });
    await expect(provider.getIncident('QNOSUCH1')).resolves.toBeUndefined();
  });

  it('reads the log oldest first with the kinds the portal tells apart', async () => {
    const entries = await provider.listLogEntries(openP1().id);

    // The primary is paged by push at once and by SMS a minute later; the
    // acknowledgement after three minutes stops the phone call.
    expect(entries.map(e => e.kind)).toEqual([
      'trigger',
      'notify',
      'notify',
      'acknowledge',
    ]);
    expect(entries[2].summary).toMatch(/^Notified .+ by SMS$/);
    expect(entries[3]).toMatchObject({
      type: 'acknowledge_log_entry',
      at: new Date(openP1().acknowledgedAt!).toISOString(),
    });
    expect(entries[3].agent?.name).toBeTruthy();
    // The whole log, not the overview.
    expect(
      fake.requests.find(r => r.url.includes('/log_entries'))!.url,
    ).toContain('is_overview=false');
    await expect(provider.listLogEntries('QNOSUCH1')).resolves.toEqual([]);
  });

  it('adds a note as the portal user and reads it back from the notes and the log', async () => {
    const id = openP1().id;

    const note = await provider.addNote(id, {
      content: 'Incident Commander: Alice Chen',
      fromEmail: 'Alice.Chen@ecommerce-platform.com',
    });

    expect(note).toMatchObject({
      content: 'Incident Commander: Alice Chen',
      at: new Date(NOW).toISOString(),
      user: { id: 'PUALICE', name: 'Alice Chen' },
    });
    const [post] = posts();
    expect(post.headers.from).toBe(ALICE);
    expect(post.headers['content-type']).toBe('application/json');
    expect(JSON.parse(post.body)).toEqual({
      note: { content: 'Incident Commander: Alice Chen' },
    });
    expect(await provider.listNotes(id)).toEqual([note]);
    const log = await provider.listLogEntries(id);
    expect(log[log.length - 1]).toMatchObject({
      kind: 'annotate',
      type: 'annotate_log_entry',
      detail: 'Incident Commander: Alice Chen',
      agent: { id: 'PUALICE' },
    });
  });

  it('posts a status update, looking the sender up once', async () => {
    const id = openP1().id;

    const update = await provider.postStatusUpdate(id, {
      message: 'Mitigation: rolled back to 2.13.4',
      fromEmail: ALICE,
    });
    await provider.postStatusUpdate(id, {
      message: 'Error rate back under 1%',
      fromEmail: ALICE,
    });

    expect(update).toMatchObject({
      message: 'Mitigation: rolled back to 2.13.4',
      sender: { id: 'PUALICE' },
    });
    expect(fake.writes.map(w => [w.kind, w.from, w.body])).toEqual([
      [
        'status_update',
        ALICE,
        { message: 'Mitigation: rolled back to 2.13.4' },
      ],
      ['status_update', ALICE, { message: 'Error rate back under 1%' }],
    ]);
    expect(userLookups()).toBe(1);
    const log = await provider.listLogEntries(id);
    expect(log.filter(e => e.kind === 'annotate').map(e => e.detail)).toEqual([
      'Mitigation: rolled back to 2.13.4',
      'Error rate back under 1%',
    ]);
  });

  it('requests responders by email and shows the request in the log', async () => {
    const id = openP1().id;

    await provider.requestResponders(id, {
      fromEmail: ALICE,
      responderEmails: [MARIA, MARIA.toUpperCase()],
      message: 'Please join the incident bridge',
    });

    const [post] = posts();
    expect(JSON.parse(post.body)).toEqual({
      requester_id: 'PUALICE',
      message: 'Please join the incident bridge',
      responder_request_targets: [
        { responder_request_target: { id: 'PUMARIA', type: 'user_reference' } },
      ],
    });
    const log = await provider.listLogEntries(id);
    expect(log[log.length - 1]).toMatchObject({
      kind: 'responder-request',
      summary: 'Responders requested: Maria Garcia',
      detail: 'Please join the incident bridge',
      agent: { id: 'PUALICE', name: 'Alice Chen' },
    });
  });

  it('refuses writes for an email the account does not know, naming it, and sends nothing', async () => {
    const id = openP1().id;

    const unknownSender = await provider
      .addNote(id, { content: 'x', fromEmail: 'nobody@example.com' })
      .catch(e => e);
    expect(unknownSender).toBeInstanceOf(InputError);
    expect(unknownSender.message).toContain('nobody@example.com');

    const unknownResponder = await provider
      .requestResponders(id, {
        fromEmail: ALICE,
        responderEmails: [MARIA, 'ghost@example.com'],
        message: 'x',
      })
      .catch(e => e);
    expect(unknownResponder).toBeInstanceOf(InputError);
    expect(unknownResponder.message).toContain('ghost@example.com');

    await expect(
      provider.requestResponders(id, {
        fromEmail: ALICE,
        responderEmails: [],
        message: 'x',
      }),
    ).rejects.toBeInstanceOf(InputError);
    expect(posts()).toEqual([]);
  });

  it('reads related change events newest first, including one it sent', async () => {
    const incident = openP1();
    const routingKey = fake.account.services.find(s => s.id === 'PSVORDR')!
      .integrationKey!;

    await provider.sendChangeEvent({
      routingKey,
      summary: 'CHG-42 completed: raise order-db pool to 200',
      source: 'ops-portal',
      timestamp: new Date(incident.createdAt - 10 * MINUTE),
      customDetails: { changeRequest: 'CHG-42', transition: 'complete' },
      links: [
        { href: 'https://portal.example/changes/CHG-42', text: 'CHG-42' },
      ],
    });

    expect(fake.changeEvents).toEqual([
      {
        routing_key: routingKey,
        payload: {
          summary: 'CHG-42 completed: raise order-db pool to 200',
          timestamp: new Date(incident.createdAt - 10 * MINUTE).toISOString(),
          source: 'ops-portal',
          custom_details: { changeRequest: 'CHG-42', transition: 'complete' },
        },
        links: [
          { href: 'https://portal.example/changes/CHG-42', text: 'CHG-42' },
        ],
      },
    ]);
    const events = await provider.listRelatedChangeEvents(incident.id);
    expect(events.map(e => e.summary)).toEqual([
      'CHG-42 completed: raise order-db pool to 200',
      'Deploy order-api 2.14.0',
    ]);
    expect(events[1]).toMatchObject({
      at: new Date(incident.createdAt - 40 * MINUTE).toISOString(),
      serviceIds: ['PSVORDR'],
    });
    expect(
      fake.requests.find(r => r.url.includes('related_change_events'))!.url,
    ).toMatch(/\?limit=100$/);
    await expect(provider.listRelatedChangeEvents('QNOSUCH1')).resolves.toEqual(
      [],
    );
  });

  it('reports a change event PagerDuty refuses without retrying it', async () => {
    const error = await provider
      .sendChangeEvent({
        routingKey: 'too-short',
        summary: 'x',
        source: 'ops-portal',
        timestamp: new Date(NOW),
      })
      .catch(e => e);
    expect(error).toBeInstanceOf(PagerDutyError);
    expect(error.message).toContain('routing_key');
    expect(posts()).toHaveLength(1);
  });
});

describe('PagerDuty writes and the published contract', () => {
  let fake: FakePagerDuty;
  let client: PagerDutyClient;

  beforeEach(async () => {
    fake = await startFakePagerDuty({ now: () => NOW });
    client = new PagerDutyClient({
      baseUrl: fake.url,
      auth: new TokenAuth('local-fake-token'),
      requestTimeoutMs: 2_000,
      maxAttempts: 3,
      baseDelayMs: 10,
      maxDelayMs: 200,
      logger: mockServices.logger.mock(),
    });
  });
  afterEach(() => fake.close());

  const incidentId = () =>
    fake.account.incidents.find(
      i => i.priority === 'P1' && i.resolvedAt === undefined,
    )!.id;

  it('refuses a note without content, or without From, as the spec says', async () => {
    const path = `/incidents/${incidentId()}/notes`;
    await expect(
      client.post(path, { note: { text: 'x' } }, { from: ALICE }),
    ).rejects.toThrow(/400: .*body\/note must have required property content/);
    await expect(client.post(path, { note: { content: 'x' } })).rejects.toThrow(
      /400: .*header From is required/,
    );
    expect(fake.violations).toHaveLength(2);
    expect(fake.writes).toEqual([]);
  });

  it('refuses a status update without a message and a responder request without targets', async () => {
    const id = incidentId();
    await expect(
      client.post(`/incidents/${id}/status_updates`, {}, { from: ALICE }),
    ).rejects.toThrow(/body must have required property message/);
    await expect(
      client.post(
        `/incidents/${id}/responder_requests`,
        { requester_id: 'PUALICE', message: 'x' },
        { from: ALICE },
      ),
    ).rejects.toThrow(
      /body must have required property responder_request_targets/,
    );
    expect(fake.violations).toHaveLength(2);
  });

  it('refuses a change event without a summary (Events API v2 description)', async () => {
    const response = await fetch(`${fake.url}/v2/change/enqueue`, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json' },
      body: JSON.stringify({
        routing_key: fake.account.services[0].integrationKey,
        payload: { source: 'ops-portal', timestamp: 'yesterday' },
      }),
    });
    expect(response.status).toBe(400);
    expect((await response.json()).errors).toEqual([
      'body/payload must have required property summary',
      'body/payload/timestamp must match format "date-time"',
    ]);
    expect(fake.changeEvents).toEqual([]);
  });

  it('does not retry a write on a 500 (it may have been stored), but does on a 429', async () => {
    const path = `/incidents/${incidentId()}/notes`;
    fake.faults.push({ kind: 'server-error', path });
    await expect(
      client.post(path, { note: { content: 'x' } }, { from: ALICE }),
    ).rejects.toMatchObject({ status: 500 });
    expect(fake.requests.filter(r => r.method === 'POST')).toHaveLength(1);

    fake.faults.push({ kind: 'rate-limit', retryAfterSeconds: 0, path });
    await client.post(path, { note: { content: 'y' } }, { from: ALICE });
    expect(fake.requests.filter(r => r.method === 'POST')).toHaveLength(3);
    expect(fake.writes.map(w => w.body.note.content)).toEqual(['y']);

    // An idempotent write may be retried after a 500.
    fake.faults.push({ kind: 'server-error', path });
    await client.post(
      path,
      { note: { content: 'z' } },
      { from: ALICE, idempotent: true },
    );
    expect(fake.writes.map(w => w.body.note.content)).toEqual(['y', 'z']);
  });

  it('says a read-only token cannot write (403)', async () => {
    const path = `/incidents/${incidentId()}/status_updates`;
    fake.faults.push({ kind: 'forbidden', path });
    const write = client.post(path, { message: 'x' }, { from: ALICE });
    await expect(write).rejects.toBeInstanceOf(PagerDutyError);
    await expect(write).rejects.toMatchObject({
      status: 403,
      message: expect.stringContaining(
        `lack permission to write to ${path}: a read-only REST API key`,
      ),
    });
  });
});
