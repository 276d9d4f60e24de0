import {
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskRunner,
} from '@backstage/backend-plugin-api';
import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import notificationsPlugin from '@backstage/plugin-notifications-backend';
import notificationsModuleSlack from '@backstage/plugin-notifications-backend-module-slack';
import {
  FAKE_SLACK_TOKEN,
  FakeSlack,
  FakeSlackMessage,
  startFakeSlack,
} from '@internal/fake-upstreams';
import {
  ChangeRequest,
  defaultChangePolicy,
  nextMaintenanceWindow,
} from '@opsportal/plugin-ops-common';
import { http } from 'msw';
import { setupServer } from 'msw/node';
import request from 'supertest';
import { opsPlugin } from '../plugin';

/*
 * Change requests and review reminders reaching Slack through Backstage's
 * real notifications backend and its real Slack module. The module builds
 * its `@slack/web-api` client with the default address
 * (https://slack.com/api/) and no way to configure another, so the
 * requests it sends are redirected at the wire (msw) to a local fake Slack
 * Web API, unchanged: the fake checks the token, reads the form bodies the
 * client sends and answers as Slack does.
 */

jest.setTimeout(120_000);

const GUEST = 'user:default/guest';
const ALICE = 'user:default/alice-chen';
const BRUNO = 'user:default/bruno-silva';
const APP = 'http://localhost:3000';

const user = (
  name: string,
  email: string,
  group: string,
  slackId?: string,
): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'User',
  metadata: {
    name,
    namespace: 'default',
    ...(slackId && { annotations: { 'slack.com/bot-notify': slackId } }),
  },
  spec: { profile: { email }, memberOf: [group] },
  relations: [{ type: 'memberOf', targetRef: `group:default/${group}` }],
});
const group = (name: string, members: string[], channel: string): Entity => ({
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name,
    namespace: 'default',
    annotations: { 'slack.com/bot-notify': channel },
  },
  spec: { type: 'team', children: [] },
  relations: members.map(m => ({ type: 'hasMember', targetRef: m })),
});
const entities: Entity[] = [
  // The guest has no Slack annotation: found by e-mail (users.lookupByEmail).
  user('guest', 'guest@ecommerce-platform.com', 'dev-team'),
  user('alice-chen', 'alice.chen@ecommerce-platform.com', 'sre-team'),
  user(
    'bruno-silva',
    'bruno.silva@ecommerce-platform.com',
    'sre-team',
    'U0BRUNOSLV',
  ),
  // Teams name their channel: by name, or by ID.
  group('sre-team', [ALICE, BRUNO], '#sre-team'),
  group('devops-team', [], 'C0DEVOPST1'),
  group('dev-team', [GUEST], '#dev-team-has-no-channel'),
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'payment-service', namespace: 'default' },
    spec: {
      type: 'service',
      lifecycle: 'production',
      owner: 'group:default/dev-team',
    },
  },
];

const day = 24 * 3600_000;
function windowSlot() {
  const w = nextMaintenanceWindow(
    defaultChangePolicy.maintenanceWindow,
    new Date(Date.now() + 8 * day),
  )!;
  return {
    plannedStart: w.start,
    plannedEnd: new Date(Date.parse(w.start) + 3600_000).toISOString(),
  };
}

/** Moves the wall clock (Date only: timers run as usual). */
function moveClockTo(ms: number) {
  jest.useFakeTimers({
    now: ms,
    doNotFake: [
      'hrtime',
      'nextTick',
      'performance',
      'queueMicrotask',
      'setImmediate',
      'clearImmediate',
      'setInterval',
      'clearInterval',
      'setTimeout',
      'clearTimeout',
    ],
  });
}

let slack: FakeSlack;
// Whatever the Slack client sends to slack.com goes to the fake instead.
const wire = setupServer(
  http.all('https://slack.com/api/:method', async ({ request: req }) => {
    const url = new URL(req.url);
    const headers = new Headers();
    for (const name of ['authorization', 'content-type', 'user-agent']) {
      const value = req.headers.get(name);
      if (value) headers.set(name, value);
    }
    const res = await fetch(`${slack.url}${url.pathname}${url.search}`, {
      method: req.method,
      headers,
      body: req.method === 'GET' ? undefined : await req.arrayBuffer(),
    });
    return new Response(await res.arrayBuffer(), {
      status: res.status,
      headers: { 'content-type': res.headers.get('content-type') ?? '' },
    });
  }),
);

beforeAll(async () => {
  slack = await startFakeSlack();
  wire.listen({ onUnhandledRequest: 'bypass' });
});
afterAll(async () => {
  wire.close();
  await slack.close();
});
afterEach(() => {
  jest.useRealTimers();
  slack.reset();
});

async function startBackend(options: { slackToken?: string | null } = {}) {
  const token =
    options.slackToken === undefined ? FAKE_SLACK_TOKEN : options.slackToken;
  // The scheduler keeps the tasks so that the test runs the reminders now
  // rather than after their initial delay.
  const tasks = new Map<string, SchedulerServiceTaskInvocationDefinition>();
  const scheduler = mockServices.scheduler.mock({
    scheduleTask: async task => {
      tasks.set(task.id, task);
    },
    createScheduledTaskRunner: (): SchedulerServiceTaskRunner => ({
      run: async task => {
        tasks.set(task.id, task);
      },
    }),
  });
  const { server } = await startTestBackend({
    features: [
      opsPlugin,
      notificationsPlugin,
      notificationsModuleSlack,
      catalogServiceMock.factory({ entities }),
      scheduler.factory,
      mockServices.rootConfig.factory({
        data: {
          app: { baseUrl: APP },
          // The test catalog is complete from the start.
          ops: { catalogReadiness: { maxWaitSeconds: 0 } },
          ...(token && {
            notifications: { processors: { slack: [{ token }] } },
          }),
        },
      }),
    ],
  });
  const as = (who: string) => ({
    post: (path: string, body: object) =>
      request(server)
        .post(`/api/ops${path}`)
        .set('Authorization', mockCredentials.user.header(who))
        .send(body),
  });
  const act = async (
    who: string,
    change: ChangeRequest,
    action: string,
    comment?: string,
  ): Promise<ChangeRequest> => {
    const res = await as(who).post(
      `/change-requests/${change.id}/transitions`,
      {
        action,
        version: change.version,
        ...(comment && { comment }),
      },
    );
    expect(res.status).toBe(200);
    return res.body.change;
  };
  const runTask = async (id: string) => {
    const task = tasks.get(id);
    if (!task) throw new Error(`No task ${id} was scheduled`);
    await task.fn(new AbortController().signal as any);
  };
  return { as, act, runTask };
}

const normalChange = (risk: string) => ({
  title: 'Add an index to the payments table',
  description: 'Refund lookups scan the table.',
  category: 'normal',
  risk,
  entityRefs: ['component:default/payment-service'],
  ...windowSlot(),
  implementationPlan: 'Run migration 42.',
  rollbackPlan: 'Run the down migration.',
  testPlan: 'Refund smoke test.',
  action: 'submit',
});

const read = (messages: FakeSlackMessage[]) =>
  messages.map(m => `${m.conversation}\n${m.readable}`);

describe('change requests and review reminders in Slack', () => {
  it('asks the approving teams in their channels and tells the requester each decision in a DM', async () => {
    const { as, act } = await startBackend();
    const filed = await as(GUEST).post(
      '/change-requests',
      normalChange('high'),
    );
    expect(filed.status).toBe(201);
    let change: ChangeRequest = filed.body.change;
    const id = change.id;
    const link = `${APP}/changes/${id}`;
    const what = `Add an index to the payments table (normal change, high risk, component:default/payment-service)`;

    // Both approving teams, each in the channel its Group names.
    const asked = await slack.waitForMessages(m => m.text?.includes(id)!, {
      count: 2,
    });
    expect(read(asked).sort()).toEqual(
      ['#devops-team', '#sre-team'].map(channel =>
        [
          channel,
          `${id} awaits approval`,
          `${what}, planned ${change.plannedStart} to ${change.plannedEnd}, filed by ${GUEST}.`,
          `[View More](${link})`,
          'Severity: normal · Topic: change-requests',
        ].join('\n'),
      ),
    );
    // The team members are not messaged one by one, nor is the requester.
    expect(slack.messages.map(m => m.conversation).sort()).toEqual([
      '#devops-team',
      '#sre-team',
    ]);

    // A high-risk change needs two approvers: the requester hears of each.
    change = await act(ALICE, change, 'approve');
    const [first] = await slack.waitForMessages(
      m => m.conversation === '@guest',
    );
    expect(first.channel).toBe('D0GUESTUSR');
    expect(first.readable).toBe(
      [
        `${id} has 1 of 2 approvals`,
        what,
        `[View More](${link})`,
        'Severity: low · Topic: change-requests',
      ].join('\n'),
    );

    change = await act(BRUNO, change, 'approve');
    expect(change.status).toBe('approved');
    const dms = await slack.waitForMessages(m => m.conversation === '@guest', {
      count: 2,
    });
    expect(dms[1].readable).toBe(
      [
        `${id} was approved`,
        `${what} may go ahead as planned.`,
        `[View More](${link})`,
        'Severity: normal · Topic: change-requests',
      ].join('\n'),
    );
    // New messages that notify, never an edit of the first one.
    expect(dms.map(m => m.edits)).toEqual([[], []]);
    // The guest was found by e-mail; the token went with every call.
    const calls = slack.requests.map(r => r.url);
    expect(calls).toContain('/api/users.lookupByEmail');
    expect(
      slack.requests.every(
        r => r.headers.authorization === `Bearer ${FAKE_SLACK_TOKEN}`,
      ),
    ).toBe(true);
  });

  it('stays off without a token: changes go on and nothing reaches Slack', async () => {
    const { as, act } = await startBackend({ slackToken: null });
    const filed = await as(GUEST).post('/change-requests', normalChange('low'));
    expect(filed.status).toBe(201);
    const change = await act(ALICE, filed.body.change, 'approve');
    expect(change.status).toBe('approved');
    await new Promise(resolve => setTimeout(resolve, 500));
    expect(slack.requests).toEqual([]);
  });

  it('reminds the owner of an overdue review of an emergency change in a DM', async () => {
    const { as, act, runTask } = await startBackend();
    const started = await as(BRUNO).post('/change-requests', {
      title: 'Patch OpenSSL CVE on the payment gateway',
      description: 'Critical CVE.',
      category: 'emergency',
      risk: 'high',
      entityRefs: ['component:default/payment-service'],
      ...windowSlot(),
      implementationPlan: '',
      rollbackPlan: 'Roll back the image.',
      testPlan: 'Smoke test.',
      action: 'start',
    });
    expect(started.status).toBe(201);
    const change: ChangeRequest = started.body.change;
    const alerted = await slack.waitForMessages(
      m => m.text === `Emergency change ${change.id} started`,
      { count: 2 },
    );
    expect(alerted.map(m => m.conversation).sort()).toEqual([
      '#devops-team',
      '#sre-team',
    ]);
    expect(alerted[0].readable).toContain(
      `started by ${BRUNO}. It needs a post-implementation review.`,
    );
    expect(alerted[0].readable).toContain('Severity: high');
    await act(BRUNO, change, 'complete');

    // A month later the review is overdue; the reminder task runs.
    moveClockTo(Date.now() + 30 * day);
    await runTask('ops-reviews-reminders');
    const [reminder] = await slack.waitForMessages(
      m => m.conversation === '@bruno.silva',
    );
    // Bruno's User entity names his Slack ID: his DM, no e-mail look-up.
    expect(reminder.channel).toBe('D0BRUNOSLV');
    expect(reminder.readable).toMatch(
      new RegExp(
        [
          `^Post-incident review PIR-\\d+ is overdue \\(due \\d{4}-\\d\\d-\\d\\d\\)`,
          `The review of emergency change ${change.id}: Patch OpenSSL CVE on the payment gateway\\. 0 open action items\\.`,
          `\\[View More\\]\\(${APP}/changes/${change.id}\\)`,
          'Severity: high · Topic: post-incident-reviews$',
        ].join('\n'),
      ),
    );
  });
});
