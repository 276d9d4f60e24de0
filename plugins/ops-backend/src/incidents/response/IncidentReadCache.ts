import { NotFoundError, ServiceUnavailableError } from '@backstage/errors';
import { Freshness } from '@opsportal/plugin-ops-common';
import {
  IncidentResponseProvider,
  UpstreamChangeEvent,
  UpstreamIncident,
  UpstreamIncidentNote,
  UpstreamLogEntry,
} from '@opsportal/plugin-ops-node';
import { Clock } from '../../lib/clock';
import { SingleFlight } from '../../lib/singleFlight';
import { message } from '../../oncall/pagerDutyEntities';

/** Everything the incident page reads of PagerDuty for one incident. */
export interface UpstreamIncidentView {
  incident: UpstreamIncident;
  /** Oldest first. */
  logEntries: UpstreamLogEntry[];
  /** Oldest first. */
  notes: UpstreamIncidentNote[];
  /** Newest first. */
  changeEvents: UpstreamChangeEvent[];
  fetchedAt: string;
}

type Kept = { view: UpstreamIncidentView; freshUntil: number };

/**
 * The PagerDuty reads of incident pages, per incident: reused for
 * `cacheSeconds` (people keep an incident page open and several look at
 * the same incident), fetched once for concurrent viewers, and marked old
 * after a write so that the next view shows it. When PagerDuty fails, the
 * last good answer is served with its age and the error; only an incident
 * never read fails the view.
 */
export class IncidentReadCache {
  private readonly kept = new Map<string, Kept>();
  /** Grows with every write to an incident: reads begun before it are not kept as fresh. */
  private readonly generations = new Map<string, number>();
  private readonly flights = new SingleFlight<
    UpstreamIncidentView | undefined
  >();

  constructor(
    private readonly provider: IncidentResponseProvider,
    private readonly options: {
      clock: Clock;
      cacheSeconds: number;
      maxEntries: number;
    },
  ) {}

  async read(
    incidentId: string,
  ): Promise<{ view: UpstreamIncidentView; freshness: Freshness }> {
    const now = this.options.clock.now().getTime();
    const kept = this.kept.get(incidentId);
    if (kept && now < kept.freshUntil) {
      return {
        view: kept.view,
        freshness: { fetchedAt: kept.view.fetchedAt, stale: false },
      };
    }
    const generation = this.generations.get(incidentId) ?? 0;
    let view: UpstreamIncidentView | undefined;
    try {
      view = await this.flights.do(`${incidentId}#${generation}`, () =>
        this.fetch(incidentId),
      );
    } catch (error) {
      const last = this.kept.get(incidentId);
      if (last) {
        return {
          view: last.view,
          freshness: {
            fetchedAt: last.view.fetchedAt,
            stale: true,
            error: `PagerDuty could not be read: ${message(error)}`,
          },
        };
      }
      throw new ServiceUnavailableError(
        `PagerDuty could not be read: ${message(error)}`,
      );
    }
    if (!view) {
      this.kept.delete(incidentId);
      throw new NotFoundError(`PagerDuty has no incident ${incidentId}`);
    }
    if ((this.generations.get(incidentId) ?? 0) === generation) {
      this.keep(incidentId, {
        view,
        freshUntil:
          this.options.clock.now().getTime() + this.options.cacheSeconds * 1000,
      });
    }
    return { view, freshness: { fetchedAt: view.fetchedAt, stale: false } };
  }

  /** After a write: the next view reads PagerDuty again (the old answer stays as a fallback). */
  invalidate(incidentId: string): void {
    this.generations.set(
      incidentId,
      (this.generations.get(incidentId) ?? 0) + 1,
    );
    const kept = this.kept.get(incidentId);
    if (kept) kept.freshUntil = 0;
  }

  private keep(incidentId: string, entry: Kept) {
    // Oldest first out: the map keeps insertion order.
    this.kept.delete(incidentId);
    this.kept.set(incidentId, entry);
    while (this.kept.size > this.options.maxEntries) {
      const oldest = this.kept.keys().next().value as string;
      this.kept.delete(oldest);
      this.generations.delete(oldest);
    }
  }

  private async fetch(
    incidentId: string,
  ): Promise<UpstreamIncidentView | undefined> {
    const options = { priority: 'interactive' as const };
    const fetchedAt = this.options.clock.now().toISOString();
    const [incident, logEntries, notes, changeEvents] = await Promise.all([
      this.provider.getIncident(incidentId, options),
      this.provider.listLogEntries(incidentId, options),
      this.provider.listNotes(incidentId, options),
      this.provider.listRelatedChangeEvents(incidentId, options),
    ]);
    if (!incident) return undefined;
    return { incident, logEntries, notes, changeEvents, fetchedAt };
  }
}
