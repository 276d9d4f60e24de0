import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PAGERDUTY_INTEGRATION_KEY,
  ChangeAction,
  ChangeRequest,
} from '@opsportal/plugin-ops-common';
import { IncidentResponseProvider } from '@opsportal/plugin-ops-node';
import { message } from '../../oncall/pagerDutyEntities';
import { IncidentResponseConfig } from './config';

/**
 * Actions that start or finish a change's implementation, with the words of
 * the event. `complete`, `fail` and `roll-back` are the three ways an
 * implementation ends in every category's workflow (ops-common
 * changes/workflow.ts); `complete-review` (emergency) is not a change to
 * the service and sends nothing.
 */
const EVENT_ACTIONS: Partial<Record<ChangeAction, string>> = {
  start: 'started',
  complete: 'completed',
  fail: 'failed',
  'roll-back': 'rolled back',
};

/**
 * Tells PagerDuty when a change request starts and when it finishes, as a
 * change event (Events API v2) on the service of each affected entity that
 * has a routing key: the entity's `pagerduty.com/integration-key`
 * annotation, else `ops.incidents.response.changeEvents.routingKeys`.
 * Responders then see the change beside the incident in PagerDuty. A failed
 * send is logged; the change request is never held up by it.
 */
export class ChangeEventSender {
  constructor(
    private readonly options: {
      provider: IncidentResponseProvider;
      catalog: CatalogService;
      auth: AuthService;
      config: IncidentResponseConfig;
      logger: LoggerService;
    },
  ) {}

  /** A `ChangeRequestService.onTransition` listener. */
  readonly onTransition = async (
    change: ChangeRequest,
    action: ChangeAction,
  ): Promise<void> => {
    const verb = EVENT_ACTIONS[action];
    if (!verb) return;
    try {
      await this.send(change, action, verb);
    } catch (error) {
      this.options.logger.warn(
        `No PagerDuty change event for ${change.id} ${verb}: ${message(error)}`,
      );
    }
  };

  private async send(
    change: ChangeRequest,
    action: ChangeAction,
    verb: string,
  ) {
    const keys = await this.routingKeys(change.entityRefs);
    if (keys.size === 0) return;
    const at =
      (action === 'start' ? change.startedAt : change.finishedAt) ??
      change.updatedAt;
    const base = this.options.config.portalBaseUrl;
    for (const [routingKey, entityRef] of keys) {
      try {
        await this.options.provider.sendChangeEvent({
          routingKey,
          summary: `${change.id} ${verb}: ${change.title}`,
          source: entityRef,
          timestamp: new Date(at),
          customDetails: {
            changeRequest: change.id,
            category: change.category,
            risk: change.risk,
            status: change.status,
            ...(change.outcome ? { outcome: change.outcome } : {}),
            requester: change.requester,
            entities: change.entityRefs.join(', '),
          },
          links: base
            ? [
                {
                  href: `${base}/changes/${encodeURIComponent(change.id)}`,
                  text: `${change.id} in the ops portal`,
                },
              ]
            : undefined,
        });
      } catch (error) {
        this.options.logger.warn(
          `PagerDuty change event for ${
            change.id
          } ${verb} on ${entityRef} failed: ${message(error)}`,
        );
      }
    }
  }

  /** Routing key → the first affected entity that names it. */
  private async routingKeys(
    entityRefs: string[],
  ): Promise<Map<string, string>> {
    const result = new Map<string, string>();
    if (entityRefs.length === 0) return result;
    const { items } = await this.options.catalog.getEntitiesByRefs(
      {
        entityRefs,
        fields: [
          'kind',
          'metadata.name',
          'metadata.namespace',
          'metadata.annotations',
        ],
      },
      { credentials: await this.options.auth.getOwnServiceCredentials() },
    );
    entityRefs.forEach((ref, index) => {
      const annotated =
        items[index]?.metadata.annotations?.[
          ANNOTATION_PAGERDUTY_INTEGRATION_KEY
        ]?.trim();
      const key =
        annotated ||
        this.options.config.changeEvents.routingKeys.get(
          ref.toLocaleLowerCase('en-US'),
        );
      if (key && !result.has(key)) result.set(key, ref);
    });
    return result;
  }
}
