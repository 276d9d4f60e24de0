import { LoggerService } from '@backstage/backend-plugin-api';
import { NotificationService } from '@backstage/plugin-notifications-node';
import { PostIncidentReview } from '@opsportal/plugin-ops-common';
import { ReviewReminder } from './ReviewsStore';

/** Where the portal shows a review: its incident's page or its change's. */
export function reviewLink(review: PostIncidentReview): string {
  return review.subject.kind === 'incident'
    ? `/incidents/${encodeURIComponent(review.subject.incidentId)}`
    : `/changes/${encodeURIComponent(review.subject.changeId)}`;
}

/**
 * Reminds a review's owner through Backstage notifications that the review
 * is due (the business day before) and that it became overdue. The
 * notifications backend is optional: without it nothing is sent.
 */
export class ReviewNotifier {
  constructor(
    private readonly options: {
      notifications: NotificationService;
      logger: LoggerService;
    },
  ) {}

  /** Sends a reminder; false when sending failed (tried again later). */
  async remind(
    review: PostIncidentReview,
    reminder: ReviewReminder,
  ): Promise<boolean> {
    if (!review.owner) return true;
    const about =
      review.subject.kind === 'incident'
        ? `incident ${review.subject.incidentId}${
            review.subject.severity ? ` (${review.subject.severity})` : ''
          }: ${review.subject.title}`
        : `emergency change ${review.subject.changeId}: ${review.subject.title}`;
    const openItems = review.actionItems.filter(i => i.status !== 'done');
    try {
      await this.options.notifications.send({
        recipients: { type: 'entity', entityRef: review.owner },
        payload: {
          title:
            reminder === 'due'
              ? `Post-incident review ${review.id} is due ${review.dueDate}`
              : `Post-incident review ${review.id} is overdue (due ${review.dueDate})`,
          description: `The review of ${about}. ${
            openItems.length
          } open action item${openItems.length === 1 ? '' : 's'}.`,
          link: reviewLink(review),
          severity: reminder === 'due' ? 'normal' : 'high',
          topic: 'post-incident-reviews',
          scope: `post-incident-review:${review.id}:${reminder}`,
        },
      });
      return true;
    } catch (error) {
      this.options.logger.warn(
        `Could not remind ${review.owner} of ${review.id} (${reminder}): ${error}`,
      );
      return false;
    }
  }
}
