/**
 * The part of an OpenTelemetry meter the upstream telemetry needs. Both
 * Backstage's metrics service (`metricsServiceRef` of
 * `@backstage/backend-plugin-api/alpha`) and an `@opentelemetry/api` Meter
 * have this shape.
 * @public
 */
export interface UpstreamMeter {
  createCounter(
    name: string,
    options?: { description?: string; unit?: string },
  ): {
    add(value: number, attributes?: Record<string, string>): void;
  };
}

/**
 * How one request to an upstream ended: the HTTP status it got (with
 * `throttled` when the upstream said "too many requests" in its own words,
 * as AWS does with a 400 `ThrottlingException`), or why there was no answer.
 * @public
 */
export type UpstreamResult =
  | { status: number; throttled?: boolean }
  | { failure: 'timeout' | 'unreachable' | 'aborted' };

/**
 * Counts a provider module's requests to its upstream as the metrics
 * `opsportal.upstream.requests` and `opsportal.upstream.throttled`
 * (docs/telemetry.md). Call it at the module's one HTTP or SDK call point,
 * once per attempt (a retry counts again).
 * @public
 */
export interface UpstreamTelemetry {
  /**
   * One request (attempt) and how it ended. `operation` must come from a
   * small fixed set (an API operation such as `GetMetricData`, or a method
   * and path template such as `GET /incidents/{id}`), never an id or a
   * query: every distinct value is a time series.
   */
  request(operation: string, result: UpstreamResult): void;
  /**
   * A request held back because the upstream's rate-limit window is used
   * up (e.g. PagerDuty's `ratelimit-remaining: 0`), before asking it.
   * Answers of 429 are counted by {@link UpstreamTelemetry.request}.
   */
  paused(operation: string): void;
}

/**
 * The result of a request that got no answer: `aborted` when the caller's
 * signal aborted it, `timeout` when the request's own timeout did, else
 * `unreachable` (refused, reset, DNS...).
 * @public
 */
export function noAnswer(
  caller: AbortSignal | undefined,
  timeout: AbortSignal,
): UpstreamResult {
  if (caller?.aborted) return { failure: 'aborted' };
  return { failure: timeout.aborted ? 'timeout' : 'unreachable' };
}

/** Telemetry that records nothing (tests, or no metrics service). @public */
export const noUpstreamTelemetry: UpstreamTelemetry = {
  request() {},
  paused() {},
};

function statusClass(status: number): string {
  if (status >= 100 && status < 600) return `${Math.floor(status / 100)}xx`;
  return 'other';
}

/**
 * The outcome attribute of a request: `success` (2xx/3xx), `throttled`
 * (429, or throttling said otherwise), `client_error` (other 4xx),
 * `server_error` (5xx), or the failure without an answer (`timeout`,
 * `unreachable`, `aborted`).
 * @public
 */
export function upstreamOutcome(result: UpstreamResult): string {
  if ('failure' in result) return result.failure;
  if (result.throttled || result.status === 429) return 'throttled';
  if (result.status >= 500) return 'server_error';
  if (result.status >= 400) return 'client_error';
  return 'success';
}

/**
 * Creates the upstream counters of one upstream (`pagerduty`, `cloudwatch`,
 * `prometheus`, `grafana`, ...) on a meter: pass the backend's metrics
 * service (`metricsServiceRef`) from the module's init. Creating them again
 * on the same meter (another module) shares the same instruments.
 *
 * Attributes are bounded: `upstream`, `operation`, `outcome` and
 * `status_class` (`2xx`..`5xx`, or `none` without an answer); no entity,
 * id or URL is ever recorded.
 * @public
 */
export function createUpstreamTelemetry(
  meter: UpstreamMeter | undefined,
  upstream: string,
): UpstreamTelemetry {
  if (!meter) return noUpstreamTelemetry;
  const requests = meter.createCounter('opsportal.upstream.requests', {
    description:
      'Requests (attempts, retries included) the ops portal made to an upstream, by outcome',
    unit: '{request}',
  });
  const throttled = meter.createCounter('opsportal.upstream.throttled', {
    description:
      'Requests an upstream throttled (429 or its throttling error), or that the portal held back for a used-up rate-limit window',
    unit: '{request}',
  });
  return {
    request(operation, result) {
      const outcome = upstreamOutcome(result);
      requests.add(1, {
        upstream,
        operation,
        outcome,
        status_class: 'status' in result ? statusClass(result.status) : 'none',
      });
      if (outcome === 'throttled') {
        throttled.add(1, { upstream, operation, source: 'upstream' });
      }
    },
    paused(operation) {
      throttled.add(1, { upstream, operation, source: 'rate_limit_window' });
    },
  };
}

/**
 * An operation name for a REST path without its ids: segments after the
 * first that are not lower-case words become `{id}`, so
 * `GET /incidents/Q1ORDER/notes` is `GET /incidents/{id}/notes`.
 * @public
 */
export function restOperation(method: string, path: string): string {
  const segments = path
    .split('?')[0]
    .split('/')
    .filter(Boolean)
    .map((segment, i) =>
      i > 0 && !/^[a-z][a-z_-]*$/.test(segment) ? '{id}' : segment,
    );
  return `${method.toUpperCase()} /${segments.join('/')}`;
}
