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

interface EntityOverviewResponse {
  entityRef: string;
  parts: Partial<Record<OverviewPartName, OverviewPart>>;
}

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
}

/**
 * How long a batch stays open for further cards of the same page. The
 * cards of an entity page render together (their loaders resolve one
 * chunk), so their requests start within a few milliseconds.
 */
export const OVERVIEW_BATCH_WINDOW_MS = 20;

/**
 * Gathers the entity cards' first requests into one request. A call of an
 * overview part opens a batch for its entity (or joins the open one);
 * after a short window the batch is sent: alone, a part makes its own
 * request; together, the parts go as one `GET /overview/entity`. Nothing
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
    private readonly windowMs: number = OVERVIEW_BATCH_WINDOW_MS,
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
      batch = { waiters: new Map() };
      this.open = batch;
      const opened = batch;
      setTimeout(() => {
        if (this.open === opened) this.open = undefined;
        this.send(opened);
      }, this.windowMs);
    }
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

  private async send(batch: Batch): Promise<void> {
    const parts = [...batch.waiters.keys()];
    if (batch.entityRef === undefined || parts.length < 2) {
      for (const waiters of batch.waiters.values()) settleAlone(waiters);
      return;
    }
    let overview: EntityOverviewResponse;
    try {
      const response = await this.fetchOverview(batch.entityRef, parts);
      if (!response.ok) throw new Error(`overview ${response.status}`);
      overview = (await response.json()) as EntityOverviewResponse;
    } catch {
      for (const waiters of batch.waiters.values()) settleAlone(waiters);
      return;
    }
    for (const [part, waiters] of batch.waiters) {
      const answer = overview.parts?.[part];
      if (answer && 'body' in answer) {
        for (const waiter of waiters) waiter.resolve(answer.body);
      } else if (answer && answer.status >= 400 && answer.status <= 599) {
        const error = await partError(answer).catch(() => undefined);
        if (error) {
          for (const waiter of waiters) waiter.reject(error);
        } else {
          settleAlone(waiters);
        }
      } else {
        settleAlone(waiters);
      }
    }
  }
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
