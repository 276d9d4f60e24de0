import { LoggerService } from '@backstage/backend-plugin-api';
import {
  AuthenticationError,
  ConflictError,
  InputError,
  isError,
  NotAllowedError,
  NotFoundError,
  NotImplementedError,
  NotModifiedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { randomBytes } from 'node:crypto';

/** Seconds a client is asked to wait when the database is unavailable. */
const DATABASE_RETRY_AFTER_SECONDS = 5;

/**
 * Codes of errors that mean the database cannot be reached or is going away
 * (PostgreSQL SQLSTATE classes 08 and 57P, MySQL/MariaDB connection errors,
 * socket errors), as opposed to errors in a statement.
 */
const unavailableCodes = new Set([
  'ECONNREFUSED',
  'ECONNRESET',
  'ETIMEDOUT',
  'EPIPE',
  'ENOTFOUND',
  'EHOSTUNREACH',
  'ENETUNREACH',
  'EAI_AGAIN',
  '57P01', // admin_shutdown
  '57P02', // crash_shutdown
  '57P03', // cannot_connect_now (starting up)
  '08000',
  '08001',
  '08003',
  '08004',
  '08006',
  'PROTOCOL_CONNECTION_LOST',
  'PROTOCOL_SEQUENCE_TIMEOUT',
  'ER_SERVER_SHUTDOWN',
  'ER_CON_COUNT_ERROR',
  'ER_SERVER_GONE_ERROR',
  'CR_SERVER_GONE_ERROR',
  'CR_SERVER_LOST',
]);

const unavailableMessages = [
  /Connection terminated/i,
  /Client has encountered a connection error/i,
  /Timeout acquiring a connection/i,
  /connection is in closed state/i,
  /Can't add new command when connection is in closed state/i,
  /the database system is (starting up|shutting down)/i,
  /terminating connection due to administrator command/i,
];

/** Whether an error means the database is unavailable (not a bad statement). */
export function isDatabaseUnavailable(error: unknown): boolean {
  for (let e: any = error, depth = 0; e && depth < 4; e = e.cause, depth++) {
    if (e.name === 'KnexTimeoutError') return true;
    if (typeof e.code === 'string' && unavailableCodes.has(e.code)) {
      return true;
    }
    if (
      typeof e.message === 'string' &&
      unavailableMessages.some(re => re.test(e.message))
    ) {
      return true;
    }
  }
  return false;
}

/** Errors this plugin throws on purpose, whose messages are for the client. */
const clientErrors = [
  InputError,
  AuthenticationError,
  NotAllowedError,
  NotFoundError,
  ConflictError,
  NotModifiedError,
  NotImplementedError,
  ServiceUnavailableError,
];

/**
 * Turns any error a route throws into what the client may see: our own
 * client errors keep their message (without a cause); an unavailable
 * database becomes 503 with `Retry-After`; anything else, including the
 * errors of the catalog or another plugin called on the user's behalf, is
 * logged with an id and answered without its internal routes, bodies or
 * stack. The backend's error middleware renders the result.
 */
export function toClientError(
  error: unknown,
  logger: LoggerService,
  setHeader: (name: string, value: string) => void,
): Error {
  const Known = clientErrors.find(
    type => isError(error) && error.name === type.name,
  );
  if (Known && !(error as { response?: unknown }).response) {
    const plain = new Known((error as Error).message);
    delete plain.stack;
    return plain;
  }
  // Errors of the request itself from Express's body parser (malformed
  // JSON, too large, bad charset): http-errors marks them safe to expose.
  // Express's own 400 for a path it cannot decode (`%E0%A4%A`) is a
  // URIError with a status and no `expose`.
  const http = error as { expose?: unknown; status?: unknown };
  if (
    isError(error) &&
    (http.expose === true || error.name === 'URIError') &&
    typeof http.status === 'number' &&
    http.status >= 400 &&
    http.status < 500
  ) {
    const plain =
      http.status === 400
        ? new InputError(`Invalid request body: ${error.message}`)
        : Object.assign(new Error(error.message), {
            name: error.name,
            statusCode: http.status,
          });
    delete plain.stack;
    return plain;
  }
  const logId = randomBytes(8).toString('hex');
  if (isDatabaseUnavailable(error)) {
    logger.warn(`The ops database is unavailable (logId=${logId})`, {
      logId,
      error: String((error as Error)?.message ?? error),
    });
    setHeader('Retry-After', String(DATABASE_RETRY_AFTER_SECONDS));
    const unavailable = new ServiceUnavailableError(
      `The ops database is not available at the moment: try again in a few seconds (logId=${logId})`,
    );
    delete unavailable.stack;
    return unavailable;
  }
  const upstream =
    isError(error) &&
    (error.name === 'ResponseError' ||
      error.name === 'FetchError' ||
      (error.name === 'TypeError' && /fetch failed/.test(error.message)));
  logger.error(
    `Filtered an internal error from the response (logId=${logId})`,
    {
      logId,
      error: isError(error) ? error.stack ?? error.message : String(error),
    },
  );
  const answer = upstream
    ? new ServiceUnavailableError(
        `A Backstage service the ops plugin depends on did not answer as expected: try again later (logId=${logId})`,
      )
    : new Error(`An internal error occurred (logId=${logId})`);
  delete answer.stack;
  return answer;
}
