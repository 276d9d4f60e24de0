import { Link } from '@backstage/core-components';
import Chip from '@material-ui/core/Chip';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import { OnCallLevel, OnCallPolicyView } from '@opsportal/plugin-ops-common';
import { formatWhen } from './helpers';
import { Person } from './Person';

const useStyles = makeStyles(theme => ({
  levels: { listStyle: 'none', margin: 0, padding: 0 },
  level: {
    display: 'grid',
    gridTemplateColumns: '7.5rem 1fr',
    gap: theme.spacing(1),
    padding: theme.spacing(0.75, 0),
    borderBottom: `1px solid ${theme.palette.divider}`,
    '&:last-child': { borderBottom: 'none' },
  },
  label: { fontWeight: 600 },
  detail: { color: theme.palette.text.secondary },
  override: { marginLeft: theme.spacing(1) },
}));

function LevelDetail({ level }: { level: OnCallLevel }) {
  const classes = useStyles();
  if (level.onCall.length === 0) {
    return (
      <Typography variant="body2" color="error">
        Nobody is on call at this level:{' '}
        {level.targets.map(t => t.name).join(', ') || 'no targets'}
      </Typography>
    );
  }
  return (
    <div>
      {level.onCall.map(a => (
        <div key={`${a.person.id}-${a.schedule?.id ?? 'direct'}`}>
          <Typography variant="body2" component="div">
            <Person person={a.person} />
            {a.override && (
              <Chip
                size="small"
                label="Override"
                className={classes.override}
                color="secondary"
              />
            )}
          </Typography>
          <Typography
            variant="caption"
            component="div"
            className={classes.detail}
          >
            {a.schedule ? (
              <>
                {a.schedule.htmlUrl ? (
                  <Link to={a.schedule.htmlUrl}>{a.schedule.name}</Link>
                ) : (
                  a.schedule.name
                )}
                {a.end && <> · on call until {formatWhen(a.end)}</>}
                {a.next && (
                  <>
                    {' '}
                    · then <Person person={a.next.person} contacts={false} />
                    {a.next.override && ' (override)'}
                  </>
                )}
              </>
            ) : (
              'Always paged at this level'
            )}
          </Typography>
        </div>
      ))}
    </div>
  );
}

/**
 * Every level of an escalation policy with who it pages now, when their
 * shift ends and who takes over, overrides marked.
 */
export function EscalationChain(props: {
  policy: OnCallPolicyView;
  /** Show the policy's name above the levels. */
  showName?: boolean;
}) {
  const { policy, showName } = props;
  const classes = useStyles();
  if (policy.problem) {
    return (
      <Typography variant="body2" color="error" role="alert">
        {policy.problem}
      </Typography>
    );
  }
  return (
    <div>
      {showName && (
        <Typography variant="subtitle2">
          Escalation policy{' '}
          {policy.htmlUrl ? (
            <Link to={policy.htmlUrl}>{policy.name}</Link>
          ) : (
            policy.name
          )}
        </Typography>
      )}
      <ol
        className={classes.levels}
        aria-label={`Escalation levels of ${policy.name}`}
      >
        {policy.levels.map((level, index) => (
          <li
            key={level.level}
            className={classes.level}
            aria-label={`${level.label}: ${
              level.onCall.map(a => a.person.name).join(', ') || 'nobody'
            }`}
          >
            <div>
              <Typography variant="body2" className={classes.label}>
                {level.label}
              </Typography>
              {index < policy.levels.length - 1 && (
                <Typography variant="caption" className={classes.detail}>
                  escalates after {level.delayMinutes} min
                </Typography>
              )}
            </div>
            <LevelDetail level={level} />
          </li>
        ))}
      </ol>
    </div>
  );
}
