import { InputError } from '@backstage/errors';
import { createTemplateAction } from '@backstage/plugin-scaffolder-node';
import {
  ChangeRequest,
  ChangeRequestDetail,
  ChangeStatus,
} from '@opsportal/plugin-ops-common';
import { setTimeout as sleep } from 'node:timers/promises';
import { OpsApiError, OpsChangeRequestClient } from '../OpsChangeRequestClient';
import { linksOf } from './links';

/** Id of the action that waits for a change request. @public */
export const WAIT_FOR_CHANGE_REQUEST_ACTION_ID = 'ops:change-request:wait';

/** What the wait can wait for, in the order a change passes them. */
const milestones = ['approved', 'in-progress', 'completed'] as const;
type Milestone = (typeof milestones)[number];

/** Statuses at which a milestone has been reached (or passed). */
const reachedAt: Record<Milestone, ChangeStatus[]> = {
  approved: [
    'approved',
    'in-progress',
    'completed',
    'review-pending',
    'reviewed',
  ],
  'in-progress': ['in-progress', 'completed', 'review-pending', 'reviewed'],
  completed: ['completed', 'review-pending', 'reviewed'],
};

/** Statuses from which no milestone can be reached any more. */
const deadEnds: ChangeStatus[] = [
  'rejected',
  'cancelled',
  'failed',
  'rolled-back',
];

/** Whether the change got there, cannot any more, or may still. */
function verdict(
  change: Pick<ChangeRequest, 'status' | 'outcome'>,
  until: Milestone,
): 'reached' | 'failed' | 'waiting' {
  if (deadEnds.includes(change.status)) return 'failed';
  // An emergency change that failed or was rolled back is in review, not done.
  if (
    until === 'completed' &&
    change.outcome !== undefined &&
    change.outcome !== 'successful'
  ) {
    return 'failed';
  }
  return reachedAt[until].includes(change.status) ? 'reached' : 'waiting';
}

const DEFAULT_TIMEOUT_SECONDS = 3600;
const DEFAULT_POLL_SECONDS = 15;
const MAX_TIMEOUT_SECONDS = 7 * 24 * 3600;

/**
 * `ops:change-request:wait`: polls a change request until it is approved
 * (or in progress, or completed) and fails when it is rejected, cancelled,
 * failed or rolled back, or when the timeout passes. Reads as the user who
 * ran the template; stops at once when the task is cancelled.
 * @public
 */
export function waitForChangeRequestAction(options: {
  client: OpsChangeRequestClient;
  appBaseUrl?: string;
}) {
  const { client, appBaseUrl } = options;
  return createTemplateAction({
    id: WAIT_FOR_CHANGE_REQUEST_ACTION_ID,
    description:
      'Waits until a change request in the ops portal is approved (or in progress, or completed); fails when it is rejected, cancelled, failed or rolled back, or on timeout.',
    examples: [
      {
        description: 'Wait up to a day for the approval of a normal change',
        example: [
          'steps:',
          '  - id: approval',
          '    name: Wait for the approval',
          `    action: ${WAIT_FOR_CHANGE_REQUEST_ACTION_ID}`,
          '    input:',
          '      id: ${{ steps.change.output.id }}',
          '      timeout: 86400',
          '      pollInterval: 60',
        ].join('\n'),
      },
    ],
    schema: {
      input: z =>
        z.object({
          id: z.string().describe('Id of the change request, e.g. CHG-1042'),
          until: z
            .enum(milestones)
            .optional()
            .describe(
              'approved (default; also passed when it is already in progress or done), in-progress or completed',
            ),
          timeout: z
            .number()
            .optional()
            .describe(
              `Seconds to wait at most (default ${DEFAULT_TIMEOUT_SECONDS}, at most 7 days)`,
            ),
          pollInterval: z
            .number()
            .optional()
            .describe(
              `Seconds between two reads of the change (default ${DEFAULT_POLL_SECONDS}, at least 1)`,
            ),
        }),
      output: z =>
        z.object({
          id: z.string(),
          status: z.string().describe('The status the change was found in'),
          approvedBy: z
            .array(z.string())
            .describe('User entity refs of the approvals of a normal change'),
          link: z.string(),
          url: z.string().optional(),
        }),
    },
    async handler(ctx) {
      const { id } = ctx.input;
      const until: Milestone = ctx.input.until ?? 'approved';
      const timeout = ctx.input.timeout ?? DEFAULT_TIMEOUT_SECONDS;
      const pollInterval = ctx.input.pollInterval ?? DEFAULT_POLL_SECONDS;
      if (!(timeout > 0 && timeout <= MAX_TIMEOUT_SECONDS)) {
        throw new InputError(
          `timeout: must be between 1 and ${MAX_TIMEOUT_SECONDS} seconds`,
        );
      }
      if (!(pollInterval >= 1 && pollInterval <= timeout)) {
        throw new InputError(
          'pollInterval: must be at least 1 second and at most the timeout',
        );
      }
      const credentials = await ctx.getInitiatorCredentials();
      const links = linksOf(appBaseUrl, id);
      const deadline = Date.now() + timeout * 1000;
      const signal = ctx.signal;
      let lastStatus: ChangeStatus | undefined;

      ctx.logger.info(
        `Waiting up to ${timeout} s for ${id} to be ${until}: ${
          links.url ?? links.link
        }`,
      );
      for (;;) {
        if (signal?.aborted) {
          throw new Error(`Cancelled while waiting for ${id} to be ${until}`);
        }
        let detail: ChangeRequestDetail | undefined;
        try {
          detail = await client.get(id, credentials, signal);
        } catch (error) {
          if (signal?.aborted) {
            throw new Error(`Cancelled while waiting for ${id} to be ${until}`);
          }
          // A refusal or an unknown id does not get better by waiting; an
          // unreachable or failing ops backend may.
          if (error instanceof OpsApiError && error.status < 500) throw error;
          ctx.logger.warn(
            `Could not read ${id}, trying again: ${(error as Error).message}`,
          );
        }
        if (detail) {
          const { change } = detail;
          if (change.status !== lastStatus) {
            ctx.logger.info(`${id} is ${change.status}`);
            lastStatus = change.status;
          }
          const state = verdict(change, until);
          if (state === 'reached') {
            ctx.output('id', change.id);
            ctx.output('status', change.status);
            ctx.output(
              'approvedBy',
              detail.approvals.map(a => a.by),
            );
            ctx.output('link', links.link);
            if (links.url) ctx.output('url', links.url);
            return;
          }
          if (state === 'failed') {
            const last = detail.history[detail.history.length - 1];
            const why = last?.comment ? `: "${last.comment}"` : '';
            throw new Error(
              `${id} was ${change.outcome ?? change.status}${
                last ? ` by ${last.actor}` : ''
              }${why}; it will not be ${until}`,
            );
          }
        }
        const left = deadline - Date.now();
        if (left <= 0) {
          throw new Error(
            `Timed out after ${timeout} s waiting for ${id} to be ${until}; it is ${
              lastStatus ?? 'unknown (never read)'
            }: ${links.url ?? links.link}`,
          );
        }
        try {
          await sleep(Math.min(pollInterval * 1000, left), undefined, {
            signal,
          });
        } catch {
          throw new Error(`Cancelled while waiting for ${id} to be ${until}`);
        }
      }
    },
  });
}
