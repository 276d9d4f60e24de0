import { FAKE_SLACK_TOKEN, FakeSlack, startFakeSlack } from './server';

const NOW = Date.UTC(2026, 11, 2, 9, 30, 0);

describe('fake Slack Web API', () => {
  let fake: FakeSlack;
  const call = async (
    method: string,
    body: Record<string, unknown>,
    options: { json?: boolean; token?: string | null } = {},
  ) => {
    const token =
      options.token === undefined ? FAKE_SLACK_TOKEN : options.token;
    const headers: Record<string, string> = {
      'Content-Type': options.json
        ? 'application/json; charset=utf-8'
        : 'application/x-www-form-urlencoded',
    };
    if (token) headers.Authorization = `Bearer ${token}`;
    // Form bodies as @slack/web-api sends them: nested values JSON-encoded.
    const form = new URLSearchParams(
      Object.entries(body).map(([k, v]) => [
        k,
        typeof v === 'string' ? v : JSON.stringify(v),
      ]),
    );
    const res = await fetch(`${fake.url}/api/${method}`, {
      method: 'POST',
      headers,
      body: options.json ? JSON.stringify(body) : form.toString(),
    });
    expect(res.status).toBe(200);
    return res.json();
  };

  beforeAll(async () => {
    fake = await startFakeSlack({ now: () => NOW });
  });
  afterAll(() => fake.close());
  afterEach(() => fake.reset());

  it('refuses calls without the bot token, or with another one', async () => {
    expect(await call('auth.test', {}, { token: null })).toEqual({
      ok: false,
      error: 'not_authed',
    });
    expect(await call('auth.test', {}, { token: 'xoxb-other' })).toEqual({
      ok: false,
      error: 'invalid_auth',
    });
    // A form body may carry the token; a JSON body may not.
    expect(
      await call('auth.test', { token: FAKE_SLACK_TOKEN }, { token: null }),
    ).toMatchObject({ ok: true, user_id: 'U0OPSBOT01' });
    expect(
      await call(
        'auth.test',
        { token: FAKE_SLACK_TOKEN },
        { token: null, json: true },
      ),
    ).toEqual({ ok: false, error: 'not_authed' });
    expect(await call('chat.delete', {})).toEqual({
      ok: false,
      error: 'unknown_method',
    });
  });

  it('posts to a channel by name and shows what a person reads', async () => {
    const answer = await call('chat.postMessage', {
      channel: '#sre-team',
      text: 'CHG-1001 awaits approval',
      attachments: [
        {
          color: '#00A699',
          fallback: 'CHG-1001 awaits approval',
          blocks: [
            {
              type: 'section',
              text: { type: 'mrkdwn', text: 'Filed by <@U0ALICECHN> &amp; co' },
              accessory: {
                type: 'button',
                text: { type: 'plain_text', text: 'View More' },
                url: 'http://localhost:3000/changes/CHG-1001',
              },
            },
            {
              type: 'context',
              elements: [
                { type: 'plain_text', text: 'Severity: normal' },
                { type: 'plain_text', text: 'Topic: change-requests' },
              ],
            },
          ],
        },
      ],
    });
    expect(answer).toMatchObject({
      ok: true,
      channel: 'C0SRETEAM1',
      ts: `${NOW / 1000}.000001`,
      message: {
        type: 'message',
        text: 'CHG-1001 awaits approval',
        bot_id: 'B0OPSBOT01',
        attachments: [{ id: 1, color: '#00A699' }],
      },
    });
    const listed = await (
      await fetch(`${fake.url}/_test/messages?channel=%23sre-team`)
    ).json();
    expect(listed.messages.map((m: any) => m.readable)).toEqual([
      [
        'CHG-1001 awaits approval',
        'Filed by @Alice Chen & co',
        '[View More](http://localhost:3000/changes/CHG-1001)',
        'Severity: normal · Topic: change-requests',
      ].join('\n'),
    ]);
  });

  it('answers the errors Slack answers for bad messages', async () => {
    expect(
      await call('chat.postMessage', { channel: '#nope', text: 'x' }),
    ).toEqual({ ok: false, error: 'channel_not_found' });
    expect(
      await call('chat.postMessage', { channel: '#general', text: 'x' }),
    ).toEqual({ ok: false, error: 'not_in_channel' });
    expect(await call('chat.postMessage', { channel: 'C0SRETEAM1' })).toEqual({
      ok: false,
      error: 'no_text',
    });
    expect(
      await call('chat.postMessage', {
        channel: 'C0SRETEAM1',
        blocks: 'not json',
      }),
    ).toEqual({ ok: false, error: 'invalid_blocks' });
    expect(fake.messages).toEqual([]);
  });

  it('finds people by e-mail and messages them in their DM', async () => {
    const found = await call(
      'users.lookupByEmail',
      { email: 'Jamal.Reed@ecommerce-platform.com' },
      { json: true },
    );
    expect(found).toMatchObject({
      ok: true,
      user: { id: 'U0JAMALRED', real_name: 'Jamal Reed' },
    });
    expect(
      await call('users.lookupByEmail', { email: 'nobody@example.com' }),
    ).toEqual({ ok: false, error: 'users_not_found' });

    const posted = await call(
      'chat.postMessage',
      { channel: 'U0JAMALRED', text: 'CHG-1001 was approved' },
      { json: true },
    );
    expect(posted).toMatchObject({ ok: true, channel: 'D0JAMALRED' });
    const [message] = await fake.waitForMessages(
      m => m.conversation === '@jamal.reed',
    );
    expect(message.readable).toBe('CHG-1001 was approved');
  });

  it('updates a DM message only through its DM ID, as Slack documents', async () => {
    const posted = await call('chat.postMessage', {
      channel: 'U0JAMALRED',
      text: 'CHG-1001 has 1 of 2 approvals',
    });
    // The user ID that the message was posted with is not the conversation.
    expect(
      await call('chat.update', {
        channel: 'U0JAMALRED',
        ts: posted.ts,
        text: 'CHG-1001 was approved',
      }),
    ).toEqual({ ok: false, error: 'channel_not_found' });
    expect(
      await call('chat.update', {
        channel: posted.channel,
        ts: '1.000009',
        text: 'x',
      }),
    ).toEqual({ ok: false, error: 'message_not_found' });
    expect(
      await call('chat.update', {
        channel: posted.channel,
        ts: posted.ts,
        text: 'CHG-1001 was approved',
      }),
    ).toMatchObject({ ok: true, channel: 'D0JAMALRED', ts: posted.ts });
    expect(fake.messages).toMatchObject([
      {
        readable: 'CHG-1001 was approved',
        edits: ['CHG-1001 has 1 of 2 approvals'],
      },
    ]);
  });

  it('needs the users:read.email scope for e-mail look-ups', async () => {
    const narrow = await startFakeSlack({ scopes: ['chat:write'] });
    try {
      const res = await fetch(`${narrow.url}/api/users.lookupByEmail`, {
        method: 'POST',
        headers: {
          Authorization: `Bearer ${FAKE_SLACK_TOKEN}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: 'email=alice.chen%40ecommerce-platform.com',
      });
      expect(await res.json()).toEqual({
        ok: false,
        error: 'missing_scope',
        needed: 'users:read.email',
        provided: 'chat:write',
      });
    } finally {
      await narrow.close();
    }
  });
});
