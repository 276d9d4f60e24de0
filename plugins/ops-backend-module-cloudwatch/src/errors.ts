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
  'CredentialsProviderError',
]);
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

const UNREACHABLE_TEXT = new RegExp(`\\b(${[...UNREACHABLE].join('|')})\\b`);

/**
 * Turns an AWS SDK failure into an error whose message says what happened
 * and what to do, in words a portal user can act on: throttled (after the
 * SDK's retries), expired or refused credentials, CloudWatch unreachable
 * or failing; the SDK's error follows as the cause (`; caused by
 * ExpiredTokenException: ...`). A caller's own abort is
 * passed through unchanged.
 */
export function describeCloudWatchError(
  error: unknown,
  context: {
    operation: string;
    region: string;
    endpoint?: string;
    signal?: AbortSignal;
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
  const where = context.endpoint
    ? `CloudWatch at ${context.endpoint}`
    : `CloudWatch in ${context.region}`;
  let message: string;
  if (THROTTLING.has(name) || e.$metadata?.httpStatusCode === 429) {
    message = `${where} throttled ${context.operation}${tries}: the last good data stays and the next refresh tries again`;
  } else if (EXPIRED.has(name)) {
    message = `The AWS credentials for ${where} have expired: renew them (aws config or the default credential chain)`;
  } else if (DENIED.has(name)) {
    message = `${where} refused ${context.operation}: the credentials need cloudwatch:${context.operation}`;
  } else if (
    name === 'TimeoutError' ||
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
