import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import {
  ChangeRequest,
  ChangeRequestSummary,
  changeLabels,
} from '@opsportal/plugin-ops-common';

/** What happened to a change request that someone should hear about. */
export type ChangeEvent =
  | { kind: 'submitted'; conflicts: ChangeRequestSummary[] }
  | { kind: 'approval-recorded'; approvals: number; required: number }
  | { kind: 'approved' }
  | { kind: 'rejected'; comment?: string }
  | { kind: 'emergency-started'; conflicts: ChangeRequestSummary[] }
  | { kind: 'reviewed'; comment?: string };

/**
 * Sends Backstage notifications about change requests: approvers hear about
 * submissions and emergency changes, requesters about decisions. A failed
 * notification is logged and never fails the change itself (the
 * notifications backend may not be installed).
 */
export class ChangeNotifier {
  constructor(
    private readonly options: {
      notifications?: NotificationService;
      approverGroups: string[];
      logger: LoggerService;
    },
  ) {}

  async notify(change: ChangeRequest, event: ChangeEvent): Promise<void> {
    const { notifications, logger } = this.options;
    if (!notifications) return;
    const message = this.compose(change, event);
    if (message.to.length === 0) return;
    try {
      await notifications.send({
        recipients: {
          type: 'entity',
          entityRef: message.to,
          excludeEntityRef: message.exclude,
        },
        payload: {
          title: message.title,
          description: message.description,
          link: `/changes/${change.id}`,
          severity: message.severity,
          topic: 'change-requests',
          // One scope per version of the change (each transition is a new
          // version): every event is its own notification. With one scope
          // per change, Slack's notifications module would edit its earlier
          // direct message (chat.update) instead of sending a new one, which
          // pings nobody and which Slack refuses for a message sent to a user
          // ID (docs/slack.md).
          scope: `change-request:${change.id}:v${change.version}`,
        },
      });
    } catch (error) {
      logger.warn(
        `Could not send the notification about ${change.id} (${
          event.kind
        }) to ${message.to.join(', ')}: ${error}`,
      );
    }
  }

  private compose(
    change: ChangeRequest,
    event: ChangeEvent,
  ): {
    to: string[];
    exclude?: string[];
    title: string;
    description: string;
    severity: 'low' | 'normal' | 'high' | 'critical';
  } {
    const what = `${change.title} (${changeLabels.category[
      change.category
    ].toLocaleLowerCase('en-US')} change, ${
      change.risk
    } risk, ${change.entityRefs.join(', ')})`;
    const overlap = (conflicts: ChangeRequestSummary[]) =>
      conflicts.length === 0
        ? ''
        : ` Overlaps on the same entities with ${conflicts
            .map(c => c.id)
            .join(', ')}.`;
    switch (event.kind) {
      case 'submitted':
        return {
          to: this.options.approverGroups,
          exclude: [change.requester],
          title: `${change.id} awaits approval`,
          description: `${what}, planned ${change.plannedStart} to ${
            change.plannedEnd
          }, filed by ${change.requester}.${overlap(event.conflicts)}`,
          severity: event.conflicts.length > 0 ? 'high' : 'normal',
        };
      case 'approval-recorded':
        return {
          to: [change.requester],
          title: `${change.id} has ${event.approvals} of ${event.required} approvals`,
          description: what,
          severity: 'low',
        };
      case 'approved':
        return {
          to: [change.requester],
          title: `${change.id} was approved`,
          description: `${what} may go ahead as planned.`,
          severity: 'normal',
        };
      case 'rejected':
        return {
          to: [change.requester],
          title: `${change.id} was rejected`,
          description: `${what}: ${event.comment ?? 'no reason given'}`,
          severity: 'normal',
        };
      case 'emergency-started':
        return {
          to: this.options.approverGroups,
          exclude: [change.requester],
          title: `Emergency change ${change.id} started`,
          description: `${what}, started by ${
            change.requester
          }. It needs a post-implementation review.${overlap(event.conflicts)}`,
          severity: 'high',
        };
      case 'reviewed':
      default:
        return {
          to: [change.requester],
          title: `Post-implementation review of ${change.id} completed`,
          description: `${what}: ${
            (event as { comment?: string }).comment ?? ''
          }`,
          severity: 'low',
        };
    }
  }
}
