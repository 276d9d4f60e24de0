import {
  GetServiceGraphCommand,
  HistogramEntry,
  Service,
  XRayClient,
  XRayClientConfig,
} from '@aws-sdk/client-xray';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  TraceServiceStats,
  TracesProvider,
  UpstreamTelemetry,
} from '@opsportal/plugin-ops-node';
import { readAwsClientSettings } from './awsSettings';
import { countSdkRequests } from './telemetry';
import { describeCloudWatchError } from './errors';
import {
  HistogramBucket,
  histogramQuantile,
  mergeHistograms,
} from './histogram';

/** X-Ray answers GetServiceGraph for at most six hours a call. */
export const MAX_SERVICE_GRAPH_RANGE_MS = 6 * 3_600_000;
/** Pages of one service graph followed at most (a runaway NextToken stops here). */
const MAX_PAGES = 100;

/** Options of {@link XRayTracesProvider}. @public */
export interface XRayTracesProviderOptions {
  region: string;
  endpoint?: string;
  /** Static credentials or a provider; the SDK's default chain when absent. */
  credentials?: XRayClientConfig['credentials'];
  /** Attempts per call, throttling and 5xx included. */
  maxAttempts: number;
  requestTimeoutMs: number;
  logger: LoggerService;
  /** Counts the SDK's requests (`opsportal.upstream.*`, docs/telemetry.md). */
  telemetry?: UpstreamTelemetry;
}

/**
 * Trace statistics from AWS X-Ray's service graph (GetServiceGraph) through
 * the AWS SDK v3, with the CloudWatch provider's region, endpoint and
 * credentials (`ops.cloudwatch.*`).
 *
 * A range longer than X-Ray's six hours a call is asked in consecutive
 * windows; each window's pages are followed by NextToken. The nodes of the
 * named services (by `Name` or one of its `Names`; `client` nodes, the
 * callers X-Ray draws for untraced clients, are left out) are added up:
 * request, error (4xx, throttles included), fault (5xx) and throttle
 * counts, and their response-time histograms, from which p50, p95 and p99
 * are read by nearest rank. Throttling (`ThrottledException`, 429), 5xx and
 * timeouts are retried by the SDK's standard strategy (exponential backoff
 * with jitter, `maxAttempts`); what still fails is described in words a
 * portal user can act on, the SDK's error as its cause.
 *
 * @public
 */
export class XRayTracesProvider implements TracesProvider {
  readonly id = 'xray';
  private readonly clients = new Map<string, XRayClient>();

  static async fromConfig(
    config: Config,
    options: { logger: LoggerService; telemetry?: UpstreamTelemetry },
  ): Promise<XRayTracesProvider> {
    const aws = await readAwsClientSettings(config);
    return new XRayTracesProvider({
      region: aws.region,
      endpoint: aws.config?.getOptionalString('xray.endpoint') ?? aws.endpoint,
      credentials: aws.credentials,
      maxAttempts: aws.maxAttempts,
      requestTimeoutMs: aws.requestTimeoutMs,
      logger: options.logger,
      telemetry: options.telemetry,
    });
  }

  /** Whether the config leaves X-Ray on (`ops.cloudwatch.xray.enabled`, default true). */
  static isEnabled(config: Config): boolean {
    return config.getOptionalBoolean('ops.cloudwatch.xray.enabled') ?? true;
  }

  constructor(private readonly options: XRayTracesProviderOptions) {}

  async getServiceStats(query: {
    services: string[];
    start: Date;
    end: Date;
    region?: string;
    signal?: AbortSignal;
  }): Promise<TraceServiceStats[]> {
    const wanted = new Set(query.services.filter(s => s.length > 0));
    const start = query.start.getTime();
    const end = query.end.getTime();
    if (wanted.size === 0 || !(start < end)) return [];
    const region = query.region ?? this.options.region;
    const found = new Map<string, Accumulated>();
    try {
      for (const [from, to] of windows(start, end)) {
        await this.readWindow(from, to, region, wanted, found, query.signal);
      }
    } catch (error) {
      throw describeCloudWatchError(error, {
        operation: 'GetServiceGraph',
        service: 'X-Ray',
        permission: 'xray:GetServiceGraph',
        region,
        endpoint: this.options.endpoint,
        signal: query.signal,
        timeoutMs: this.options.requestTimeoutMs,
      });
    }
    return query.services
      .filter(name => found.has(name))
      .map(name => toStats(name, found.get(name)!));
  }

  private async readWindow(
    from: number,
    to: number,
    region: string,
    wanted: Set<string>,
    found: Map<string, Accumulated>,
    signal?: AbortSignal,
  ) {
    const client = this.client(region);
    let nextToken: string | undefined;
    let pages = 0;
    do {
      const out = await client.send(
        new GetServiceGraphCommand({
          StartTime: new Date(from),
          EndTime: new Date(to),
          NextToken: nextToken,
        }),
        { abortSignal: signal as any },
      );
      for (const node of out.Services ?? []) {
        if (node.Type === 'client') continue;
        const names = new Set([node.Name, ...(node.Names ?? [])]);
        for (const name of names) {
          if (name && wanted.has(name)) add(found, name, node);
        }
      }
      nextToken = out.NextToken || undefined;
      pages += 1;
    } while (nextToken && pages < MAX_PAGES);
    if (nextToken) {
      this.options.logger.warn(
        `X-Ray GetServiceGraph still had pages after ${MAX_PAGES}; the rest of the graph was not read`,
      );
    }
  }

  private client(region: string): XRayClient {
    let client = this.clients.get(region);
    if (!client) {
      client = new XRayClient({
        region,
        endpoint: this.options.endpoint,
        credentials: this.options.credentials,
        maxAttempts: this.options.maxAttempts,
        retryMode: 'standard',
        requestHandler: {
          requestTimeout: this.options.requestTimeoutMs,
          throwOnRequestTimeout: true,
          connectionTimeout: Math.min(this.options.requestTimeoutMs, 5_000),
        },
      });
      countSdkRequests(client, 'xray', this.options.telemetry);
      this.clients.set(region, client);
    }
    return client;
  }
}

/** Consecutive windows of at most six hours covering [start, end). */
export function windows(start: number, end: number): [number, number][] {
  const out: [number, number][] = [];
  for (let from = start; from < end; from += MAX_SERVICE_GRAPH_RANGE_MS) {
    out.push([from, Math.min(end, from + MAX_SERVICE_GRAPH_RANGE_MS)]);
  }
  return out;
}

interface Accumulated {
  type?: string;
  /** Requests of the node whose type is kept (the busiest). */
  typeRequests: number;
  requests: number;
  errors: number;
  faults: number;
  throttles: number;
  histogram: HistogramBucket[];
}

function add(found: Map<string, Accumulated>, name: string, node: Service) {
  const s = node.SummaryStatistics ?? {};
  const requests = s.TotalCount ?? 0;
  const acc = found.get(name) ?? {
    typeRequests: -1,
    requests: 0,
    errors: 0,
    faults: 0,
    throttles: 0,
    histogram: [],
  };
  if (requests > acc.typeRequests && node.Type) {
    acc.type = node.Type;
    acc.typeRequests = requests;
  }
  acc.requests += requests;
  acc.errors += s.ErrorStatistics?.TotalCount ?? 0;
  acc.faults += s.FaultStatistics?.TotalCount ?? 0;
  acc.throttles += s.ErrorStatistics?.ThrottleCount ?? 0;
  acc.histogram = mergeHistograms(
    acc.histogram,
    toBuckets(node.ResponseTimeHistogram),
  );
  found.set(name, acc);
}

function toBuckets(entries: HistogramEntry[] | undefined): HistogramBucket[] {
  return (entries ?? []).map(e => ({
    value: e.Value ?? NaN,
    count: e.Count ?? 0,
  }));
}

function toStats(name: string, acc: Accumulated): TraceServiceStats {
  return {
    name,
    ...(acc.type ? { type: acc.type } : {}),
    requests: acc.requests,
    errors: acc.errors,
    faults: acc.faults,
    throttles: acc.throttles,
    latency: {
      p50: histogramQuantile(acc.histogram, 0.5),
      p95: histogramQuantile(acc.histogram, 0.95),
      p99: histogramQuantile(acc.histogram, 0.99),
    },
  };
}
