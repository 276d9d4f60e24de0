import { useState } from 'react';
import { Link, Progress, ResponseErrorPanel } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Button from '@material-ui/core/Button';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import ChevronLeft from '@material-ui/icons/ChevronLeft';
import ChevronRight from '@material-ui/icons/ChevronRight';
import {
  changeLabels,
  ChangeRequestSummary,
  FreezePeriod,
  MaintenanceWindow,
} from '@opsportal/plugin-ops-common';
import { DateTime, Interval } from 'luxon';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { statusTone } from './format';
import { useChangesLinks } from './useChangesLinks';

const useStyles = makeStyles(theme => ({
  nav: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(2),
    marginBottom: theme.spacing(1),
  },
  table: {
    width: '100%',
    borderCollapse: 'collapse',
    tableLayout: 'fixed',
    '& th': {
      padding: theme.spacing(0.5),
      textAlign: 'left',
      fontWeight: 500,
      borderBottom: `1px solid ${theme.palette.divider}`,
    },
    '& td': {
      verticalAlign: 'top',
      height: 104,
      padding: theme.spacing(0.5),
      border: `1px solid ${theme.palette.divider}`,
    },
  },
  caption: {
    captionSide: 'top',
    textAlign: 'left',
    paddingBottom: theme.spacing(1),
    color: theme.palette.text.secondary,
  },
  outside: { opacity: 0.45 },
  today: { boxShadow: `inset 0 0 0 2px ${theme.palette.primary.main}` },
  freezeDay: {
    backgroundImage: `repeating-linear-gradient(45deg, transparent, transparent 6px, ${theme.palette.error.light}33 6px, ${theme.palette.error.light}33 12px)`,
  },
  dayNumber: { fontWeight: 500 },
  items: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    fontSize: '0.75rem',
    lineHeight: 1.3,
    borderRadius: 3,
    padding: '1px 4px',
    marginTop: 2,
    overflowWrap: 'anywhere',
  },
  window: {
    backgroundColor: theme.palette.success.light,
    color: theme.palette.getContrastText(theme.palette.success.light),
  },
  freeze: {
    backgroundColor: theme.palette.error.main,
    color: theme.palette.error.contrastText,
  },
  change: { border: `1px solid ${theme.palette.divider}` },
  neutral: {},
  waiting: { borderLeft: `4px solid ${theme.palette.warning.main}` },
  good: { borderLeft: `4px solid ${theme.palette.success.main}` },
  active: { borderLeft: `4px solid ${theme.palette.info.main}` },
  bad: {
    borderLeft: `4px solid ${theme.palette.error.main}`,
    textDecoration: 'line-through',
  },
  done: { borderLeft: `4px solid ${theme.palette.grey[500]}` },
  legend: { marginTop: theme.spacing(2) },
}));

const WEEKDAYS = [
  'Monday',
  'Tuesday',
  'Wednesday',
  'Thursday',
  'Friday',
  'Saturday',
  'Sunday',
];

/**
 * A month of planned changes with the maintenance windows and change
 * freezes, in the policy's time zone. The same facts are listed as text
 * below the grid.
 */
export function ChangeCalendar() {
  const classes = useStyles();
  const opsApi = useApi(opsApiRef);
  const links = useChangesLinks();
  const [offset, setOffset] = useState(0);

  const policy = useAsync(() => opsApi.getChangePolicy(), [opsApi]);
  const zone = policy.value?.maintenanceWindow.timeZone;

  const month = useAsync(async () => {
    if (!zone) return undefined;
    const start = DateTime.now()
      .setZone(zone)
      .startOf('month')
      .plus({ months: offset });
    const end = start.plus({ months: 1 });
    const [calendar, changes] = await Promise.all([
      opsApi.getMaintenanceCalendar(start.toJSDate(), end.toJSDate()),
      opsApi.listChangeRequests({
        plannedFrom: start.toUTC().toISO()!,
        plannedTo: end.toUTC().toISO()!,
        sort: 'plannedStart',
        order: 'asc',
        limit: 200,
      }),
    ]);
    return { start, end, calendar, changes: changes.items };
  }, [opsApi, zone, offset]);

  if (policy.loading || (month.loading && !month.value)) {
    return <Progress aria-label="Loading the calendar" />;
  }
  const error = policy.error ?? month.error;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!month.value || !zone) return null;

  const { start, end, calendar, changes } = month.value;
  const gridStart = start.startOf('week');
  const gridEnd = end.minus({ days: 1 }).endOf('week');
  const weeks: DateTime[][] = [];
  for (let d = gridStart; d < gridEnd; d = d.plus({ weeks: 1 })) {
    weeks.push(Array.from({ length: 7 }, (_, i) => d.plus({ days: i })));
  }
  const today = DateTime.now().setZone(zone);
  const inZone = (iso: string) => DateTime.fromISO(iso, { zone });
  const onDay = (day: DateTime, iso: string) => inZone(iso).hasSame(day, 'day');
  const overlapsDay = (day: DateTime, s: string, e: string) =>
    Interval.fromDateTimes(day.startOf('day'), day.endOf('day')).overlaps(
      Interval.fromDateTimes(inZone(s), inZone(e)),
    );
  const title = start.toFormat('LLLL yyyy');
  const time = (iso: string) => inZone(iso).toFormat('HH:mm');
  const dayLabel = (iso: string) => inZone(iso).toFormat('ccc d LLL');

  return (
    <div>
      <div className={classes.nav}>
        <Button
          variant="outlined"
          size="small"
          startIcon={<ChevronLeft />}
          onClick={() => setOffset(o => o - 1)}
          aria-label="Previous month"
        >
          Previous
        </Button>
        <Typography variant="h6" component="h2" aria-live="polite">
          {title}
        </Typography>
        <Button
          variant="outlined"
          size="small"
          endIcon={<ChevronRight />}
          onClick={() => setOffset(o => o + 1)}
          aria-label="Next month"
        >
          Next
        </Button>
        {offset !== 0 && (
          <Button size="small" onClick={() => setOffset(0)}>
            This month
          </Button>
        )}
      </div>
      <table className={classes.table} aria-label={`Change calendar, ${title}`}>
        <caption className={classes.caption}>
          Times in {zone}. Maintenance window: {calendar.description}.
        </caption>
        <thead>
          <tr>
            {WEEKDAYS.map(d => (
              <th key={d} scope="col">
                <abbr title={d}>{d.slice(0, 3)}</abbr>
              </th>
            ))}
          </tr>
        </thead>
        <tbody>
          {weeks.map(week => (
            <tr key={week[0].toISODate()}>
              {week.map(day => {
                const windows = calendar.windows.filter(w =>
                  onDay(day, w.start),
                );
                const freezes = calendar.freezes.filter(f =>
                  overlapsDay(day, f.start, f.end),
                );
                const planned = changes.filter(c => onDay(day, c.plannedStart));
                const className = [
                  day.month !== start.month ? classes.outside : '',
                  day.hasSame(today, 'day') ? classes.today : '',
                  freezes.length ? classes.freezeDay : '',
                ].join(' ');
                return (
                  <td key={day.toISODate()} className={className}>
                    <div className={classes.dayNumber}>
                      <span aria-hidden="true">{day.day}</span>
                      <Typography variant="srOnly">
                        {day.toFormat('cccc d LLLL')}
                      </Typography>
                    </div>
                    <ul className={classes.items}>
                      {freezes.map(f => (
                        <li
                          key={f.name}
                          className={`${classes.item} ${classes.freeze}`}
                        >
                          Freeze: {f.name}
                        </li>
                      ))}
                      {windows.map(w => (
                        <li
                          key={w.start}
                          className={`${classes.item} ${classes.window}`}
                        >
                          Maintenance {time(w.start)}–{time(w.end)}
                        </li>
                      ))}
                      {planned.map(c => (
                        <li
                          key={c.id}
                          className={`${classes.item} ${classes.change} ${
                            classes[statusTone(c.status)]
                          }`}
                          title={`${c.id} ${c.title} (${
                            changeLabels.status[c.status]
                          })`}
                        >
                          <Link to={links.detail(c.id)}>
                            {time(c.plannedStart)} {c.id}
                          </Link>{' '}
                          {c.title}
                        </li>
                      ))}
                    </ul>
                  </td>
                );
              })}
            </tr>
          ))}
        </tbody>
      </table>
      <div className={classes.legend}>
        <CalendarSummary
          windows={calendar.windows}
          freezes={calendar.freezes}
          changes={changes}
          dayLabel={dayLabel}
          time={time}
          zone={zone}
          detail={links.detail}
        />
      </div>
    </div>
  );
}

function CalendarSummary(props: {
  windows: MaintenanceWindow[];
  freezes: FreezePeriod[];
  changes: ChangeRequestSummary[];
  dayLabel: (iso: string) => string;
  time: (iso: string) => string;
  zone: string;
  detail: (id: string) => string;
}) {
  const { windows, freezes, changes, dayLabel, time } = props;
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        Maintenance windows this month
      </Typography>
      <ul aria-label="Maintenance windows this month">
        {windows.map(w => (
          <li key={w.start}>
            {dayLabel(w.start)}, {time(w.start)}–{time(w.end)} ({props.zone})
          </li>
        ))}
        {windows.length === 0 && <li>None</li>}
      </ul>
      {freezes.length > 0 && (
        <>
          <Typography variant="subtitle2" component="h3">
            Change freezes
          </Typography>
          <ul aria-label="Change freezes">
            {freezes.map(f => (
              <li key={f.name}>
                {f.name}: {dayLabel(f.start)} {time(f.start)} to{' '}
                {dayLabel(f.end)} {time(f.end)}. No standard or normal changes.
              </li>
            ))}
          </ul>
        </>
      )}
      <Typography variant="subtitle2" component="h3">
        Planned changes this month
      </Typography>
      <ul aria-label="Planned changes this month">
        {changes.map(c => (
          <li key={c.id}>
            <Link to={props.detail(c.id)}>{c.id}</Link> {c.title}:{' '}
            {dayLabel(c.plannedStart)} {time(c.plannedStart)}–
            {time(c.plannedEnd)},{' '}
            {changeLabels.status[c.status].toLocaleLowerCase('en-US')}
          </li>
        ))}
        {changes.length === 0 && <li>No changes planned this month.</li>}
      </ul>
    </>
  );
}
