/**
 * A failed PagerDuty request, in words a user can act on. `status` is the
 * HTTP status (0 when PagerDuty could not be reached or did not answer in time).
 * @public
 */
export class PagerDutyError extends Error {
  readonly name = 'PagerDutyError';
  constructor(
    message: string,
    readonly status: number,
    readonly path: string,
    readonly code?: number,
  ) {
    super(message);
  }
}
