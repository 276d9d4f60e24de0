import { Link } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { RotationShift, RotationView } from '@opsportal/plugin-ops-common';
import {
  Bar,
  BarChart,
  Cell,
  LabelList,
  ResponsiveContainer,
  XAxis,
  YAxis,
} from 'recharts';
import { formatWhen } from './helpers';
import { Person } from './Person';

const PALETTE = [
  '#1565c0',
  '#2e7d32',
  '#6a1b9a',
  '#ef6c00',
  '#00838f',
  '#ad1457',
  '#4e342e',
  '#37474f',
];
const OVERRIDE_COLOR = '#c62828';
const HOUR = 3_600_000;

const useStyles = makeStyles(theme => ({
  rotation: { marginBottom: theme.spacing(3) },
  legend: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(2),
    listStyle: 'none',
    padding: 0,
    margin: theme.spacing(1, 0),
  },
  swatch: {
    display: 'inline-block',
    width: 12,
    height: 12,
    marginRight: theme.spacing(0.5),
    verticalAlign: 'middle',
  },
}));

interface Segment {
  hours: number;
  shift?: RotationShift;
}

function segments(rotation: RotationView): Segment[] {
  const since = Date.parse(rotation.since);
  const until = Date.parse(rotation.until);
  const result: Segment[] = [];
  let cursor = since;
  for (const shift of rotation.shifts) {
    const start = Math.max(Date.parse(shift.start), since);
    const end = Math.min(Date.parse(shift.end), until);
    if (end <= start) continue;
    if (start > cursor) result.push({ hours: (start - cursor) / HOUR });
    result.push({ hours: (end - start) / HOUR, shift });
    cursor = end;
  }
  if (cursor < until) result.push({ hours: (until - cursor) / HOUR });
  return result;
}

function fillOf(part: Segment, colors: Map<string, string>): string {
  if (!part.shift) return 'transparent';
  if (part.shift.override) return OVERRIDE_COLOR;
  return colors.get(part.shift.person.id) ?? PALETTE[0];
}

function colorsOf(rotation: RotationView): Map<string, string> {
  const colors = new Map<string, string>();
  for (const s of rotation.shifts) {
    if (!colors.has(s.person.id)) {
      colors.set(s.person.id, PALETTE[colors.size % PALETTE.length]);
    }
  }
  return colors;
}

/**
 * A schedule's rotation over the coming weeks as a timeline (who, when,
 * handoffs; overrides in red), with the same shifts as a table for screen
 * readers and for reading exact times.
 */
export function RotationTimeline(props: { rotation: RotationView }) {
  const { rotation } = props;
  const classes = useStyles();
  if (rotation.problem) {
    return (
      <Typography variant="body2" color="error" role="alert">
        {rotation.problem}
      </Typography>
    );
  }
  const parts = segments(rotation);
  const colors = colorsOf(rotation);
  const row: Record<string, number | string> = { name: rotation.name };
  parts.forEach((p, i) => {
    row[`s${i}`] = p.hours;
  });
  const totalHours =
    (Date.parse(rotation.until) - Date.parse(rotation.since)) / HOUR;
  const since = Date.parse(rotation.since);
  const ticks: number[] = [];
  for (let h = 0; h <= totalHours; h += 7 * 24) ticks.push(h);
  const weeks = Math.round(totalHours / (7 * 24));
  const people = [...colors.entries()].map(([id, color]) => ({
    id,
    color,
    name: rotation.shifts.find(s => s.person.id === id)!.person.name,
  }));

  return (
    <section
      className={classes.rotation}
      aria-label={`Rotation of ${rotation.name}`}
    >
      <Typography variant="subtitle1" component="h3">
        {rotation.htmlUrl ? (
          <Link to={rotation.htmlUrl}>{rotation.name}</Link>
        ) : (
          rotation.name
        )}{' '}
        <Typography variant="caption" component="span">
          next {weeks} weeks
          {rotation.timeZone
            ? ` · schedule time zone ${rotation.timeZone}`
            : ''}
          {rotation.source === 'v3' ? ' · shift-based (v3) schedule' : ''}
        </Typography>
      </Typography>
      <div aria-hidden="true" style={{ height: 90 }}>
        <ResponsiveContainer width="100%" height="100%">
          <BarChart
            data={[row]}
            layout="vertical"
            margin={{ top: 4, right: 16, bottom: 4, left: 0 }}
            barCategoryGap={2}
          >
            <XAxis
              type="number"
              domain={[0, totalHours]}
              ticks={ticks}
              tickFormatter={(h: number) =>
                new Date(since + h * HOUR).toLocaleDateString(undefined, {
                  day: 'numeric',
                  month: 'short',
                })
              }
            />
            <YAxis type="category" dataKey="name" hide />
            {parts.map((part, i) => (
              <Bar
                key={i}
                dataKey={`s${i}`}
                stackId="rotation"
                isAnimationActive={false}
              >
                <Cell fill={fillOf(part, colors)} stroke="#fff" />
                <LabelList
                  dataKey={`s${i}`}
                  position="center"
                  fill="#fff"
                  fontSize={11}
                  formatter={() =>
                    part.shift && part.hours >= 36
                      ? part.shift.person.name.split(' ')[0]
                      : ''
                  }
                />
              </Bar>
            ))}
          </BarChart>
        </ResponsiveContainer>
      </div>
      <ul className={classes.legend}>
        {people.map(p => (
          <li key={p.id}>
            <span className={classes.swatch} style={{ background: p.color }} />
            {p.name}
          </li>
        ))}
        {rotation.overrides.length > 0 && (
          <li>
            <span
              className={classes.swatch}
              style={{ background: OVERRIDE_COLOR }}
            />
            Override
          </li>
        )}
      </ul>
      <Table size="small" aria-label={`Shifts of ${rotation.name}`}>
        <TableHead>
          <TableRow>
            <TableCell>On call</TableCell>
            <TableCell>From</TableCell>
            <TableCell>Until (handoff)</TableCell>
            <TableCell />
          </TableRow>
        </TableHead>
        <TableBody>
          {rotation.shifts.map(shift => (
            <TableRow key={`${shift.start}-${shift.person.id}`}>
              <TableCell>
                <Person person={shift.person} contacts={false} />
              </TableCell>
              <TableCell>{formatWhen(shift.start)}</TableCell>
              <TableCell>{formatWhen(shift.end)}</TableCell>
              <TableCell>
                {shift.override && (
                  <Chip size="small" label="Override" color="secondary" />
                )}
              </TableCell>
            </TableRow>
          ))}
        </TableBody>
      </Table>
    </section>
  );
}
