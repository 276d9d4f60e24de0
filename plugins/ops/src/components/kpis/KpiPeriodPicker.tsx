import FormControl from '@material-ui/core/FormControl';
import InputLabel from '@material-ui/core/InputLabel';
import MenuItem from '@material-ui/core/MenuItem';
import Select from '@material-ui/core/Select';
import { makeStyles } from '@material-ui/core/styles';
import { KpiPeriod } from '@opsportal/plugin-ops-common';
import { DateTime } from 'luxon';
import { useId, useMemo } from 'react';

/** The period a KPI view shows. */
export interface KpiPeriodValue {
  period: KpiPeriod;
  /** YYYY-MM for `month`; absent means the current month. */
  month?: string;
}

const useStyles = makeStyles(theme => ({
  root: { display: 'flex', gap: theme.spacing(1), flexWrap: 'wrap' },
  control: { minWidth: 150 },
}));

const PERIOD_LABELS: Record<KpiPeriod, string> = {
  '30d': 'Last 30 days',
  '90d': 'Last 90 days',
  month: 'Calendar month',
};

/** The last twelve calendar months, the current one first (UTC). */
function recentMonths(now: Date): { value: string; label: string }[] {
  const start = DateTime.fromJSDate(now, { zone: 'UTC' }).startOf('month');
  return Array.from({ length: 12 }, (_, i) => {
    const month = start.minus({ months: i });
    return {
      value: month.toFormat('yyyy-MM'),
      label: `${month.setLocale('en-US').toFormat('LLLL yyyy')}${
        i === 0 ? ' (to date)' : ''
      }`,
    };
  });
}

/** Selects 30 days, 90 days, or a calendar month (and which). */
export function KpiPeriodPicker(props: {
  value: KpiPeriodValue;
  onChange: (value: KpiPeriodValue) => void;
}) {
  const { value, onChange } = props;
  const classes = useStyles();
  const id = useId();
  const months = useMemo(() => recentMonths(new Date()), []);
  return (
    <div className={classes.root}>
      <FormControl size="small" variant="outlined" className={classes.control}>
        <InputLabel id={`${id}-period`}>Period</InputLabel>
        <Select
          labelId={`${id}-period`}
          label="Period"
          value={value.period}
          onChange={e => onChange({ period: e.target.value as KpiPeriod })}
        >
          {(Object.keys(PERIOD_LABELS) as KpiPeriod[]).map(p => (
            <MenuItem key={p} value={p}>
              {PERIOD_LABELS[p]}
            </MenuItem>
          ))}
        </Select>
      </FormControl>
      {value.period === 'month' && (
        <FormControl
          size="small"
          variant="outlined"
          className={classes.control}
        >
          <InputLabel id={`${id}-month`}>Month</InputLabel>
          <Select
            labelId={`${id}-month`}
            label="Month"
            value={value.month ?? months[0].value}
            onChange={e =>
              onChange({ period: 'month', month: e.target.value as string })
            }
          >
            {months.map(m => (
              <MenuItem key={m.value} value={m.value}>
                {m.label}
              </MenuItem>
            ))}
          </Select>
        </FormControl>
      )}
    </div>
  );
}
