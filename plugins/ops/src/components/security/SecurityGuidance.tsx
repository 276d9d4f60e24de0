import Link from '@material-ui/core/Link';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import Alert from '@material-ui/lab/Alert';
import {
  ActiveSecurityAlert,
  SecurityContact,
  SecurityProcessStep,
  securityContactLinks,
} from '@opsportal/plugin-ops-common';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: theme.spacing(3) },
  item: { marginBottom: theme.spacing(0.5) },
  plain: { listStyle: 'none', margin: 0, padding: 0 },
}));

/** The security alerts raised now, or a line saying there are none. */
export function ActiveSecurityAlerts(props: { alerts: ActiveSecurityAlert[] }) {
  const classes = useStyles();
  if (props.alerts.length === 0) {
    return (
      <Alert severity="success" role="status">
        No security alert is raised.
      </Alert>
    );
  }
  return (
    <Alert severity="error" role="alert">
      <Typography variant="body2" component="p">
        {props.alerts.length === 1
          ? '1 security alert is raised:'
          : `${props.alerts.length} security alerts are raised:`}
      </Typography>
      <ul className={classes.list}>
        {props.alerts.map(a => (
          <li key={a.signalId} className={classes.item}>
            <strong>{a.title}</strong>: {a.reason}
          </li>
        ))}
      </ul>
      <Typography variant="body2" component="p">
        Follow the security incident process and tell the security contacts.
      </Typography>
    </Alert>
  );
}

/**
 * The security contacts. Their values are config, shown as text; emails,
 * phone numbers and URLs become links only when valid (never a
 * `javascript:` URL or a placeholder number).
 */
export function SecurityContacts(props: { contacts: SecurityContact[] }) {
  const classes = useStyles();
  if (props.contacts.length === 0) {
    return (
      <Typography variant="body2" color="textSecondary">
        No security contacts are configured (ops.security.contacts).
      </Typography>
    );
  }
  return (
    <ul className={classes.plain} aria-label="Security contacts">
      {props.contacts.map((contact, i) => {
        const links = securityContactLinks(contact);
        return (
          <li key={`${contact.role}-${i}`} className={classes.item}>
            <Typography variant="body2" component="span">
              <strong>{contact.role}</strong>
              {contact.email && (
                <>
                  {': '}
                  {links.mailto ? (
                    <Link href={links.mailto}>{contact.email}</Link>
                  ) : (
                    contact.email
                  )}
                </>
              )}
              {contact.phone && (
                <>
                  {': '}
                  {links.tel ? (
                    <Link href={links.tel}>{contact.phone}</Link>
                  ) : (
                    contact.phone
                  )}
                </>
              )}
              {contact.url && (
                <>
                  {': '}
                  {links.href ? (
                    <Link
                      href={links.href}
                      target="_blank"
                      rel="noopener noreferrer"
                    >
                      {contact.url}
                    </Link>
                  ) : (
                    contact.url
                  )}
                </>
              )}
            </Typography>
          </li>
        );
      })}
    </ul>
  );
}

/** The security incident process as an ordered list. */
export function SecurityProcess(props: { steps: SecurityProcessStep[] }) {
  const classes = useStyles();
  return (
    <ol className={classes.list} aria-label="Security incident process">
      {props.steps.map(step => (
        <li key={step.step} className={classes.item}>
          <Typography variant="body2" component="span">
            {step.title}
          </Typography>
          {step.description && (
            <Typography variant="caption" color="textSecondary" display="block">
              {step.description}
            </Typography>
          )}
        </li>
      ))}
    </ol>
  );
}
