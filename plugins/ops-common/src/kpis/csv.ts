import { kpiDefinition } from './definitions';
import { formatKpiTarget, formatKpiValue } from './format';
import type { KpiTrend } from './evaluate';
import type { KpiReport } from './types';

function cell(value: string | number | undefined): string {
  if (value === undefined) return '';
  const text = String(value);
  // Quote what a spreadsheet would split or read as a formula.
  const safe = /^[=+\-@\t\r]/.test(text) ? `'${text}` : text;
  return /[",\n\r]/.test(safe) ? `"${safe.replace(/"/g, '""')}"` : safe;
}

function trendText(trend: KpiTrend | undefined): string {
  if (!trend) return '';
  if (trend.better === undefined) return trend.direction;
  return `${trend.direction} (${trend.better ? 'better' : 'worse'})`;
}

const HEADER = [
  'scope',
  'entity',
  'period',
  'from',
  'to',
  'kpi',
  'value',
  'value_text',
  'target',
  'target_text',
  'status',
  'previous',
  'previous_text',
  'trend',
  'basis',
  'partial_from',
];

/**
 * KPI reports as CSV (RFC 4180, one row per KPI and report), with raw values
 * in the KPI's unit (ratios 0–1, durations in milliseconds) beside the text
 * shown on screen.
 * @public
 */
export function kpiReportsToCsv(reports: KpiReport[]): string {
  const rows = [HEADER.join(',')];
  for (const report of reports) {
    for (const kpi of report.kpis) {
      const definition = kpiDefinition(kpi.id);
      rows.push(
        [
          report.scope,
          report.entityRef ?? '',
          report.period.label,
          report.period.current.start,
          report.period.current.end,
          definition.name,
          kpi.value,
          formatKpiValue(kpi.id, kpi.value, { atLeast: kpi.atLeast }),
          kpi.target,
          formatKpiTarget(kpi.id, kpi.target),
          kpi.status,
          kpi.previous.value,
          formatKpiValue(kpi.id, kpi.previous.value, {
            atLeast: kpi.previous.atLeast,
          }),
          trendText(kpi.trend),
          kpi.basis,
          kpi.partialFrom,
        ]
          .map(cell)
          .join(','),
      );
    }
  }
  return `${rows.join('\r\n')}\r\n`;
}
