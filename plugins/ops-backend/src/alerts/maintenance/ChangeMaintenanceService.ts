import { AuthService, LoggerService } from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ChangeAction,
  ChangeMaintenanceWindow,
  ChangeRequest,
  MaintenancePeriod,
  MaintenanceWindowRule,
  maintenanceWindowsBetween,
  pagerDutyIdsOf,
} from '@opsportal/plugin-ops-common';
import { MaintenanceWindowProvider } from '@opsportal/plugin-ops-node';
import { CallContext, ChangeRequestService } from '../../changes';
import { Clock, systemClock } from '../../lib/clock';
import { message } from '../../oncall/pagerDutyEntities';
import { ChangeMaintenanceConfig } from './config';
import {
  ChangeMaintenanceStore,
  StoredChangeMaintenance,
} from './ChangeMaintenanceStore';

/**
 * How long a `pending` row's owner may be silent before the reconciliation
 * takes the creation over (the owner crashed or hung between the insert and
 * its answer from PagerDuty).
 */
const PENDING_LEASE_MS = 10 * 60_000;

/** Longest description sent to PagerDuty. */
const MAX_DESCRIPTION = 1000;

/** What the service reads of change management. */
export type ChangeSource = Pick<
  ChangeRequestService,
  'onTransition' | 'loadForPermissions' | 'policy' | 'get'
>;

/** What one reconciliation run did. */
export interface ReconcileResult {
  created: number;
  ended: number;
  failed: number;
}

/**
 * PagerDuty maintenance windows for change requests (docs/alerts.md): a
 * change started inside the policy's maintenance window gets a window on
 * the PagerDuty services of its entities, from the start until its planned
 * end (at least `minimumMinutes`), ended when the implementation ends. One
 * row per change (`ChangeMaintenanceStore`) makes the creation happen once
 * across replicas and restarts; the reconciliation retries what failed and
 * ends what a crash left open. Nothing here ever fails a change transition.
 */
export class ChangeMaintenanceService {
  private readonly clock: Clock;

  constructor(
    private readonly options: {
      store: ChangeMaintenanceStore;
      /** The paging tool's windows; without one nothing is created. */
      provider?: MaintenanceWindowProvider;
      changes: ChangeSource;
      catalog: CatalogService;
      auth: AuthService;
      config: ChangeMaintenanceConfig;
      logger: LoggerService;
      clock?: Clock;
    },
  ) {
    this.clock = options.clock ?? systemClock;
  }

  /** Whether windows are written at all: a provider and a `From` address. */
  get active(): boolean {
    return Boolean(this.options.provider && this.options.config.fromEmail);
  }

  /**
   * A `ChangeRequestService.onTransition` listener: opens the window on a
   * start, ends it when the change leaves `in-progress`. Never throws.
   */
  readonly onTransition = async (
    change: ChangeRequest,
    action: ChangeAction,
  ): Promise<void> => {
    if (!this.active) return;
    try {
      if (action === 'start' && change.status === 'in-progress') {
        await this.opened(change);
      } else if (change.status !== 'in-progress') {
        await this.finished(change);
      }
    } catch (error) {
      this.options.logger.warn(
        `PagerDuty maintenance window of ${change.id} (${action}): ${message(
          error,
        )}`,
      );
    }
  };

  /** The window of a change, if the portal opened (or tried to open) one. */
  async getForChange(
    changeRequestId: string,
  ): Promise<ChangeMaintenanceWindow | undefined> {
    const stored = await this.options.store.get(changeRequestId);
    return stored ? publicView(stored) : undefined;
  }

  /**
   * The window of a change as the change page asks for it: only for callers
   * who may read the change (the changes feature decides, and answers 404
   * for an unknown change).
   */
  async listForChange(
    changeRequestId: string,
    ctx: CallContext,
  ): Promise<{ items: ChangeMaintenanceWindow[] }> {
    const { change } = await this.options.changes.get(changeRequestId, ctx);
    const window = await this.getForChange(change.id);
    return { items: window ? [window] : [] };
  }

  /**
   * Maintenance windows the portal opened that overlap [since, until): the
   * alerts feature marks alarms and incidents inside them.
   */
  async listPeriods(since: Date, until: Date): Promise<MaintenancePeriod[]> {
    if (!(until.getTime() > since.getTime())) return [];
    return this.options.store.listPeriods(since, until);
  }

  /**
   * The scheduled task: retries creations that failed (or whose owner went
   * silent) for changes still in progress, and ends the windows (and drops
   * the attempts) of changes no longer in progress.
   */
  async reconcile(): Promise<ReconcileResult> {
    const result: ReconcileResult = { created: 0, ended: 0, failed: 0 };
    if (!this.active) return result;
    const rows = await this.options.store.listByStatus([
      'pending',
      'failed',
      'open',
    ]);
    for (const row of rows) {
      try {
        const outcome = await this.reconcileOne(row);
        if (outcome) result[outcome] += 1;
      } catch (error) {
        result.failed += 1;
        this.options.logger.warn(
          `Reconciling the PagerDuty maintenance window of ${
            row.changeRequestId
          }: ${message(error)}`,
        );
      }
    }
    return result;
  }

  private async reconcileOne(
    row: StoredChangeMaintenance,
  ): Promise<keyof ReconcileResult | undefined> {
    const [change] = await this.options.changes.loadForPermissions([
      row.changeRequestId,
    ]);
    const now = this.clock.now();
    if (!change || change.status !== 'in-progress') {
      if (row.status === 'open') {
        return (await this.end(row)) ? 'ended' : 'failed';
      }
      if (row.status === 'failed' || isStale(row, now)) {
        await this.options.store.markEnded({
          changeRequestId: row.changeRequestId,
          from: [row.status],
          end: now,
          now,
        });
      }
      return undefined;
    }
    if (row.status === 'open') return undefined;
    if (!this.options.config.enabled) return undefined;
    if (row.attempts >= this.options.config.maxAttempts) return undefined;
    if (row.status === 'pending' && !isStale(row, now)) return undefined;
    const { start, end } = this.period(change, now);
    const claimed = await this.options.store.claimRetry({
      changeRequestId: row.changeRequestId,
      attempts: row.attempts,
      staleBefore: new Date(now.getTime() - PENDING_LEASE_MS),
      serviceIds: row.serviceIds,
      start,
      end,
      now,
    });
    if (!claimed) return undefined;
    const created = await this.create(change, {
      serviceIds: row.serviceIds,
      attempts: row.attempts + 1,
      start,
      end,
    });
    return created ? 'created' : 'failed';
  }

  /** A start: claims the change's row and creates its window. */
  private async opened(change: ChangeRequest): Promise<void> {
    if (!this.options.config.enabled) return;
    const now = this.clock.now();
    const startedAt = change.startedAt ? new Date(change.startedAt) : now;
    if (!this.startedInWindow(change, startedAt)) return;
    const serviceIds = await this.serviceIdsOf(change.entityRefs);
    if (serviceIds.length === 0) {
      this.options.logger.info(
        `${change.id} started in its maintenance window, but none of its entities names a PagerDuty service: no maintenance window`,
      );
      return;
    }
    const { start, end } = this.period(change, now);
    const claimed = await this.options.store.claim({
      changeRequestId: change.id,
      serviceIds,
      start,
      end,
      now,
    });
    // Another replica, or an earlier attempt, owns this change's window.
    if (!claimed) return;
    await this.create(change, { serviceIds, attempts: 1, start, end });
  }

  /** Whether the start counts as one in the change's maintenance window (`startedIn`). */
  private startedInWindow(change: ChangeRequest, startedAt: Date): boolean {
    if (this.options.config.startedIn === 'planned-window') {
      const plannedEnd = validDate(change.plannedEnd);
      return !!plannedEnd && startedAt < plannedEnd;
    }
    const rule = this.options.changes.policy().maintenanceWindow;
    return insideWindow(rule, startedAt);
  }

  /** The implementation is over (or the change never started): end the window. */
  private async finished(change: ChangeRequest): Promise<void> {
    const row = await this.options.store.get(change.id);
    if (!row || row.status === 'ended') return;
    const now = this.clock.now();
    if (row.status === 'open') {
      await this.end(row);
      return;
    }
    // No window yet: a creation under way finds the row ended and removes
    // the window it made; a failed one is not retried.
    await this.options.store.markEnded({
      changeRequestId: change.id,
      from: ['pending', 'failed'],
      end: now,
      now,
    });
  }

  /**
   * One creation attempt whose row this caller holds at `attempts`. True
   * when the window was created and recorded.
   */
  private async create(
    change: ChangeRequest,
    attempt: { serviceIds: string[]; attempts: number; start: Date; end: Date },
  ): Promise<boolean> {
    const { provider, config, store, logger } = this.options;
    let windowId: string;
    let htmlUrl: string | undefined;
    // The period as PagerDuty keeps it (it may move a start just past to its now).
    let { start, end } = attempt;
    try {
      const window = await provider!.createMaintenanceWindow({
        serviceIds: attempt.serviceIds,
        start: attempt.start,
        end: attempt.end,
        description: this.describe(change),
        fromEmail: config.fromEmail!,
      });
      windowId = window.id;
      htmlUrl = window.htmlUrl;
      start = validDate(window.start) ?? start;
      end = validDate(window.end) ?? end;
    } catch (error) {
      const text = message(error);
      await store.markFailed({
        changeRequestId: change.id,
        attempts: attempt.attempts,
        error: text,
        now: this.clock.now(),
      });
      logger.warn(
        `No PagerDuty maintenance window for ${change.id} (attempt ${attempt.attempts}): ${text}`,
      );
      return false;
    }
    const recorded = await store.markOpen({
      changeRequestId: change.id,
      attempts: attempt.attempts,
      windowId,
      htmlUrl,
      start,
      end,
      now: this.clock.now(),
    });
    if (!recorded) {
      // The change ended, or another replica took the creation over, while
      // PagerDuty answered: this window is nobody's, so it goes.
      await provider!.endMaintenanceWindow(windowId, {
        fromEmail: config.fromEmail!,
      });
      logger.info(
        `Removed PagerDuty maintenance window ${windowId} of ${change.id}: the change's window had moved on while it was created`,
      );
      return false;
    }
    logger.info(
      `Opened PagerDuty maintenance window ${windowId} for ${
        change.id
      } on ${attempt.serviceIds.join(', ')} until ${end.toISOString()}`,
    );
    return true;
  }

  /** Ends an open window in PagerDuty and marks it ended; on failure keeps it open with the error. */
  private async end(row: StoredChangeMaintenance): Promise<boolean> {
    const { provider, config, store, logger } = this.options;
    try {
      await provider!.endMaintenanceWindow(row.windowId!, {
        fromEmail: config.fromEmail!,
      });
    } catch (error) {
      const text = message(error);
      await store.noteError({
        changeRequestId: row.changeRequestId,
        status: 'open',
        error: `Ending the window failed: ${text}`,
        now: this.clock.now(),
      });
      logger.warn(
        `PagerDuty maintenance window ${row.windowId} of ${row.changeRequestId} was not ended (retried later): ${text}`,
      );
      return false;
    }
    const now = this.clock.now();
    await store.markEnded({
      changeRequestId: row.changeRequestId,
      from: ['open'],
      windowId: row.windowId,
      end: now,
      now,
    });
    logger.info(
      `Ended PagerDuty maintenance window ${row.windowId} of ${row.changeRequestId}`,
    );
    return true;
  }

  /** From now to the planned end, but at least the configured minimum. */
  private period(change: ChangeRequest, now: Date): { start: Date; end: Date } {
    const minimumEnd =
      now.getTime() + this.options.config.minimumMinutes * 60_000;
    const plannedEnd = Date.parse(change.plannedEnd);
    return {
      start: now,
      end: new Date(
        Number.isFinite(plannedEnd) && plannedEnd > minimumEnd
          ? plannedEnd
          : minimumEnd,
      ),
    };
  }

  private describe(change: ChangeRequest): string {
    const base = this.options.config.portalBaseUrl;
    const link = base
      ? ` (${base}/changes/${encodeURIComponent(change.id)})`
      : '';
    const text = `Change ${change.id}: ${change.title}${link}. Opened by the ops portal when the change started in its maintenance window; ended when the change is implemented.`;
    return text.length > MAX_DESCRIPTION
      ? `${text.slice(0, MAX_DESCRIPTION - 1)}…`
      : text;
  }

  /** The PagerDuty service ids of the entities, in order, once each. */
  private async serviceIdsOf(entityRefs: string[]): Promise<string[]> {
    if (entityRefs.length === 0) return [];
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
    const ids = new Set<string>();
    for (const entity of items) {
      if (!entity) continue;
      for (const id of pagerDutyIdsOf(entity).serviceIds) ids.add(id);
    }
    return [...ids];
  }
}

/** Whether `at` lies inside an occurrence of the policy's maintenance window. */
export function insideWindow(rule: MaintenanceWindowRule, at: Date): boolean {
  const t = at.getTime();
  return maintenanceWindowsBetween(rule, at, new Date(t + 1)).some(
    w => Date.parse(w.start) <= t && t < Date.parse(w.end),
  );
}

function validDate(iso: string | undefined): Date | undefined {
  const t = iso ? Date.parse(iso) : NaN;
  return Number.isFinite(t) ? new Date(t) : undefined;
}

function isStale(row: StoredChangeMaintenance, now: Date): boolean {
  return (
    row.status === 'pending' &&
    Date.parse(row.updatedAt) < now.getTime() - PENDING_LEASE_MS
  );
}

function publicView(row: StoredChangeMaintenance): ChangeMaintenanceWindow {
  const { attempts: _attempts, updatedAt: _updatedAt, ...rest } = row;
  return rest;
}
