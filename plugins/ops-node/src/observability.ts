/*
 * Providers of the observability features (docs/observability.md): logs
 * (CloudWatch Logs Insights), traces (X-Ray) and dashboards (Grafana).
 * Each is optional; a feature without its provider answers "not set up".
 */

/** A log group and its retention. @public */
export interface LogGroupInfo {
  name: string;
  /** Whether the group exists in the account and region. */
  exists: boolean;
  /** Days events are kept; absent when they never expire. */
  retentionDays?: number;
  /** Bytes stored, when the upstream tells. */
  storedBytes?: number;
  /** ISO 8601. */
  createdAt?: string;
}

/** A bounded query over log groups (a Logs Insights query for CloudWatch). @public */
export interface LogQueryRequest {
  /** Names of the log groups to query (Logs Insights takes up to 50). */
  logGroups: string[];
  /** The query in the provider's language (Logs Insights query syntax). */
  query: string;
  start: Date;
  end: Date;
  /** Rows wanted at most (Logs Insights: 1 to 10,000). */
  limit?: number;
  region?: string;
  /** Give up (and stop the upstream query) after this long. */
  timeoutMs?: number;
  signal?: AbortSignal;
}

/** The answer of a log query. @public */
export interface LogQueryResult {
  /** One record per row: field name -> value, as the upstream answered. */
  rows: Record<string, string>[];
  /** `Complete`, or why the query ended early (`Timeout`, `Cancelled`...). */
  status: 'Complete' | 'Timeout' | 'Cancelled' | 'Failed';
  /** What the query scanned (Logs Insights bills by bytes scanned). */
  statistics: {
    recordsMatched: number;
    recordsScanned: number;
    bytesScanned: number;
  };
}

/** Source of logs (CloudWatch Logs). @public */
export interface LogsProvider {
  readonly id: string;
  /** The region used when a call names none (for links into the upstream's console). */
  readonly defaultRegion?: string;
  /** Log groups by name, with their retention; unknown names come back with `exists: false`. */
  describeLogGroups(
    names: string[],
    options?: { region?: string; signal?: AbortSignal },
  ): Promise<LogGroupInfo[]>;
  /** Runs one query to its end (start, then poll its results), bounded by `timeoutMs`. */
  runQuery(request: LogQueryRequest): Promise<LogQueryResult>;
}

/** One service of a trace service graph, over a time range. @public */
export interface TraceServiceStats {
  /** The service's name in the traces (X-Ray: the segment name). */
  name: string;
  /** Node type, e.g. `AWS::EKS::Container`. */
  type?: string;
  requests: number;
  /** 4xx answers (X-Ray: ErrorStatistics.TotalCount). */
  errors: number;
  /** 5xx answers (X-Ray: FaultStatistics.TotalCount). */
  faults: number;
  throttles: number;
  /** Response-time quantiles in seconds from the service's histogram; null without requests. */
  latency: { p50: number | null; p95: number | null; p99: number | null };
}

/** Source of trace statistics (X-Ray's service graph). @public */
export interface TracesProvider {
  readonly id: string;
  /** Statistics of the named services over a range (X-Ray allows up to 6 hours a call). */
  getServiceStats(query: {
    services: string[];
    start: Date;
    end: Date;
    region?: string;
    signal?: AbortSignal;
  }): Promise<TraceServiceStats[]>;
}

/** A dashboard a search found. @public */
export interface DashboardInfo {
  /** Upstream id (Grafana: uid). */
  uid: string;
  title: string;
  /** Absolute URL that opens the dashboard. */
  url: string;
  tags: string[];
  folder?: string;
}

/** Source of dashboards (Grafana's search API). @public */
export interface DashboardsProvider {
  readonly id: string;
  /** Base URL of the dashboards' UI, for links built from annotations. */
  readonly baseUrl: string;
  /**
   * Dashboards matching every tag given and the text query, as Grafana's
   * `/api/search` answers them (dashboards only, not folders).
   */
  searchDashboards(query: {
    tags?: string[];
    query?: string;
    limit?: number;
    signal?: AbortSignal;
  }): Promise<DashboardInfo[]>;
}
