import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import AddAlert from '@material-ui/icons/AddAlert';
import Announcement from '@material-ui/icons/Announcement';
import AssignmentInd from '@material-ui/icons/AssignmentInd';
import CheckCircle from '@material-ui/icons/CheckCircle';
import Comment from '@material-ui/icons/Comment';
import DoneAll from '@material-ui/icons/DoneAll';
import FiberManualRecord from '@material-ui/icons/FiberManualRecord';
import GroupAdd from '@material-ui/icons/GroupAdd';
import SwapHoriz from '@material-ui/icons/SwapHoriz';
import TrendingUp from '@material-ui/icons/TrendingUp';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import {
  IncidentTimelineEntry,
  IncidentTimelineKind,
} from '@opsportal/plugin-ops-common';
import { ComponentType } from 'react';
import { formatWhen } from '../oncall/helpers';

const ICONS: Record<IncidentTimelineKind, ComponentType<{ fontSize?: any }>> = {
  triggered: AddAlert,
  acknowledged: CheckCircle,
  escalated: TrendingUp,
  reassigned: SwapHoriz,
  note: Comment,
  'status-update': Announcement,
  'responder-requested': GroupAdd,
  'role-assigned': AssignmentInd,
  resolved: DoneAll,
  other: FiberManualRecord,
};

/** Words for each kind, for screen readers (the icon is decoration). */
const KIND_LABELS: Record<IncidentTimelineKind, string> = {
  triggered: 'Triggered',
  acknowledged: 'Acknowledged',
  escalated: 'Escalated',
  reassigned: 'Reassigned',
  note: 'Note',
  'status-update': 'Status update',
  'responder-requested': 'Responder requested',
  'role-assigned': 'Role assigned',
  resolved: 'Resolved',
  other: 'Event',
};

/** Visually hidden, read by screen readers. */
export const srOnly = {
  position: 'absolute',
  width: 1,
  height: 1,
  padding: 0,
  margin: -1,
  overflow: 'hidden',
  clip: 'rect(0, 0, 0, 0)',
  whiteSpace: 'nowrap',
  border: 0,
} as const;

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    display: 'grid',
    gridTemplateColumns: '2rem 1fr',
    gap: theme.spacing(1),
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
  icon: { color: theme.palette.text.secondary, paddingTop: 2 },
  detail: { whiteSpace: 'pre-wrap', margin: theme.spacing(0.5, 0, 0, 0) },
}));

/**
 * The incident's timeline, oldest first: PagerDuty's log entries, notes and
 * status updates, and the portal's role assignments.
 */
export function IncidentTimeline(props: { entries: IncidentTimelineEntry[] }) {
  const classes = useStyles();
  if (props.entries.length === 0) {
    return (
      <Typography variant="body2">Nothing on the timeline yet.</Typography>
    );
  }
  const entries = [...props.entries].sort(
    (a, b) => Date.parse(a.at) - Date.parse(b.at),
  );
  return (
    <ol className={classes.list} aria-label="Timeline">
      {entries.map(entry => {
        const Icon = ICONS[entry.kind] ?? FiberManualRecord;
        return (
          <li key={entry.id} className={classes.item}>
            <span className={classes.icon} aria-hidden="true">
              <Icon fontSize="small" />
            </span>
            <div>
              <Typography variant="body2" component="div">
                <span style={srOnly}>{KIND_LABELS[entry.kind]}: </span>
                <strong>{entry.summary}</strong>
              </Typography>
              <Typography
                variant="caption"
                color="textSecondary"
                component="div"
              >
                <time dateTime={entry.at}>{formatWhen(entry.at)}</time>
                {entry.actor && (
                  <>
                    {' · '}
                    {entry.actor.ref ? (
                      <EntityRefLink
                        entityRef={entry.actor.ref}
                        title={entry.actor.name}
                      />
                    ) : (
                      entry.actor.name
                    )}
                  </>
                )}
                {entry.source === 'portal' && ' · in the portal'}
              </Typography>
              {entry.detail && (
                <Typography
                  variant="body2"
                  component="p"
                  className={classes.detail}
                >
                  {entry.detail}
                </Typography>
              )}
            </div>
          </li>
        );
      })}
    </ol>
  );
}
