import type { ChangeRequestSummary, MaintenanceCalendar } from '../changes';
import type { Freshness } from '../freshness';
import type { AssessedIncident, Severity } from '../incidents';
import type { PlatformOnCallResponse } from '../oncall';
import type { PlatformSlosResponse } from '../slo';
import type { KpiTargets } from './definitions';
import type { KpiResult } from './evaluate';
import type { KpiPeriodRanges } from './period';

/** Whom a KPI report is about. @public */
export type KpiScopeKind = 'platform' | 'team' | 'entity';

/** Where a report's numbers come from, and how fresh they are. @public */
export interface KpiSourceStatus extends Freshness {
  source: 'incidents' | 'availability' | 'changes';
  /** False when the scope has no such data (no PagerDuty service, no availability SLO...). */
  available: boolean;
  /** Data are held from this time on (ISO 8601); earlier parts of a period are partial. */
  since?: string;
  /** Why the source is not available, or what to know about it. */
  note?: string;
}

/** Answer of `GET /api/ops/kpis`. @public */
export interface KpiReport {
  scope: KpiScopeKind;
  /** The entity or team (absent for the platform). */
  entityRef?: string;
  title: string;
  period: KpiPeriodRanges;
  generatedAt: string;
  /** The services the numbers cover. */
  entities: { entityRef: string; title: string }[];
  kpis: KpiResult[];
  targets: KpiTargets;
  /** Severities counted as failures (MTBF, MTTR). */
  failureSeverities: Severity[];
  sources: KpiSourceStatus[];
}

/** One part of the overview: its data, or why it has none. @public */
export interface OverviewSection<T> {
  data?: T;
  /** The part could not be loaded. */
  error?: string;
  /** The feature behind the part is not installed or configured. */
  unavailable?: string;
}

/** An open incident on the overview, with the entity it belongs to. @public */
export interface OverviewIncident extends AssessedIncident {
  entityRef: string;
  entityTitle: string;
}

/** Answer of `GET /api/ops/overview`. @public */
export interface OpsOverview {
  generatedAt: string;
  slos: OverviewSection<PlatformSlosResponse>;
  /** Open incidents of the overview's severities (P1 and P2), most severe and oldest first. */
  incidents: OverviewSection<
    { severities: Severity[]; open: OverviewIncident[] } & Freshness
  >;
  onCall: OverviewSection<PlatformOnCallResponse>;
  changes: OverviewSection<{
    /** Active change requests planned to start within `days`. */
    upcoming: ChangeRequestSummary[];
    days: number;
    calendar: MaintenanceCalendar;
  }>;
}
