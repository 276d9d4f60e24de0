import {
  CloudWatchLogsClient,
  CloudWatchLogsClientConfig,
  DescribeLogGroupsCommand,
  GetQueryResultsCommand,
  GetQueryResultsResponse,
  LogGroup,
  StartQueryCommand,
  StopQueryCommand,
} from '@aws-sdk/client-cloudwatch-logs';
import { LoggerService } from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  LogGroupInfo,
  LogQueryRequest,
  LogQueryResult,
  LogsProvider,
  mapWithConcurrency,
  UpstreamTelemetry,
} from '@opsportal/plugin-ops-node';
import { describeCloudWatchError } from './errors';
import { readAwsClientSettings } from './awsSettings';
import { countSdkRequests } from './telemetry';

/** Logs Insights takes up to 50 log groups a query. */
const MAX_LOG_GROUPS = 50;
/** Rows a GetQueryResults answer holds at most without paging. */
const MAX_ROWS = 10_000;
/** DescribeLogGroups pages followed per name before giving up on it. */
const MAX_PAGES_PER_NAME = 20;
/** StartQuery attempts while the account's concurrent-query quota is full. */
const LIMIT_EXCEEDED_ATTEMPTS = 4;

/** Options of {@link CloudWatchLogsProvider}. @public */
export interface CloudWatchLogsProviderOptions {
  region: string;
  endpoint?: string;
  /** Static credentials or a provider; the SDK's default chain when absent. */
  credentials?: CloudWatchLogsClientConfig['credentials'];
  /** Attempts per call (the SDK's standard retry: throttling, 5xx). */
  maxAttempts: number;
  requestTimeoutMs: number;
  /** Log groups described at once. */
  concurrency: number;
  logger: LoggerService;
  /** Counts the SDK's requests (`opsportal.upstream.*`, docs/telemetry.md). */
  telemetry?: UpstreamTelemetry;
  /** First wait between GetQueryResults polls; doubled up to `maxPollIntervalMs`. Default 500. */
  pollIntervalMs?: number;
  /** Longest wait between polls. Default 5000. */
  maxPollIntervalMs?: number;
  /** A query's time limit when the request names none. Default 60 s. */
  queryTimeoutMs?: number;
}

function sleep(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    if (signal?.aborted) {
      reject(signal.reason ?? new Error('aborted'));
      return;
    }
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const onAbort = () => {
      clearTimeout(timer);
      reject(signal?.reason ?? new Error('aborted'));
    };
    timer = setTimeout(() => {
      signal?.removeEventListener('abort', onAbort);
      resolve();
    }, ms);
    signal?.addEventListener('abort', onAbort, { once: true });
  });
}

const FINISHED = new Set(['Complete', 'Failed', 'Cancelled', 'Timeout']);

/**
 * Logs from AWS CloudWatch Logs through the AWS SDK v3: log groups and
 * their retention (DescribeLogGroups) and Logs Insights queries (StartQuery,
 * then GetQueryResults polled with a doubling wait until the query ends or
 * its time is up, then StopQuery so it stops scanning and billing).
 * Throttling and 5xx are retried by the SDK's standard retry strategy, as
 * for metrics; a full concurrent-query quota (LimitExceededException) is
 * waited out a few times.
 *
 * @public
 */
export class CloudWatchLogsProvider implements LogsProvider {
  readonly id = 'cloudwatch-logs';
  private readonly clients = new Map<string, CloudWatchLogsClient>();

  /**
   * From `ops.cloudwatch` (region, endpoint, accountId, maxAttempts,
   * requestTimeoutMs, concurrency) and the `aws` integration config, as
   * the metrics provider reads them.
   */
  static async fromConfig(
    config: Config,
    options: { logger: LoggerService; telemetry?: UpstreamTelemetry },
  ): Promise<CloudWatchLogsProvider> {
    const aws = await readAwsClientSettings(config);
    return new CloudWatchLogsProvider({
      region: aws.region,
      endpoint: aws.endpoint,
      credentials: aws.credentials,
      maxAttempts: aws.maxAttempts,
      requestTimeoutMs: aws.requestTimeoutMs,
      concurrency: aws.concurrency,
      logger: options.logger,
      telemetry: options.telemetry,
    });
  }

  constructor(private readonly options: CloudWatchLogsProviderOptions) {}

  /** The region queries go to when the request names none. */
  get defaultRegion(): string {
    return this.options.region;
  }

  async describeLogGroups(
    names: string[],
    options: { region?: string; signal?: AbortSignal } = {},
  ): Promise<LogGroupInfo[]> {
    const client = this.client(options.region);
    const unique = [...new Set(names)];
    const found = new Map<string, LogGroup>();
    try {
      await mapWithConcurrency(unique, this.options.concurrency, async name => {
        // Listed by name, the exact name comes first among those it prefixes;
        // pages are followed while names sort before it.
        let nextToken: string | undefined;
        let pages = 0;
        do {
          const out = await client.send(
            new DescribeLogGroupsCommand({
              logGroupNamePrefix: name,
              limit: 50,
              nextToken,
            }),
            { abortSignal: options.signal as any },
          );
          pages += 1;
          const match = (out.logGroups ?? []).find(
            g => g.logGroupName === name,
          );
          if (match) {
            found.set(name, match);
            return;
          }
          nextToken = out.nextToken;
        } while (nextToken && pages < MAX_PAGES_PER_NAME);
      });
    } catch (error) {
      throw this.describe(error, 'DescribeLogGroups', options);
    }
    return names.map(name => {
      const group = found.get(name);
      if (!group) return { name, exists: false };
      return {
        name,
        exists: true,
        ...(group.retentionInDays !== undefined
          ? { retentionDays: group.retentionInDays }
          : {}),
        ...(group.storedBytes !== undefined
          ? { storedBytes: group.storedBytes }
          : {}),
        ...(group.creationTime !== undefined
          ? { createdAt: new Date(group.creationTime).toISOString() }
          : {}),
      };
    });
  }

  async runQuery(request: LogQueryRequest): Promise<LogQueryResult> {
    const groups = [...new Set(request.logGroups)];
    if (groups.length === 0 || groups.length > MAX_LOG_GROUPS) {
      throw new Error(
        `A Logs Insights query takes 1 to ${MAX_LOG_GROUPS} log groups, got ${groups.length}`,
      );
    }
    const limit = Math.min(Math.max(request.limit ?? 1000, 1), MAX_ROWS);
    const timeoutMs =
      request.timeoutMs ?? this.options.queryTimeoutMs ?? 60_000;
    const deadline = Date.now() + timeoutMs;
    const client = this.client(request.region);
    const signal = request.signal;
    const call = { abortSignal: signal as any };

    let queryId: string | undefined;
    try {
      for (let attempt = 1; ; attempt++) {
        try {
          const started = await client.send(
            new StartQueryCommand({
              logGroupNames: groups,
              queryString: request.query,
              startTime: Math.floor(request.start.getTime() / 1000),
              endTime: Math.floor(request.end.getTime() / 1000),
              limit,
            }),
            call,
          );
          queryId = started.queryId;
          break;
        } catch (error) {
          const wait = (this.options.pollIntervalMs ?? 500) * 2 ** attempt;
          if (
            (error as Error)?.name !== 'LimitExceededException' ||
            attempt >= LIMIT_EXCEEDED_ATTEMPTS ||
            Date.now() + wait > deadline
          ) {
            throw error;
          }
          this.options.logger.debug(
            `Logs Insights is running as many queries as the account allows; starting again in ${wait} ms`,
          );
          await sleep(wait, signal);
        }
      }
      if (!queryId) throw new Error('StartQuery answered no queryId');

      let wait = this.options.pollIntervalMs ?? 500;
      const maxWait = this.options.maxPollIntervalMs ?? 5_000;
      for (;;) {
        const out = await client.send(
          new GetQueryResultsCommand({ queryId }),
          call,
        );
        const status = out.status ?? 'Unknown';
        if (FINISHED.has(status)) {
          return toResult(out, status as LogQueryResult['status']);
        }
        if (Date.now() + wait > deadline) {
          await this.stop(client, queryId);
          this.options.logger.warn(
            `Logs Insights query ${queryId} did not finish within ${timeoutMs} ms; stopped it`,
          );
          return toResult(out, 'Timeout');
        }
        await sleep(wait, signal);
        wait = Math.min(wait * 2, maxWait);
      }
    } catch (error) {
      if (queryId && signal?.aborted) await this.stop(client, queryId);
      if (signal?.aborted) throw error;
      throw this.describe(
        error,
        queryId ? 'GetQueryResults' : 'StartQuery',
        request,
      );
    }
  }

  /** Stops a query that is still running; a failure to stop is only logged. */
  private async stop(client: CloudWatchLogsClient, queryId: string) {
    try {
      await client.send(new StopQueryCommand({ queryId }));
    } catch (error) {
      this.options.logger.debug(
        `Could not stop Logs Insights query ${queryId}: ${
          (error as Error)?.message ?? error
        }`,
      );
    }
  }

  private describe(
    error: unknown,
    operation: string,
    context: { region?: string; signal?: AbortSignal },
  ): Error {
    // Logs Insights refusing the query says where it is wrong; keep its words.
    const e = error as { name?: string; message?: string };
    if (e?.name === 'MalformedQueryException') {
      return new Error(`Logs Insights refused the query: ${e.message}`);
    }
    return describeCloudWatchError(error, {
      operation,
      region: context.region ?? this.options.region,
      endpoint: this.options.endpoint,
      signal: context.signal,
      timeoutMs: this.options.requestTimeoutMs,
      service: 'CloudWatch Logs',
      permission: `logs:${operation}`,
    });
  }

  private client(region?: string): CloudWatchLogsClient {
    const key = region ?? this.options.region;
    let client = this.clients.get(key);
    if (!client) {
      client = new CloudWatchLogsClient({
        region: key,
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
      countSdkRequests(client, 'logs', this.options.telemetry);
      this.clients.set(key, client);
    }
    return client;
  }
}

function toResult(
  out: GetQueryResultsResponse,
  status: LogQueryResult['status'],
): LogQueryResult {
  const rows = (out.results ?? []).map(fields => {
    const row: Record<string, string> = {};
    for (const field of fields) {
      if (field.field && field.field !== '@ptr') {
        row[field.field] = field.value ?? '';
      }
    }
    return row;
  });
  return {
    rows,
    status,
    statistics: {
      recordsMatched: out.statistics?.recordsMatched ?? 0,
      recordsScanned: out.statistics?.recordsScanned ?? 0,
      bytesScanned: out.statistics?.bytesScanned ?? 0,
    },
  };
}
