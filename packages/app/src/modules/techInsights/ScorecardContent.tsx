import { useCallback, useEffect, useState } from 'react';
import {
  InfoCard,
  Progress,
  ResponseErrorPanel,
  StatusError,
  StatusOK,
  StatusPending,
} from '@backstage/core-components';
import {
  discoveryApiRef,
  fetchApiRef,
  useApi,
} from '@backstage/frontend-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';

/** A check as `GET /api/tech-insights/checks` lists it. */
interface Check {
  id: string;
  name: string;
  description: string;
  factIds: string[];
}

/** One check's result as `POST /api/tech-insights/checks/run/:namespace/:kind/:name` answers it. */
interface CheckResult {
  check: Check;
  result: boolean;
  facts: Record<string, { value: unknown; description?: string }>;
}

/** A row: a check's result, or a check whose facts are not stored yet. */
type Row =
  | CheckResult
  | { check: Check; result?: undefined; facts?: undefined };

function formatValue(value: unknown): string {
  if (value === null || value === undefined) return 'none';
  if (typeof value === 'number') {
    return Number.isInteger(value) ? String(value) : value.toFixed(1);
  }
  return String(value);
}

/** Runs the configured checks for the entity and lists them, passed or failed. */
export function ScorecardContent() {
  const { entity } = useEntity();
  const discoveryApi = useApi(discoveryApiRef);
  const fetchApi = useApi(fetchApiRef);
  const [state, setState] = useState<{
    loading: boolean;
    rows?: Row[];
    error?: Error;
  }>({ loading: true });

  const namespace = entity.metadata.namespace ?? 'default';
  const kind = entity.kind.toLocaleLowerCase('en-US');
  const name = entity.metadata.name;

  const load = useCallback(async () => {
    setState(s => ({ ...s, loading: true }));
    try {
      const base = await discoveryApi.getBaseUrl('tech-insights');
      const read = async <T,>(path: string, init?: RequestInit) => {
        const response = await fetchApi.fetch(`${base}${path}`, init);
        if (!response.ok) {
          throw new Error(
            `Tech Insights answered ${response.status} ${response.statusText}`,
          );
        }
        return (await response.json()) as T;
      };
      const ref = [namespace, kind, name].map(encodeURIComponent).join('/');
      const [all, results] = await Promise.all([
        read<Check[]>('/checks'),
        read<CheckResult[]>(`/checks/run/${ref}`, {
          method: 'POST',
          headers: { 'Content-Type': 'application/json' },
          body: JSON.stringify({}),
        }),
      ]);
      // The fact checker leaves out checks whose facts it has not stored
      // for the entity yet; they are listed as such, after the graded ones.
      const graded = new Set(results.map(r => r.check.id));
      setState({
        loading: false,
        rows: [
          ...results,
          ...all.filter(c => !graded.has(c.id)).map(check => ({ check })),
        ],
      });
    } catch (error) {
      setState({ loading: false, error: error as Error });
    }
  }, [discoveryApi, fetchApi, namespace, kind, name]);

  useEffect(() => {
    load();
  }, [load]);

  if (state.loading && !state.rows) return <Progress />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  const rows = state.rows ?? [];
  const passed = rows.filter(r => r.result === true).length;
  const waiting = rows.filter(r => r.result === undefined).length;

  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <InfoCard
          title="Operational readiness"
          subheader={
            rows.length
              ? `${passed} of ${rows.length} checks passed${
                  waiting ? `, ${waiting} without facts yet` : ''
                }`
              : undefined
          }
          action={
            <Button size="small" onClick={load} disabled={state.loading}>
              Run again
            </Button>
          }
        >
          {rows.length === 0 ? (
            <Typography>
              No checks are configured (techInsights.factChecker.checks).
            </Typography>
          ) : (
            <Table size="small" aria-label="Scorecard checks">
              <TableHead>
                <TableRow>
                  <TableCell>Result</TableCell>
                  <TableCell>Check</TableCell>
                  <TableCell>Facts</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {rows.map(r => (
                  <TableRow key={r.check.id} data-check-id={r.check.id}>
                    <TableCell style={{ whiteSpace: 'nowrap' }}>
                      {r.result === undefined && (
                        <StatusPending>No facts yet</StatusPending>
                      )}
                      {r.result === true && <StatusOK>Passed</StatusOK>}
                      {r.result === false && <StatusError>Failed</StatusError>}
                    </TableCell>
                    <TableCell>
                      <Typography variant="subtitle2">
                        {r.check.name}
                      </Typography>
                      <Typography variant="body2" color="textSecondary">
                        {r.check.description}
                      </Typography>
                    </TableCell>
                    <TableCell>
                      {Object.entries(r.facts ?? {}).map(([fact, v]) => (
                        <Typography key={fact} variant="body2">
                          <code>{fact}</code>: {formatValue(v?.value)}
                        </Typography>
                      ))}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}
