import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_PAGERDUTY_USER_ID,
  HOME_SHIFT_DAYS,
  HomeShift,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { formatInstant, HomeCardBody, relativeInstant } from './HomeCardBody';

function when(shift: HomeShift): string {
  if (!shift.start || !shift.end) return 'Always, while the level targets you';
  const range = `${formatInstant(shift.start)} – ${formatInstant(shift.end)}`;
  return shift.now
    ? `${range} (ends ${relativeInstant(shift.end)})`
    : `${range} (starts ${relativeInstant(shift.start)})`;
}

function ShiftItem({ shift }: { shift: HomeShift }) {
  const name = shift.schedule?.name ?? 'Escalation policy';
  const levels = shift.levels
    .map(l => `${l.label} on ${l.policyName}`)
    .join('; ');
  return (
    <ListItem
      disableGutters
      divider
      aria-label={`${shift.now ? 'On call now: ' : ''}${name}`}
      style={{ display: 'block' }}
    >
      <Typography variant="subtitle2" component="div">
        {shift.now && (
          <Chip
            size="small"
            color="secondary"
            label="On call now"
            style={{ marginRight: 8 }}
          />
        )}
        {shift.override && (
          <Chip
            size="small"
            variant="outlined"
            label="Override"
            style={{ marginRight: 8 }}
          />
        )}
        {shift.schedule?.htmlUrl ? (
          <Link to={shift.schedule.htmlUrl}>{name}</Link>
        ) : (
          name
        )}
      </Typography>
      <Typography variant="body2">{when(shift)}</Typography>
      {levels && (
        <Typography variant="body2" color="textSecondary">
          {levels}
        </Typography>
      )}
      {shift.entities.length > 0 && (
        <Typography variant="body2" color="textSecondary" component="p">
          For{' '}
          {shift.entities.map((e, i) => (
            <span key={e.entityRef}>
              {i > 0 && ', '}
              <EntityRefLink entityRef={e.entityRef} title={e.title} />
            </span>
          ))}
        </Typography>
      )}
    </ListItem>
  );
}

/**
 * Home card content: the signed-in user's on-call shifts, now and in the
 * next four weeks (`GET /home/on-call-shifts`).
 * @public
 */
export function MyOnCallShiftsContent() {
  const api = useApi(opsApiRef);
  const { value, loading, error } = useAsync(() => api.getHomeShifts(), [api]);
  return (
    <HomeCardBody
      loading={loading}
      error={error}
      freshness={value}
      empty={
        value && value.shifts.length === 0 ? (
          <>
            You have no on-call shifts in the next {HOME_SHIFT_DAYS} days.
            Shifts are found by your PagerDuty user: if you are on a rotation,
            add <code>{ANNOTATION_PAGERDUTY_USER_ID}</code> to your User entity
            or use the same email in both.
          </>
        ) : undefined
      }
    >
      {value && (
        <List dense aria-label="My on-call shifts">
          {value.shifts.map(s => (
            <ShiftItem
              key={`${s.schedule?.id}|${s.start}|${s.end}`}
              shift={s}
            />
          ))}
        </List>
      )}
    </HomeCardBody>
  );
}
