import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  SloHistoryDay,
  SloObjectiveResult,
} from '@opsportal/plugin-ops-common';
import { InfoCard } from '@backstage/core-components';
import { OpsCard } from '../shared';
import { AlertChip } from './AlertChip';
import { BurnDownChart } from './BurnDownChart';
import { SloEmptyState } from './EntitySloCard';
import {
  formatBurnRate,
  formatMinutes,
  formatShare,
  formatSli,
} from './helpers';
import { ObjectiveSummary } from './ObjectiveSummary';
import { SloProblems } from './SloProblems';
import { useEntitySlos } from './useEntitySlos';

function sourceText(result: SloObjectiveResult): string {
  const source = result.objective.source;
  if (source.form === 'openslo') {
    return `OpenSLO ${source.location}${
      source.line ? `, line ${source.line}` : ''
    }`;
  }
  if (source.form === 'annotation') return `Annotation ${source.annotation}`;
  return `Added up from ${
    source.members.length
  } components: ${source.members.join(', ')}`;
}

const useStyles = makeStyles({
  term: { width: '8rem', whiteSpace: 'nowrap', verticalAlign: 'top' },
  definition: { overflowWrap: 'anywhere' },
});

/** Everything about one SLO: definition, budget, every window, the rules. */
function ObjectiveDetails({ result }: { result: SloObjectiveResult }) {
  const classes = useStyles();
  const { objective, status } = result;
  const unit =
    objective.budgetingMethod === 'Timeslices' || objective.timeSlice
      ? 'slices'
      : 'events';
  return (
    <InfoCard title={objective.name} subheader={objective.description}>
      <ObjectiveSummary result={result} />
      <Table
        size="small"
        aria-label={`Definition of ${objective.name}`}
        style={{ marginTop: 16 }}
      >
        <TableBody>
          <TableRow>
            <TableCell component="th" scope="row" className={classes.term}>
              Indicator
            </TableCell>
            <TableCell className={classes.definition}>
              {objective.indicator}
            </TableCell>
          </TableRow>
          <TableRow>
            <TableCell component="th" scope="row" className={classes.term}>
              Budgeting
            </TableCell>
            <TableCell>
              {objective.budgetingMethod}
              {objective.timeSlice
                ? ` in ${objective.timeSlice.window} slices`
                : ''}
              {objective.timeSlice?.target !== undefined
                ? `, a slice is good at ${formatShare(
                    objective.timeSlice.target,
                  )}`
                : ''}
              ; missing data counts as{' '}
              {objective.missingData === 'ignore'
                ? 'neither good nor bad'
                : objective.missingData}
            </TableCell>
          </TableRow>
          <TableRow>
            <TableCell component="th" scope="row" className={classes.term}>
              Defined in
            </TableCell>
            <TableCell>{sourceText(result)}</TableCell>
          </TableRow>
          {status && (
            <TableRow>
              <TableCell component="th" scope="row" className={classes.term}>
                Error budget
              </TableCell>
              <TableCell>
                {formatMinutes(status.budget.totalMinutes)} over{' '}
                {objective.window} ({formatShare(status.budget.allowedRatio)} of{' '}
                {unit}): {Math.round(status.budget.bad).toLocaleString('en-US')}{' '}
                bad of{' '}
                {Math.round(status.budget.allowedBad).toLocaleString('en-US')}{' '}
                allowed, {formatMinutes(status.budget.consumedMinutes)} spent
              </TableCell>
            </TableRow>
          )}
          {status && (
            <TableRow>
              <TableCell component="th" scope="row" className={classes.term}>
                Data
              </TableCell>
              <TableCell>
                {status.coverage.bucketsWithData} of {status.coverage.buckets}{' '}
                days with data; {status.coverage.missing}{' '}
                {unit === 'slices' ? 'slices' : 'buckets'} without data
                {status.coverage.missing > 0 && unit === 'slices'
                  ? ` (counted as ${
                      status.coverage.missingCountedAs === 'ignore'
                        ? 'neither'
                        : status.coverage.missingCountedAs
                    })`
                  : ''}
              </TableCell>
            </TableRow>
          )}
        </TableBody>
      </Table>

      {status && (
        <>
          <Typography
            variant="subtitle2"
            component="h4"
            style={{ marginTop: 16 }}
          >
            Burn rate per window
          </Typography>
          <Table size="small" aria-label={`Burn rates of ${objective.name}`}>
            <TableHead>
              <TableRow>
                <TableCell>Window</TableCell>
                <TableCell align="right">Bad share</TableCell>
                <TableCell align="right">Burn rate</TableCell>
                <TableCell align="right">
                  {unit === 'slices' ? 'Slices' : 'Events'}
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {status.burnRates.map(b => (
                <TableRow key={b.window}>
                  <TableCell>{b.window}</TableCell>
                  <TableCell align="right">
                    {b.errorRatio === null
                      ? 'no data'
                      : `${Number((b.errorRatio * 100).toFixed(4))} %`}
                  </TableCell>
                  <TableCell align="right">
                    {formatBurnRate(b.burnRate)}
                  </TableCell>
                  <TableCell align="right">
                    {Math.round(b.total).toLocaleString('en-US')}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>

          <Typography
            variant="subtitle2"
            component="h4"
            style={{ marginTop: 16 }}
          >
            Multi-window burn-rate alerts
          </Typography>
          <Table
            size="small"
            aria-label={`Burn-rate alert rules of ${objective.name}`}
          >
            <TableHead>
              <TableRow>
                <TableCell>Severity</TableCell>
                <TableCell align="right">Threshold</TableCell>
                <TableCell>Long window</TableCell>
                <TableCell>Short window</TableCell>
                <TableCell>State</TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {status.alert.rules.map((r, i) => (
                <TableRow key={i}>
                  <TableCell>
                    {r.severity}
                    {r.name ? ` (${r.name})` : ''}
                  </TableCell>
                  <TableCell align="right">
                    {formatBurnRate(r.burnRate)}
                    {r.scaledFrom !== undefined
                      ? ` (${formatBurnRate(
                          r.scaledFrom,
                        )} scaled to the target)`
                      : ''}
                    {r.outOfReach ? ' ⚠' : ''}
                  </TableCell>
                  <TableCell>
                    {r.longWindow}: {formatBurnRate(r.longBurnRate)}
                  </TableCell>
                  <TableCell>
                    {r.shortWindow}: {formatBurnRate(r.shortBurnRate)}
                  </TableCell>
                  <TableCell>
                    {r.firing ? <AlertChip state={r.severity} /> : 'not firing'}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>

          <Typography
            variant="subtitle2"
            component="h4"
            style={{ marginTop: 16 }}
          >
            Budget burn-down
          </Typography>
          <BurnDownChart
            name={objective.name}
            points={status.burnDown}
            target={objective.target}
            height={220}
          />
        </>
      )}
    </InfoCard>
  );
}

function HistoryTable({
  history,
  results,
}: {
  history: SloHistoryDay[];
  results: SloObjectiveResult[];
}) {
  if (history.length === 0) return null;
  return (
    <InfoCard
      title="Recorded history"
      subheader="One snapshot a day, kept by the portal"
    >
      <Table size="small" aria-label="Recorded SLO history">
        <TableHead>
          <TableRow>
            <TableCell>Day</TableCell>
            {results.map(r => (
              <TableCell key={r.objective.id} align="right">
                {r.objective.name}: SLI / budget left
              </TableCell>
            ))}
          </TableRow>
        </TableHead>
        <TableBody>
          {history.map(day => (
            <TableRow key={day.day}>
              <TableCell>{day.day}</TableCell>
              {results.map(r => {
                const entry = day.objectives.find(o => o.id === r.objective.id);
                return (
                  <TableCell key={r.objective.id} align="right">
                    {entry
                      ? `${formatSli(
                          entry.sli,
                          r.objective.target,
                        )} / ${formatShare(entry.remaining)}`
                      : '–'}
                  </TableCell>
                );
              })}
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </InfoCard>
  );
}

/** Entity tab: every SLO in detail, window by window, and the recorded history. */
export function EntitySloContent() {
  const { value, loading, error } = useEntitySlos();
  if (loading || error || !value || value.objectives.length === 0) {
    return (
      <OpsCard
        title="Service level objectives"
        loading={loading && !value}
        error={error}
        empty={
          value && value.problems.length === 0 ? <SloEmptyState /> : undefined
        }
        freshness={value}
      >
        {value && <SloProblems problems={value.problems} />}
      </OpsCard>
    );
  }
  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12}>
        <OpsCard title="Service level objectives" freshness={value}>
          <Typography variant="body2">
            {value.objectives.length} SLOs, evaluated from CloudWatch by the
            portal's refresh task. A burn rate of 1x spends the budget exactly
            over the window.
          </Typography>
          <SloProblems problems={value.problems} />
        </OpsCard>
      </Grid>
      {value.objectives.map(result => (
        <Grid item xs={12} lg={6} key={result.objective.id}>
          <ObjectiveDetails result={result} />
        </Grid>
      ))}
      <Grid item xs={12}>
        <HistoryTable history={value.history} results={value.objectives} />
      </Grid>
    </Grid>
  );
}
