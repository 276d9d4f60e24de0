import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import GetApp from '@material-ui/icons/GetApp';
import { AlertsExportKind, opsApiRef } from '../../api';
import { failureOf } from './helpers';

/** The file each export is saved as: `alerts-noisiest-alarms-2026-12-05.csv`. */
export function exportFileName(kind: AlertsExportKind, at = new Date()) {
  const what = {
    alarms: 'noisiest-alarms',
    services: 'paging-by-service',
    people: 'pages-by-person',
  }[kind];
  return `alerts-${what}-${at.toISOString().slice(0, 10)}.csv`;
}

/** Saves text as a file through a temporary link. */
function download(text: string, fileName: string): void {
  const blob = new Blob([text], { type: 'text/csv;charset=utf-8' });
  const url = URL.createObjectURL(blob);
  const link = document.createElement('a');
  link.href = url;
  link.download = fileName;
  document.body.appendChild(link);
  link.click();
  link.remove();
  setTimeout(() => URL.revokeObjectURL(url), 0);
}

/**
 * "Export CSV" for one of the page's tables: asks the backend for the CSV
 * (with the user's token, through the API client) and saves it as a file.
 */
export function ExportCsvButton(props: {
  kind: AlertsExportKind;
  /** What the table is, for the button's accessible name. */
  what: string;
}) {
  const opsApi = useApi(opsApiRef);
  const [busy, setBusy] = useState(false);
  const [error, setError] = useState<string>();
  const exportCsv = async () => {
    setBusy(true);
    setError(undefined);
    try {
      const csv = await opsApi.exportAlertsCsv(props.kind);
      download(csv, exportFileName(props.kind));
    } catch (e) {
      setError(`Export failed: ${failureOf(e).message}`);
    } finally {
      setBusy(false);
    }
  };
  return (
    <span>
      <Button
        size="small"
        variant="outlined"
        startIcon={<GetApp />}
        onClick={exportCsv}
        disabled={busy}
        aria-label={`Export ${props.what} as CSV`}
      >
        {busy ? 'Exporting…' : 'Export CSV'}
      </Button>
      {error && (
        <Typography variant="caption" color="error" role="alert" component="p">
          {error}
        </Typography>
      )}
    </span>
  );
}
