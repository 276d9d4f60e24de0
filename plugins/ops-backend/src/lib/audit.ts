import { AuditorService } from '@backstage/backend-plugin-api';
import { JsonObject } from '@backstage/types';
import { Request } from 'express';

/**
 * Runs a write as an audit event (severity medium): the event is opened
 * before the write, marked a success with `successMeta` of the result, or a
 * failure with the error, which is thrown on.
 */
export async function auditedWrite<T>(
  auditor: AuditorService,
  event: { eventId: string; request?: Request; meta: JsonObject },
  fn: () => Promise<T>,
  successMeta?: (result: T) => JsonObject,
): Promise<T> {
  const audit = await auditor.createEvent({
    eventId: event.eventId,
    severityLevel: 'medium',
    request: event.request,
    meta: event.meta,
  });
  try {
    const result = await fn();
    await audit.success(
      successMeta ? { meta: successMeta(result) } : undefined,
    );
    return result;
  } catch (error) {
    await audit.fail({ error: error as Error });
    throw error;
  }
}
