import { ForecastStatus } from './forecast';
import { roundSignificant } from './series';
import { CapacityReviewMetric, CapacityReviewRow } from './types';

const STATUS_ORDER: Record<ForecastStatus, number> = {
  'already-over': 0,
  crossing: 1,
  'no-limit-in-sight': 2,
  'no-limit': 3,
  'insufficient-data': 4,
};

function statusOrder(metric: CapacityReviewMetric | undefined): number {
  return metric ? STATUS_ORDER[metric.forecast.status] : 5;
}

/**
 * Compares two metrics by how soon they reach their limit: already over,
 * then soonest crossing, then (no limit in sight) smallest headroom relative
 * to the limit.
 * @public
 */
export function compareBySoonestLimit(
  a: CapacityReviewMetric | undefined,
  b: CapacityReviewMetric | undefined,
): number {
  const byStatus = statusOrder(a) - statusOrder(b);
  if (byStatus !== 0) return byStatus;
  const daysA = a?.forecast.daysToLimit ?? Infinity;
  const daysB = b?.forecast.daysToLimit ?? Infinity;
  if (daysA !== daysB) return daysA < daysB ? -1 : 1;
  const roomA = relativeHeadroom(a);
  const roomB = relativeHeadroom(b);
  if (roomA !== roomB) return roomA < roomB ? -1 : 1;
  return 0;
}

function relativeHeadroom(metric: CapacityReviewMetric | undefined): number {
  if (!metric || metric.headroom === undefined || !metric.limit) {
    return Infinity;
  }
  return metric.headroom / metric.limit;
}

/** The metric of a service that reaches its limit first. @public */
export function bindingMetric(
  metrics: CapacityReviewMetric[],
): CapacityReviewMetric | undefined {
  const withLimit = metrics.filter(m => m.limit !== undefined);
  return [...withLimit].sort(compareBySoonestLimit)[0];
}

/**
 * Ranks the review: the service whose binding metric reaches its limit
 * soonest first; ties broken by more triggers this month, then by name.
 * @public
 */
export function rankCapacityReview(
  rows: CapacityReviewRow[],
): CapacityReviewRow[] {
  return [...rows].sort(
    (a, b) =>
      compareBySoonestLimit(a.binding, b.binding) ||
      b.triggers30d - a.triggers30d ||
      a.entityRef.localeCompare(b.entityRef),
  );
}

const CSV_COLUMNS = [
  'Rank',
  'Service',
  'Entity',
  'Binding metric',
  'Unit',
  'Current',
  'Current covers',
  'Typical peak (p95, 7 days)',
  'Limit',
  'Headroom',
  'Status',
  'Days to limit',
  'Limit reached on',
  'Earliest',
  'Latest',
  'Confidence',
  'Growth per week',
  'Growth per week (%)',
  'Triggers (30 days)',
  'Data as of',
  'Stale',
] as const;

/**
 * The review as CSV (RFC 4180, comma separated, CRLF lines), one row per
 * service in rank order. Text cells that a spreadsheet would run as a
 * formula are prefixed with a quote.
 * @public
 */
export function capacityReviewToCsv(rows: CapacityReviewRow[]): string {
  const lines = [CSV_COLUMNS.map(cell).join(',')];
  rows.forEach((row, index) => {
    const b = row.binding;
    const f = b?.forecast;
    lines.push(
      [
        index + 1,
        row.title ?? row.entityRef,
        row.entityRef,
        b?.label,
        b?.unit,
        num(b?.current),
        b?.current === undefined ? undefined : coveredBy(b.currentPeriod),
        num(b?.peak7d),
        num(b?.limit),
        num(b?.headroom),
        f?.status,
        f?.daysToLimit === undefined
          ? undefined
          : Math.round(f.daysToLimit * 10) / 10,
        day(f?.crossingAt),
        day(f?.earliestAt),
        day(f?.latestAt),
        f?.confidence,
        num(b?.growth?.perWeek),
        num(b?.growth?.percentPerWeek),
        row.triggers30d,
        row.fetchedAt,
        row.stale ? 'yes' : 'no',
      ]
        .map(cell)
        .join(','),
    );
  });
  return `${lines.join('\r\n')}\r\n`;
}

/** The period a current value covers: `last full hour (2026-03-18T09:00:00.000Z to 2026-03-18T10:00:00.000Z)`. */
function coveredBy(period: CapacityReviewMetric['currentPeriod']): string {
  if (!period) return 'latest hourly value';
  return `${period.label} (${period.start} to ${period.end})`;
}

function num(value: number | undefined): number | undefined {
  return value === undefined ? undefined : roundSignificant(value, 4);
}

function day(iso: string | undefined): string | undefined {
  return iso?.slice(0, 10);
}

function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  if (typeof value === 'number') return String(value);
  let text = value;
  if (/^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n']/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}
