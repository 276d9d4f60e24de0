import { Freshness } from '../freshness';

/*
 * The observability of an entity (docs/observability.md): its logs (error
 * and warning counts, top error messages, retention against the policy),
 * its traces (X-Ray links and service-graph statistics) and its dashboards
 * (Grafana). Answer of `GET /api/ops/observability/entity?entityRef=`.
 */

/** ERROR and WARN counts of an entity's logs over one trailing window. @public */
export interface LogLevelCounts {
  /** `1h` or `1d`. */
  window: string;
  errors: number;
  warnings: number;
}

/** One of the most frequent error messages. @public */
export interface TopLogMessage {
  /** The message with numbers, ids and the like replaced by placeholders. */
  message: string;
  count: number;
  /** ISO 8601 of its latest occurrence. */
  lastSeen?: string;
}

/** A log group's retention against the policy. @public */
export interface LogGroupRetention {
  name: string;
  exists: boolean;
  /** Days kept; absent when events never expire. */
  retentionDays?: number;
  /** `ok`, or how it differs from the policy's hot retention. */
  verdict: 'ok' | 'shorter' | 'longer' | 'never-expires' | 'missing';
  /** The finding in words, when not ok. */
  message?: string;
}

/** Logs of an entity. @public */
export interface EntityLogs extends Freshness {
  logGroups: string[];
  region: string;
  counts: LogLevelCounts[];
  topErrors: TopLogMessage[];
  retention: LogGroupRetention[];
  /** The policy checked against (the seed: 30 days hot, 1 year archived). */
  policy: { hotDays: number; archiveDays: number };
  /** Opens CloudWatch Logs Insights with the log groups and the error query filled in. */
  insightsUrl: string;
  /** Bytes the last refresh's queries scanned (Logs Insights bills by them). */
  bytesScanned?: number;
}

/** Trace statistics of one X-Ray service over the last hour. @public */
export interface EntityTraceService {
  name: string;
  requests: number;
  /** Faults (5xx) / requests; null without requests. */
  faultRate: number | null;
  /** Errors (4xx) / requests; null without requests. */
  errorRate: number | null;
  /** Seconds. */
  latency: { p50: number | null; p95: number | null; p99: number | null };
}

/** Traces of an entity. @public */
export interface EntityTraces extends Freshness {
  services: string[];
  region: string;
  /** Opens the X-Ray trace search filtered to the services. */
  tracesUrl: string;
  /** The same, filtered to traces with errors or faults. */
  faultTracesUrl: string;
  /** Opens the service map centred on the service. */
  serviceMapUrl: string;
  /** From the service graph when a traces provider is installed; absent otherwise. */
  stats?: EntityTraceService[];
  /** The window the statistics cover (`1h`). */
  statsWindow?: string;
}

/** A dashboard linked to an entity. @public */
export interface EntityDashboard {
  title: string;
  url: string;
  /** `annotation` (grafana/overview-dashboard) or `search` (grafana/dashboard-selector via the search API). */
  source: 'annotation' | 'search';
  tags?: string[];
  folder?: string;
}

/** Dashboards of an entity. @public */
export interface EntityDashboards extends Freshness {
  /** The selector annotation as written, when there is one. */
  selector?: string;
  dashboards: EntityDashboard[];
  /** True when a Grafana URL is configured (searches run). */
  searchConfigured: boolean;
}

/**
 * Answer of `GET /api/ops/observability/entity`: each part is null when the
 * entity has no annotation for it (the card says what to add).
 * @public
 */
export interface EntityObservabilityResponse {
  entityRef: string;
  logs: EntityLogs | null;
  traces: EntityTraces | null;
  dashboards: EntityDashboards | null;
}
