import http from 'node:http';
import {
  FakeServer,
  RecordedRequest,
  sendJson,
  serve,
  ServeOptions,
} from '../http';
import { readable } from './render';
import {
  exampleWorkspace,
  FakeSlackChannel,
  FakeSlackUser,
  FakeSlackWorkspace,
} from './workspace';

/**
 * A fake Slack Web API with the methods Backstage's Slack notifications
 * module calls, answering as Slack does:
 *
 * - `POST /api/<method>` with `application/x-www-form-urlencoded` (what
 *   `@slack/web-api` sends; nested values JSON-encoded) or
 *   `application/json` bodies; the token as `Authorization: Bearer …` (or,
 *   for form bodies and query strings, a `token` argument). Answers are
 *   HTTP 200 with `{ ok: true, … }` or `{ ok: false, error }`:
 *   `not_authed`, `invalid_auth`, `missing_scope`, `unknown_method`.
 * - `chat.postMessage`: `channel` is a channel ID (`C…`), a channel name
 *   (`#sre-team` or `sre-team`, the bot must be a member:
 *   `not_in_channel`), a user ID (`U…`: the bot's DM with them, answered
 *   with the DM's `D…` ID) or a DM ID; one of `text`, `blocks`,
 *   `attachments` is required (`no_text`). Answers `{ ok, channel, ts,
 *   message }`.
 * - `chat.update`: `channel` must be the conversation ID the message is in
 *   (for DMs the `D…` ID, not the user ID, as Slack documents:
 *   `channel_not_found`), `ts` an existing message (`message_not_found`).
 * - `users.lookupByEmail` (scope `users:read.email`; `users_not_found`) and
 *   `auth.test`.
 *
 * Test-only: `GET /_test/messages` lists the messages as they stand (with a
 * plain-text `readable` rendering of what a person sees in the Slack
 * client), `DELETE /_test/messages` forgets them.
 */

/** An attachment as Slack stores it (the fields the fake reads). */
export interface SlackAttachment {
  color?: string;
  fallback?: string;
  pretext?: string;
  title?: string;
  title_link?: string;
  text?: string;
  blocks?: unknown[];
  [key: string]: unknown;
}

/** A message in the fake workspace. */
export interface FakeSlackMessage {
  /** The conversation it is in: `C…` for channels, `D…` for DMs. */
  channel: string;
  /** Where a person finds it: `#sre-team`, or `@alice.chen` for a DM. */
  conversation: string;
  ts: string;
  text?: string;
  blocks?: unknown[];
  attachments?: SlackAttachment[];
  /** The sender name the app asked for, if any. */
  username?: string;
  /** What a person reads in the Slack client, as plain text lines. */
  readable: string;
  /** Earlier versions (`readable`) when the message was edited, oldest first. */
  edits: string[];
}

export interface FakeSlackOptions extends ServeOptions {
  /** The bot token requests need. Default `xoxb-fake-slack-token`. */
  token?: string;
  /** The token's scopes. Default `chat:write`, `users:read`, `users:read.email`. */
  scopes?: string[];
  /** Users and channels; the example organisation's by default. */
  workspace?: FakeSlackWorkspace;
  /** Clock for message timestamps (ms). */
  now?: () => number;
}

export interface FakeSlack extends FakeServer {
  workspace: FakeSlackWorkspace;
  /** Every message posted since start (or `reset`), as it stands now. */
  messages: FakeSlackMessage[];
  /**
   * Resolves with the messages matching `predicate` once there are at least
   * `count` of them (Slack delivery is asynchronous); rejects after
   * `timeoutMs` naming what did arrive.
   */
  waitForMessages(
    predicate: (message: FakeSlackMessage) => boolean,
    options?: { count?: number; timeoutMs?: number },
  ): Promise<FakeSlackMessage[]>;
}

export const FAKE_SLACK_TOKEN = 'xoxb-fake-slack-token';

const METHOD_SCOPES: Record<string, string | undefined> = {
  'auth.test': undefined,
  'chat.postMessage': 'chat:write',
  'chat.update': 'chat:write',
  'users.lookupByEmail': 'users:read.email',
};

class SlackError extends Error {
  constructor(readonly error: string, readonly extra: object = {}) {
    super(error);
  }
}

type Args = Record<string, unknown>;

/** Reads a method's arguments and token the ways Slack accepts them. */
function readRequest(req: RecordedRequest, url: URL) {
  const args: Args = Object.fromEntries(url.searchParams);
  const type = String(req.headers['content-type'] ?? '')
    .split(';')[0]
    .trim()
    .toLowerCase();
  let json = false;
  if (req.method === 'POST' && req.body.length > 0) {
    if (type === 'application/x-www-form-urlencoded') {
      Object.assign(args, Object.fromEntries(new URLSearchParams(req.body)));
    } else if (type === 'application/json') {
      json = true;
      let body: unknown;
      try {
        body = JSON.parse(req.body);
      } catch {
        throw new SlackError('invalid_json');
      }
      if (!body || typeof body !== 'object' || Array.isArray(body)) {
        throw new SlackError('invalid_json');
      }
      Object.assign(args, body);
    } else {
      throw new SlackError('invalid_form_data');
    }
  }
  const header = String(req.headers.authorization ?? '');
  const bearer = /^Bearer\s+(\S+)$/i.exec(header)?.[1];
  // JSON bodies cannot carry the token: Slack wants it in the header.
  const token =
    bearer ?? (json || typeof args.token !== 'string' ? undefined : args.token);
  delete args.token;
  return { args, token };
}

/** A JSON array argument: form bodies carry it JSON-encoded. */
function arrayArg(args: Args, key: string): unknown[] | undefined {
  let value = args[key];
  if (value === undefined || value === '') return undefined;
  if (typeof value === 'string') {
    try {
      value = JSON.parse(value);
    } catch {
      throw new SlackError(`invalid_${key}`);
    }
  }
  if (!Array.isArray(value)) throw new SlackError(`invalid_${key}`);
  return value;
}

function stringArg(args: Args, key: string): string | undefined {
  const value = args[key];
  if (value === undefined || value === null || value === '') return undefined;
  return String(value);
}

export async function startFakeSlack(
  options: FakeSlackOptions = {},
): Promise<FakeSlack> {
  const token = options.token ?? FAKE_SLACK_TOKEN;
  const scopes = options.scopes ?? [
    'chat:write',
    'users:read',
    'users:read.email',
  ];
  const workspace = options.workspace ?? exampleWorkspace();
  const now = options.now ?? Date.now;
  const messages: FakeSlackMessage[] = [];
  let sequence = 0;

  const userById = (id: string) => workspace.users.find(u => u.id === id);
  const dmId = (user: FakeSlackUser) => `D${user.id.slice(1)}`;
  const mentionName = (id: string) => {
    const user = userById(id);
    if (user) return user.realName;
    const channel = workspace.channels.find(c => c.id === id);
    return channel?.name;
  };

  /** The conversation a postMessage `channel` argument lands in. */
  function postTarget(channel: string): {
    id: string;
    conversation: string;
  } {
    const user = userById(channel);
    if (user) return { id: dmId(user), conversation: `@${user.name}` };
    const dm = workspace.users.find(u => dmId(u) === channel);
    if (dm) return { id: channel, conversation: `@${dm.name}` };
    const name = channel.replace(/^#/, '');
    const found: FakeSlackChannel | undefined = workspace.channels.find(
      c => c.id === channel || c.name === name,
    );
    if (!found) throw new SlackError('channel_not_found');
    if (found.botIsMember === false) throw new SlackError('not_in_channel');
    return { id: found.id, conversation: `#${found.name}` };
  }

  function content(args: Args) {
    const text = stringArg(args, 'text');
    const blocks = arrayArg(args, 'blocks');
    const attachments = arrayArg(args, 'attachments') as
      | SlackAttachment[]
      | undefined;
    return { text, blocks, attachments };
  }

  function asSlackMessage(message: FakeSlackMessage) {
    return {
      type: 'message',
      ...(message.username && { subtype: 'bot_message' }),
      text: message.text ?? '',
      user: workspace.bot.userId,
      bot_id: workspace.bot.botId,
      app_id: workspace.bot.appId,
      team: workspace.teamId,
      ts: message.ts,
      ...(message.username && { username: message.username }),
      ...(message.blocks && { blocks: message.blocks }),
      ...(message.attachments && {
        attachments: message.attachments.map((a, i) => ({ id: i + 1, ...a })),
      }),
    };
  }

  const methods: Record<string, (args: Args) => object> = {
    'auth.test': () => ({
      url: `https://${workspace.teamId.toLowerCase()}.slack.com/`,
      team: 'ecommerce-platform',
      user: workspace.bot.name,
      team_id: workspace.teamId,
      user_id: workspace.bot.userId,
      bot_id: workspace.bot.botId,
    }),
    'chat.postMessage': args => {
      const channel = stringArg(args, 'channel');
      if (!channel) throw new SlackError('channel_not_found');
      const target = postTarget(channel);
      const { text, blocks, attachments } = content(args);
      if (!text && !blocks?.length && !attachments?.length) {
        throw new SlackError('no_text');
      }
      sequence += 1;
      const ts = `${Math.floor(now() / 1000)}.${String(sequence).padStart(
        6,
        '0',
      )}`;
      const message: FakeSlackMessage = {
        channel: target.id,
        conversation: target.conversation,
        ts,
        text,
        blocks,
        attachments,
        username: stringArg(args, 'username'),
        readable: '',
        edits: [],
      };
      message.readable = readable(message, mentionName);
      messages.push(message);
      return { channel: target.id, ts, message: asSlackMessage(message) };
    },
    'chat.update': args => {
      const channel = stringArg(args, 'channel');
      const ts = stringArg(args, 'ts');
      // Only a conversation ID: a user ID is not the ID of the DM.
      const known =
        channel !== undefined &&
        (workspace.channels.some(c => c.id === channel) ||
          workspace.users.some(u => dmId(u) === channel));
      if (!known) throw new SlackError('channel_not_found');
      const message = messages.find(m => m.channel === channel && m.ts === ts);
      if (!message) throw new SlackError('message_not_found');
      const { text, blocks, attachments } = content(args);
      if (!text && !blocks && !attachments) throw new SlackError('no_text');
      message.edits.push(message.readable);
      if (text !== undefined) message.text = text;
      // Slack keeps what an update leaves out (text alone drops blocks).
      if (blocks !== undefined) message.blocks = blocks;
      else if (text !== undefined) message.blocks = undefined;
      if (attachments !== undefined) message.attachments = attachments;
      message.readable = readable(message, mentionName);
      return {
        channel,
        ts: message.ts,
        text: message.text ?? '',
        message: asSlackMessage(message),
      };
    },
    'users.lookupByEmail': args => {
      const email = stringArg(args, 'email');
      if (!email) throw new SlackError('invalid_arguments');
      const user = workspace.users.find(
        u => u.email.toLowerCase() === email.toLowerCase(),
      );
      if (!user) throw new SlackError('users_not_found');
      return {
        user: {
          id: user.id,
          team_id: workspace.teamId,
          name: user.name,
          deleted: false,
          real_name: user.realName,
          is_bot: false,
          profile: {
            email: user.email,
            real_name: user.realName,
            display_name: user.name,
          },
        },
      };
    },
  };

  function answer(res: http.ServerResponse, body: object) {
    sendJson(res, 200, body, {}, 'application/json; charset=utf-8');
  }

  const server = await serve((req, res) => {
    const url = new URL(req.url, 'http://fake-slack');
    if (url.pathname === '/_test/messages') {
      if (req.method === 'DELETE') {
        messages.length = 0;
        res.writeHead(204).end();
        return;
      }
      const channel = url.searchParams.get('channel');
      sendJson(res, 200, {
        messages: messages.filter(
          m => !channel || m.channel === channel || m.conversation === channel,
        ),
      });
      return;
    }
    const match = /^\/api\/([A-Za-z.]+)$/.exec(url.pathname);
    if (!match) {
      sendJson(res, 404, { ok: false, error: 'unknown_method' });
      return;
    }
    const method = match[1];
    try {
      const handler = methods[method];
      if (!handler) throw new SlackError('unknown_method');
      const { args, token: given } = readRequest(req, url);
      if (!given) throw new SlackError('not_authed');
      if (given !== token) throw new SlackError('invalid_auth');
      const needed = METHOD_SCOPES[method];
      if (needed && !scopes.includes(needed)) {
        throw new SlackError('missing_scope', {
          needed,
          provided: scopes.join(','),
        });
      }
      answer(res, { ok: true, ...handler(args) });
    } catch (error) {
      if (!(error instanceof SlackError)) throw error;
      answer(res, { ok: false, error: error.error, ...error.extra });
    }
  }, options);

  return {
    ...server,
    workspace,
    messages,
    reset: () => {
      server.reset();
      messages.length = 0;
    },
    waitForMessages: async (
      predicate,
      { count = 1, timeoutMs = 10_000 } = {},
    ) => {
      // Polls rather than reading the clock, which tests may have frozen.
      for (let waited = 0; ; waited += 20) {
        const found = messages.filter(predicate);
        if (found.length >= count) return found;
        if (waited >= timeoutMs) {
          throw new Error(
            `Expected ${count} Slack message(s) within ${timeoutMs} ms; got: ${JSON.stringify(
              messages.map(m => `${m.conversation}: ${m.text}`),
            )}`,
          );
        }
        await new Promise(resolve => setTimeout(resolve, 20));
      }
    },
  };
}
