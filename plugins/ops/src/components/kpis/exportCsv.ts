import { KpiReport, kpiReportsToCsv } from '@opsportal/plugin-ops-common';

/** A file name for a report's CSV: `kpis-platform-30d-2026-03-31.csv`. */
function csvFileName(report: KpiReport): string {
  const who = report.entityRef
    ? report.entityRef.replace(/[^a-z0-9-]+/gi, '-')
    : report.scope;
  const when = report.period.month ?? report.period.period;
  return `kpis-${who}-${when}-${report.generatedAt.slice(0, 10)}.csv`;
}

/** Downloads KPI reports as a CSV file, made in the browser from what is shown. */
export function downloadKpiCsv(report: KpiReport): void {
  const blob = new Blob([kpiReportsToCsv([report])], {
    type: 'text/csv;charset=utf-8',
  });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = csvFileName(report);
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}
