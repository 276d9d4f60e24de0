import { ResponseError } from '@backstage/errors';

/**
 * The parts of an entity's overview tab the backend answers in one request
 * (`GET /overview/entity`), each exactly as its own route would:
 * `health` /health, `oncall` /oncall/entity, `incidents` /incidents/entity,
 * `slos` /slos/entity, `runbooks` /runbooks/entity, `capacity`
 * /capacity/entity with range 30d, `kpis` /kpis with scope entity and
 * period 30d.
 */
export type OverviewPartName =
  | 'health'
  | 'oncall'
  | 'incidents'
  | 'slos'
  | 'runbooks'
  | 'capacity'
  | 'kpis';

/** A part as the backend answers it. */
type OverviewPart =
  | { status: number; body: unknown }
  | {
      status: number;
      statusText?: string;
      error: { name: string; message: string; [key: string]: unknown };
      headers?: Record<string, string>;
    };

/** A line of the overview's answer. */
type OverviewLine = OverviewPart & { part: OverviewPartName };

interface Waiter {
  resolve(value: unknown): void;
  reject(error: unknown): void;
  /** The part's own request, when it is asked alone or the batch fails. */
  single(): Promise<unknown>;
}

interface Batch {
  /** Unset while only `health` is asked. */
  entityRef?: string;
  waiters: Map<OverviewPartName, Waiter[]>;
  openedAt: number;
  timer?: ReturnType<typeof setTimeout>;
  sent?: boolean;
}

/**
 * How long a batch stays open for further cards of the same page: until
 * no card has asked for `idleMs`, and at most `maxMs` after the first. The
 * cards of an entity page render together (their loaders resolve one
 * chunk), so their requests start within a few milliseconds of each other,
 * a few tens on a busy machine.
 */
const OVERVIEW_BATCH_WINDOW = { idleMs: 20, maxMs: 100 };

/**
 * Gathers the entity cards' first requests into one request. A call of an
 * overview part opens a batch for its entity (or joins the open one);
 * when no card has asked for a moment (OVERVIEW_BATCH_WINDOW) the batch is
 * sent: alone, a part makes its own
 * request; together, the parts go as one `GET /overview/entity`, whose
 * answer streams one line a part, each given to its callers as it
 * arrives (a card never waits for a slower one). Nothing
 * is cached: a call after the batch was sent (a retry, a poll, another
 * tab) makes a new request, so answers are as fresh as before. When the
 * overview request itself fails (e.g. a backend without the route), each
 * part falls back to its own request, so every card sees its own answer
 * or error.
 */
export class EntityOverviewBatcher {
  private open: Batch | undefined;

  constructor(
    private readonly fetchOverview: (
      entityRef: string,
      parts: OverviewPartName[],
    ) => Promise<Response>,
    private readonly window: {
      idleMs: number;
      maxMs: number;
    } = OVERVIEW_BATCH_WINDOW,
  ) {}

  /**
   * The answer of `part` for `entityRef` (undefined for `health`, which
   * joins any batch), batched with other parts asked within the window.
   */
  load<T>(
    part: OverviewPartName,
    entityRef: string | undefined,
    single: () => Promise<T>,
  ): Promise<T> {
    let batch = this.open;
    const joins =
      batch &&
      (entityRef === undefined ||
        batch.entityRef === undefined ||
        batch.entityRef === entityRef);
    if (!batch || !joins) {
      batch = { waiters: new Map(), openedAt: Date.now() };
      this.open = batch;
    }
    this.schedule(batch);
    if (entityRef !== undefined) batch.entityRef = entityRef;
    return new Promise<T>((resolve, reject) => {
      const list = batch!.waiters.get(part) ?? [];
      list.push({
        resolve: resolve as (value: unknown) => void,
        reject,
        single,
      });
      batch!.waiters.set(part, list);
    });
  }

  /**
   * Sends the batch once no card has asked for `idleMs` and the browser
   * has finished rendering (an idle callback: cards that render in later
   * tasks still join), at most `maxMs` after the first call.
   */
  private schedule(batch: Batch): void {
    clearTimeout(batch.timer);
    const left = () => batch.openedAt + this.window.maxMs - Date.now();
    const close = () => {
      if (batch.sent) return;
      batch.sent = true;
      if (this.open === batch) this.open = undefined;
      this.send(batch);
    };
    batch.timer = setTimeout(() => {
      const idle = (globalThis as { requestIdleCallback?: Function })
        .requestIdleCallback;
      if (typeof idle === 'function' && left() > 0) {
        idle(close, { timeout: left() });
      } else {
        close();
      }
    }, Math.max(0, Math.min(this.window.idleMs, left())));
  }

  private async send(batch: Batch): Promise<void> {
    const parts = [...batch.waiters.keys()];
    if (batch.entityRef === undefined || parts.length < 2) {
      for (const waiters of batch.waiters.values()) settleAlone(waiters);
      return;
    }
    const pending = new Map(batch.waiters);
    try {
      const response = await this.fetchOverview(batch.entityRef, parts);
      if (!response.ok) throw new Error(`overview ${response.status}`);
      // One line of JSON a part, each settled as it arrives.
      await readLines(response, async line => {
        const answer = JSON.parse(line) as OverviewLine;
        const waiters = pending.get(answer.part);
        if (!waiters) return;
        pending.delete(answer.part);
        await settle(answer, waiters);
      });
    } catch {
      // The overview failed (or broke off): the parts not answered ask
      // their own routes.
    }
    for (const waiters of pending.values()) settleAlone(waiters);
  }
}

/** Calls `onLine` for each line of the response body, as they arrive. */
async function readLines(
  response: Response,
  onLine: (line: string) => Promise<void>,
): Promise<void> {
  const reader = response.body?.getReader();
  if (!reader) {
    for (const line of (await response.text()).split('\n')) {
      if (line.trim()) await onLine(line);
    }
    return;
  }
  const decoder = new TextDecoder();
  let buffered = '';
  for (;;) {
    const { done, value } = await reader.read();
    buffered += done
      ? decoder.decode()
      : decoder.decode(value, { stream: true });
    let newline = buffered.indexOf('\n');
    while (newline >= 0) {
      const line = buffered.slice(0, newline);
      buffered = buffered.slice(newline + 1);
      if (line.trim()) await onLine(line);
      newline = buffered.indexOf('\n');
    }
    if (done) break;
  }
  if (buffered.trim()) await onLine(buffered);
}

/** Gives a part's answer to its callers: the body, or its route's error. */
async function settle(answer: OverviewPart, waiters: Waiter[]): Promise<void> {
  if ('body' in answer) {
    for (const waiter of waiters) waiter.resolve(answer.body);
    return;
  }
  const error =
    answer.status >= 400 && answer.status <= 599
      ? await partError(answer).catch(() => undefined)
      : undefined;
  if (!error) {
    settleAlone(waiters);
    return;
  }
  for (const waiter of waiters) waiter.reject(error);
}

/** One request for the part, shared by every caller of it in the batch. */
function settleAlone(waiters: Waiter[]): void {
  const answer = waiters[0].single();
  for (const waiter of waiters) answer.then(waiter.resolve, waiter.reject);
}

/** The ResponseError the part's own request would have thrown. */
function partError(
  answer: Extract<OverviewPart, { error: unknown }>,
): Promise<ResponseError> {
  const body = {
    error: answer.error,
    response: { statusCode: answer.status },
  };
  return ResponseError.fromResponse(
    new Response(JSON.stringify(body), {
      status: answer.status,
      statusText: answer.statusText ?? '',
      headers: { ...answer.headers, 'content-type': 'application/json' },
    }),
  );
}
