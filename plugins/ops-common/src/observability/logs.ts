import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  ANNOTATION_GRAFANA_OVERVIEW_DASHBOARD,
  ANNOTATION_LOG_GROUPS,
  ANNOTATION_XRAY_SERVICE,
  splitAnnotation,
} from '../annotations';
import { LogGroupRetention } from './types';

/*
 * The logs part of the observability feature (docs/observability.md):
 * which entities have it, message normalisation for the top errors, the
 * retention verdict and the CloudWatch console's Logs Insights link.
 */

/** Annotations that give an entity an Observability card (any one is enough). @public */
export const OBSERVABILITY_ANNOTATIONS: readonly string[] = [
  ANNOTATION_LOG_GROUPS,
  ANNOTATION_XRAY_SERVICE,
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  ANNOTATION_GRAFANA_OVERVIEW_DASHBOARD,
];

/** The entity's log groups (`opsportal.dev/log-groups`, comma separated). @public */
export function logGroupsOf(entity: Entity): string[] {
  return [
    ...new Set(
      splitAnnotation(entity.metadata.annotations?.[ANNOTATION_LOG_GROUPS]),
    ),
  ];
}

/** Whether the entity names log groups. @public */
export function isLogsConfigured(entity: Entity): boolean {
  return logGroupsOf(entity).length > 0;
}

/** Whether the entity has logs, traces or dashboards annotations. @public */
export function isObservabilityConfigured(entity: Entity): boolean {
  return OBSERVABILITY_ANNOTATIONS.some(a =>
    Boolean(entity.metadata.annotations?.[a]?.trim()),
  );
}

const UUID =
  /\b[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}\b/gi;
const EMAIL = /\b[\w.+-]+@[\w-]+(?:\.[\w-]+)+\b/g;
const IPV4 = /\b\d{1,3}(?:\.\d{1,3}){3}(?::\d+)?\b/g;
/** Hex ids of 8 or more characters with at least one digit (trace ids, hashes). */
const HEX = /\b(?=[0-9a-f]*\d)[0-9a-f]{8,}\b/gi;
/** Any remaining number, also inside words (`ord-123456`, `products-7`, `500ms`). */
const NUMBER = /\d+(?:[.,]\d+)*/g;

/**
 * An error message with what changes from one occurrence to the next
 * replaced, so that occurrences group: UUIDs `<uuid>`, e-mail addresses
 * `<email>`, IPv4 addresses `<ip>`, long hex ids `<hex>`, other numbers
 * `<n>`; whitespace collapsed and the result cut at 300 characters.
 * @public
 */
export function normaliseLogMessage(message: string): string {
  const text = message
    .replace(UUID, '<uuid>')
    .replace(EMAIL, '<email>')
    .replace(IPV4, '<ip>')
    .replace(HEX, '<hex>')
    .replace(NUMBER, '<n>')
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > 300 ? `${text.slice(0, 299)}…` : text;
}

/** The seed's log retention policy: 30 days hot, a year archived. @public */
export interface LogRetentionPolicy {
  hotDays: number;
  archiveDays: number;
}

/**
 * A log group's retention against the policy: CloudWatch Logs is the hot
 * store, so its retention should be the hot days; archiving for the
 * archive days happens outside (an export or subscription to S3), which
 * the finding reminds of when the group keeps less or more.
 * @public
 */
export function retentionVerdict(
  group: { name: string; exists: boolean; retentionDays?: number },
  policy: LogRetentionPolicy,
): LogGroupRetention {
  const base = {
    name: group.name,
    exists: group.exists,
    ...(group.retentionDays !== undefined
      ? { retentionDays: group.retentionDays }
      : {}),
  };
  const hot = `${policy.hotDays} days`;
  const archive = `${policy.archiveDays} days`;
  if (!group.exists) {
    return {
      ...base,
      verdict: 'missing',
      message: `The log group does not exist in this account and region: check the annotation's name and the region`,
    };
  }
  if (group.retentionDays === undefined) {
    return {
      ...base,
      verdict: 'never-expires',
      message: `Events never expire; the policy keeps ${hot} hot and archives for ${archive}: set retention to ${hot} and archive older events (export or subscription to S3)`,
    };
  }
  if (group.retentionDays < policy.hotDays) {
    return {
      ...base,
      verdict: 'shorter',
      message: `Keeps ${group.retentionDays} days, shorter than the policy's ${hot} hot`,
    };
  }
  if (group.retentionDays > policy.hotDays) {
    return {
      ...base,
      verdict: 'longer',
      message: `Keeps ${group.retentionDays} days hot, longer than the policy's ${hot}: archive older events instead (the policy keeps them ${archive})`,
    };
  }
  return { ...base, verdict: 'ok' };
}

/**
 * One value of the console's `queryDetail`: strings start with `'`, and
 * every character but letters, digits, `-` and `.` is written as `*` and
 * the hex of its UTF-8 bytes, so that none of the structure's own
 * characters (`~ ( ) ' *`) can appear inside a value.
 */
function detailValue(value: string | number | boolean | string[]): string {
  if (Array.isArray(value)) {
    return `(${value.map(v => `~${detailValue(v)}`).join('')})`;
  }
  if (typeof value !== 'string') return String(value);
  let out = "'";
  for (const byte of new TextEncoder().encode(value)) {
    const c = String.fromCharCode(byte);
    out += /[A-Za-z0-9.-]/.test(c)
      ? c
      : `*${byte.toString(16).toUpperCase().padStart(2, '0')}`;
  }
  return out;
}

/**
 * The console's `queryDetail` object as text: `~(key~value~key~value...)`,
 * arrays as `(~v~v)`.
 * @public
 */
export function encodeInsightsQueryDetail(
  detail: Record<string, string | number | boolean | string[]>,
): string {
  return `~(${Object.entries(detail)
    .map(([key, value]) => `${key}~${detailValue(value)}`)
    .join('~')})`;
}

/** The console's host for a region (China and GovCloud have their own). */
function consoleBase(region: string): string {
  if (region.startsWith('cn-')) {
    return `https://${region}.console.amazonaws.cn/cloudwatch/home`;
  }
  if (region.startsWith('us-gov-')) {
    return `https://${region}.console.amazonaws-us-gov.com/cloudwatch/home`;
  }
  return `https://${region}.console.aws.amazon.com/cloudwatch/home`;
}

/**
 * A link that opens CloudWatch Logs Insights with the log groups selected,
 * the query in the editor and a time range relative to now. The console
 * reads its state from the fragment: `logsV2:logs-insights?queryDetail=`
 * and the detail (see {@link encodeInsightsQueryDetail}), where the
 * detail's `~ ( ) '` are percent-encoded, then the whole of `?queryDetail=...`
 * percent-encoded once more with `$` in place of `%`.
 * @public
 */
export function logsInsightsUrl(options: {
  region: string;
  logGroups: string[];
  query: string;
  /** Seconds before now the range starts (default an hour). */
  rangeSeconds?: number;
}): string {
  const detail = encodeInsightsQueryDetail({
    end: 0,
    start: -(options.rangeSeconds ?? 3600),
    timeType: 'RELATIVE',
    unit: 'seconds',
    editorString: options.query,
    source: options.logGroups,
  });
  const escaped = detail.replace(
    /[~()']/g,
    c => `%${c.charCodeAt(0).toString(16).toUpperCase()}`,
  );
  const fragment = encodeURIComponent(`?queryDetail=${escaped}`).replace(
    /%/g,
    '$',
  );
  return `${consoleBase(options.region)}?region=${encodeURIComponent(
    options.region,
  )}#logsV2:logs-insights${fragment}`;
}
