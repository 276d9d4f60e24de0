import { Config } from '@backstage/config';

/** Settings of the logs part of the observability feature (`ops.observability.logs`). */
export interface ObservabilityLogsConfig {
  /** Minutes between two refreshes (each runs Logs Insights queries, billed by bytes scanned). */
  refreshMinutes: number;
  /** The policy's hot retention, in days: what a log group should keep. */
  retentionDays: number;
  /** The policy's archive retention, in days (kept outside CloudWatch Logs). */
  archiveDays: number;
  /** Log groups per Logs Insights query (Logs Insights takes up to 50). */
  maxLogGroupsPerQuery: number;
  /** How long a query may run before it is stopped. */
  queryTimeoutSeconds: number;
  /** Entities refreshed per run at most; the least recently read first. */
  maxEntitiesPerRefresh: number;
  /** Error messages shown per entity. */
  topErrors: number;
  /** Field of the JSON log events holding the level (`ERROR`, `WARN`...). */
  levelField: string;
  /** Field of the JSON log events holding the message. */
  messageField: string;
}

export const defaultObservabilityLogsConfig: ObservabilityLogsConfig = {
  refreshMinutes: 15,
  retentionDays: 30,
  archiveDays: 365,
  maxLogGroupsPerQuery: 50,
  queryTimeoutSeconds: 60,
  maxEntitiesPerRefresh: 200,
  topErrors: 5,
  levelField: 'level',
  messageField: 'message',
};

const FIELD = /^@?[A-Za-z_][A-Za-z0-9_.]*$/;

/** Reads `ops.observability.logs`; a wrong value stops startup naming the key. */
export function readObservabilityLogsConfig(
  root: Config,
): ObservabilityLogsConfig {
  const config = root.getOptionalConfig('ops.observability.logs');
  const d = defaultObservabilityLogsConfig;
  const number = (
    key: keyof ObservabilityLogsConfig,
    min: number,
    max: number,
  ): number => {
    const value = config?.getOptionalNumber(key) ?? (d[key] as number);
    if (!(Number.isFinite(value) && value >= min && value <= max)) {
      throw new Error(
        `ops.observability.logs.${key} must be a number from ${min} to ${max}, got ${value}`,
      );
    }
    return value;
  };
  const field = (key: 'levelField' | 'messageField'): string => {
    const value = config?.getOptionalString(key) ?? d[key];
    if (!FIELD.test(value)) {
      throw new Error(
        `ops.observability.logs.${key} must be a field name (letters, digits, _ and ., optionally starting with @), got "${value}"`,
      );
    }
    return value;
  };
  return {
    refreshMinutes: number('refreshMinutes', 1, 1440),
    retentionDays: number('retentionDays', 1, 3653),
    archiveDays: number('archiveDays', 1, 3653),
    maxLogGroupsPerQuery: Math.floor(number('maxLogGroupsPerQuery', 1, 50)),
    queryTimeoutSeconds: number('queryTimeoutSeconds', 1, 900),
    maxEntitiesPerRefresh: Math.floor(
      number('maxEntitiesPerRefresh', 1, 100_000),
    ),
    topErrors: Math.floor(number('topErrors', 1, 50)),
    levelField: field('levelField'),
    messageField: field('messageField'),
  };
}
