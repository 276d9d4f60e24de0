import { ServiceUnavailableError } from '@backstage/errors';

const THROTTLING = new Set([
  'Throttling',
  'ThrottlingException',
  'ThrottledException',
  'RequestLimitExceeded',
  'TooManyRequestsException',
  'RequestThrottled',
  'RequestThrottledException',
]);
const EXPIRED = new Set([
  'ExpiredToken',
  'ExpiredTokenException',
  'RequestExpired',
  'TokenRefreshRequired',
]);
const DENIED = new Set([
  'AccessDenied',
  'AccessDeniedException',
  'UnrecognizedClientException',
  'InvalidClientTokenId',
  'SignatureDoesNotMatch',
  'MissingAuthenticationToken',
]);
/** The SDK found no credentials at all (nothing configured, no role). */
const NO_CREDENTIALS = new Set(['CredentialsProviderError']);
const UNREACHABLE = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ENOTFOUND',
  'EAI_AGAIN',
  'ETIMEDOUT',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EPIPE',
]);

/** CloudWatch refusing the request as invalid (a statistic, a dimension...). */
const REFUSED = new Set([
  'ValidationError',
  'ValidationException',
  'InvalidParameterValue',
  'InvalidParameterValueException',
  'InvalidParameterCombination',
  'InvalidParameterCombinationException',
  'MissingParameter',
  'MissingRequiredParameter',
  'MissingRequiredParameterException',
]);

/** True when AWS throttled the request (its throttling error names, or a 429). */
export function isThrottling(error: unknown): boolean {
  const e = (error ?? {}) as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
  };
  return THROTTLING.has(e.name ?? '') || e.$metadata?.httpStatusCode === 429;
}

/**
 * True when CloudWatch refused the request as invalid (HTTP 400, a
 * validation error): asking again unchanged cannot help, asking without the
 * queries at fault can. Throttling, credentials, 5xx and timeouts are not
 * refusals.
 */
export function isRefusal(error: unknown): boolean {
  const e = (error ?? {}) as {
    name?: string;
    $metadata?: { httpStatusCode?: number };
  };
  const status = e.$metadata?.httpStatusCode;
  return (
    REFUSED.has(e.name ?? '') &&
    (status === undefined || (status >= 400 && status < 500))
  );
}

const UNREACHABLE_TEXT = new RegExp(`\\b(${[...UNREACHABLE].join('|')})\\b`);

/**
 * Turns an AWS SDK failure into an error whose message says what happened
 * and what to do, in words a portal user can act on: throttled (after the
 * SDK's retries), expired or refused credentials, timed out (after how
 * long), CloudWatch unreachable or failing; the SDK's error follows as the
 * cause (`; caused by ExpiredTokenException: ...`). A caller's own abort is
 * passed through unchanged.
 */
export function describeCloudWatchError(
  error: unknown,
  context: {
    operation: string;
    region: string;
    endpoint?: string;
    signal?: AbortSignal;
    /** The client's request timeout, for a timeout whose error does not say it. */
    timeoutMs?: number;
    /** The AWS service in messages. Default `CloudWatch` (e.g. `X-Ray`). */
    service?: string;
    /** The IAM action the credentials need. Default `cloudwatch:<operation>`. */
    permission?: string;
  },
): Error {
  if (context.signal?.aborted) return error as Error;
  const e = (error ?? {}) as {
    name?: string;
    code?: string;
    message?: string;
    $metadata?: { attempts?: number; httpStatusCode?: number };
  };
  const name = e.name ?? '';
  const code = e.code ?? '';
  const attempts = e.$metadata?.attempts;
  const tries = attempts && attempts > 1 ? ` after ${attempts} attempts` : '';
  const service = context.service ?? 'CloudWatch';
  const where = context.endpoint
    ? `${service} at ${context.endpoint}`
    : `${service} in ${context.region}`;
  let message: string;
  if (THROTTLING.has(name) || e.$metadata?.httpStatusCode === 429) {
    message = `${where} throttled ${context.operation}${tries}; the next refresh tries again`;
  } else if (EXPIRED.has(name)) {
    message = `The AWS credentials for ${where} have expired: renew them (aws config or the default credential chain)`;
  } else if (NO_CREDENTIALS.has(name)) {
    message = `No AWS credentials were found for ${where}: give the backend some (aws.accounts in app-config, or the AWS SDK's default chain: environment variables, a shared config profile, an instance or task role)`;
  } else if (DENIED.has(name)) {
    message = `${where} refused ${context.operation}: the credentials need ${
      context.permission ?? `cloudwatch:${context.operation}`
    }`;
  } else if (name === 'TimeoutError') {
    // The SDK names the limit it hit: `... within 5000 ms` (no connection),
    // `... the configured 10000 ms requestTimeout` (no answer).
    const text = e.message ?? '';
    const ms = Number(/(\d+) ?ms\b/.exec(text)?.[1] ?? context.timeoutMs);
    const after = Number.isFinite(ms)
      ? ` after ${Number((ms / 1000).toFixed(3))} s`
      : '';
    message = /connection/i.test(text)
      ? `${where} timed out${after} waiting for a connection for ${context.operation}${tries}`
      : `${where} timed out${after} without answering ${context.operation}${tries}`;
  } else if (
    UNREACHABLE.has(code) ||
    UNREACHABLE.has(name) ||
    // Errors from another realm (tests) reach us wrapped, code in the text.
    UNREACHABLE_TEXT.test(e.message ?? '')
  ) {
    message = `${where} could not be reached${tries}`;
  } else if ((e.$metadata?.httpStatusCode ?? 0) >= 500) {
    message = `${where} failed on ${context.operation}${tries}`;
  } else {
    message = `${where} rejected ${context.operation}`;
  }
  return new ServiceUnavailableError(message, error);
}
