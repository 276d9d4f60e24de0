import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { IncidentRelatedChange } from '@opsportal/plugin-ops-common';
import { formatWhen } from '../oncall/helpers';
import { useOptionalChangesLinks } from '../changes/useChangesLinks';

const useStyles = makeStyles(theme => ({
  list: { listStyle: 'none', margin: 0, padding: 0 },
  item: {
    padding: theme.spacing(1, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
  },
}));

const EVENT_WORDS: Record<IncidentRelatedChange['event'], string> = {
  started: 'started',
  completed: 'completed',
  'change-event': 'PagerDuty change event',
};

/** Where a change links to: our change request page, or PagerDuty. */
function useChangeHref() {
  const links = useOptionalChangesLinks();
  return (change: IncidentRelatedChange): string | undefined => {
    if (change.source === 'change-request') {
      return links?.detail(change.id) ?? change.url;
    }
    return change.url;
  };
}

/**
 * "What changed?": the change requests of the incident's services that
 * started or completed in the 24 h before it, and PagerDuty's change
 * events, newest first.
 */
export function WhatChanged(props: { changes: IncidentRelatedChange[] }) {
  const classes = useStyles();
  const hrefOf = useChangeHref();
  if (props.changes.length === 0) {
    return (
      <Typography variant="body2">
        No changes to the affected services in the 24 hours before the incident.
      </Typography>
    );
  }
  const changes = [...props.changes].sort(
    (a, b) => Date.parse(b.at) - Date.parse(a.at),
  );
  return (
    <ul className={classes.list} aria-label="Changes before the incident">
      {changes.map(change => {
        const href = hrefOf(change);
        const name =
          change.source === 'change-request'
            ? `${change.id}: ${change.title}`
            : change.title;
        return (
          <li
            key={`${change.source}-${change.id}-${change.event}`}
            className={classes.item}
          >
            <Typography variant="body2" component="div">
              {href ? <Link to={href}>{name}</Link> : name}
            </Typography>
            <Typography variant="caption" color="textSecondary" component="div">
              {EVENT_WORDS[change.event]}{' '}
              <time dateTime={change.at}>{formatWhen(change.at)}</time>
              {change.entityRef && (
                <>
                  {' · '}
                  <EntityRefLink entityRef={change.entityRef} />
                </>
              )}
            </Typography>
          </li>
        );
      })}
    </ul>
  );
}
