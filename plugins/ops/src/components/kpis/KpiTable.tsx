import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  formatKpiTarget,
  formatKpiValue,
  kpiDefinition,
  KpiResult,
  KpiStatus,
  KpiTable as KpiTableName,
} from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import { CSSProperties, lazy, Suspense } from 'react';

// The chart library loads after the table's figures (its own chunk).
const HistoryLine = lazy(() =>
  import('./HistoryLine').then(m => ({ default: m.HistoryLine })),
);

const useStyles = makeStyles(theme => ({
  scroll: { overflowX: 'auto' },
  nameCell: { minWidth: 150 },
  name: { fontWeight: 500 },
  basisCell: { minWidth: 140 },
  basis: { display: 'block', color: theme.palette.text.secondary },
  value: { fontWeight: 600, whiteSpace: 'nowrap' },
  nowrap: { whiteSpace: 'nowrap' },
  better: { color: theme.palette.success?.main ?? '#2e7d32' },
  worse: { color: theme.palette.error.main },
  flat: { color: theme.palette.text.secondary },
  met: {
    color: theme.palette.success?.main ?? '#2e7d32',
    fontWeight: 600,
    whiteSpace: 'nowrap',
  },
  missed: {
    color: theme.palette.error.main,
    fontWeight: 600,
    whiteSpace: 'nowrap',
  },
  'no-data': { color: theme.palette.text.secondary, whiteSpace: 'nowrap' },
  arrow: { fontSize: '1.2rem', lineHeight: 1, marginRight: theme.spacing(0.5) },
}));

const STATUS_TEXT: Record<KpiStatus, string> = {
  met: 'Met',
  missed: 'Missed',
  'no-data': 'No data',
};

const srOnly: CSSProperties = {
  position: 'absolute',
  width: 1,
  height: 1,
  overflow: 'hidden',
  clip: 'rect(0 0 0 0)',
  whiteSpace: 'nowrap',
};

function day(iso: string): string {
  return DateTime.fromISO(iso).setLocale('en-US').toFormat('d LLL');
}

/** The trend arrow: direction of the value, coloured by better or worse. */
function Trend(props: { kpi: KpiResult }) {
  const classes = useStyles();
  const { trend } = props.kpi;
  if (!trend) {
    return (
      <Typography variant="body2" className={classes.flat}>
        <span aria-hidden="true">–</span>
        <span style={srOnly}>No trend: the previous period has no value</span>
      </Typography>
    );
  }
  const arrow = { up: '↑', down: '↓', flat: '→' }[trend.direction];
  let verdict = '';
  let tone = classes.flat;
  if (trend.better !== undefined) {
    verdict = trend.better ? ', better' : ', worse';
    tone = trend.better ? classes.better : classes.worse;
  }
  const label = `${
    { up: 'Up', down: 'Down', flat: 'Unchanged' }[trend.direction]
  } from ${trend.previousText}${verdict}`;
  return (
    <Typography
      variant="body2"
      className={`${tone} ${classes.nowrap}`}
      title={label}
    >
      <span className={classes.arrow} aria-hidden="true">
        {arrow}
      </span>
      <span aria-hidden="true">was {trend.previousText}</span>
      <span style={srOnly}>{label}</span>
    </Typography>
  );
}

/** A small history chart; the values are its accessible name and tooltip. */
function History(props: { kpi: KpiResult; width: number }) {
  const { kpi } = props;
  const points = kpi.history.map(h => ({
    at: h.at,
    value: h.value ?? null,
  }));
  const text = kpi.history
    .map(
      h =>
        `${day(h.at)}: ${formatKpiValue(kpi.id, h.value, {
          atLeast: h.atLeast,
        })}`,
    )
    .join('; ');
  const label = `${kpiDefinition(kpi.id).name} as of each week: ${text}`;
  if (points.every(p => p.value === null)) {
    return (
      <Typography variant="body2" color="textSecondary">
        <span aria-hidden="true">–</span>
        <span style={srOnly}>No history</span>
      </Typography>
    );
  }
  return (
    <div role="img" aria-label={label} title={text}>
      <Suspense fallback={<div style={{ width: props.width, height: 32 }} />}>
        <HistoryLine width={props.width} points={points} />
      </Suspense>
    </div>
  );
}

/**
 * KPIs as the seed's tables show them — KPI, target, current, trend — with
 * the status against the target and a small history chart.
 */
export function KpiTable(props: {
  kpis: KpiResult[];
  /** Only the KPIs of one of the seed's tables. */
  table?: KpiTableName;
  /** Accessible name of the table. */
  label: string;
  showHistory?: boolean;
  showBasis?: boolean;
  /** Narrower, for cards beside others: the history goes under the value. */
  compact?: boolean;
}) {
  const {
    table,
    label,
    showHistory = true,
    showBasis = true,
    compact = false,
  } = props;
  const classes = useStyles();
  const kpis = table
    ? props.kpis.filter(k => kpiDefinition(k.id).table === table)
    : props.kpis;
  return (
    <div className={classes.scroll}>
      <Table size="small" aria-label={label}>
        <TableHead>
          <TableRow>
            <TableCell>KPI</TableCell>
            <TableCell>Target</TableCell>
            <TableCell>Current</TableCell>
            <TableCell>Trend</TableCell>
            <TableCell>Status</TableCell>
            {showHistory && !compact && <TableCell>History</TableCell>}
          </TableRow>
        </TableHead>
        <TableBody>
          {kpis.map(kpi => {
            const definition = kpiDefinition(kpi.id);
            return (
              <TableRow key={kpi.id} data-kpi={kpi.id}>
                <TableCell
                  component="th"
                  scope="row"
                  role="rowheader"
                  className={classes.nameCell}
                >
                  <span className={classes.name} title={definition.definition}>
                    {definition.name}
                  </span>
                </TableCell>
                <TableCell className={classes.nowrap}>
                  {formatKpiTarget(kpi.id, kpi.target)}
                </TableCell>
                <TableCell className={classes.basisCell}>
                  <span className={classes.value}>
                    {formatKpiValue(kpi.id, kpi.value, {
                      atLeast: kpi.atLeast,
                    })}
                  </span>
                  {showBasis && (
                    <Typography variant="caption" className={classes.basis}>
                      {kpi.basis}
                      {kpi.partialFrom &&
                        ` (data from ${day(kpi.partialFrom)} only)`}
                    </Typography>
                  )}
                  {showHistory && compact && <History kpi={kpi} width={100} />}
                </TableCell>
                <TableCell>
                  <Trend kpi={kpi} />
                </TableCell>
                <TableCell>
                  <span className={classes[kpi.status]}>
                    {STATUS_TEXT[kpi.status]}
                  </span>
                </TableCell>
                {showHistory && !compact && (
                  <TableCell>
                    <History kpi={kpi} width={110} />
                  </TableCell>
                )}
              </TableRow>
            );
          })}
        </TableBody>
      </Table>
    </div>
  );
}
