import { Link } from '@backstage/core-components';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import IconButton from '@material-ui/core/IconButton';
import Tooltip from '@material-ui/core/Tooltip';
import EmailIcon from '@material-ui/icons/Email';
import OpenInNewIcon from '@material-ui/icons/OpenInNew';
import { OnCallPerson } from '@opsportal/plugin-ops-common';

/**
 * A person on call: the name (their catalog page when there is one), and
 * contact links (email, PagerDuty profile) with labels for screen readers.
 */
export function Person(props: { person: OnCallPerson; contacts?: boolean }) {
  const { person, contacts = true } = props;
  const name = person.userEntityRef ? (
    <EntityRefLink entityRef={person.userEntityRef} title={person.name} />
  ) : (
    <span>{person.name}</span>
  );
  return (
    <span>
      {name}
      {contacts && person.email && (
        <Tooltip title={`Email ${person.email}`}>
          <IconButton
            size="small"
            href={`mailto:${person.email}`}
            aria-label={`Email ${person.name}`}
          >
            <EmailIcon fontSize="inherit" />
          </IconButton>
        </Tooltip>
      )}
      {contacts && person.htmlUrl && (
        <Tooltip title="PagerDuty profile">
          <IconButton
            size="small"
            component={Link}
            to={person.htmlUrl}
            aria-label={`${person.name} in PagerDuty`}
          >
            <OpenInNewIcon fontSize="inherit" />
          </IconButton>
        </Tooltip>
      )}
    </span>
  );
}

/** People separated by commas. */
export function People(props: {
  people: OnCallPerson[];
  contacts?: boolean;
  empty?: string;
}) {
  if (props.people.length === 0) return <span>{props.empty ?? 'nobody'}</span>;
  return (
    <>
      {props.people.map((p, i) => (
        <span key={p.id}>
          {i > 0 && ', '}
          <Person person={p} contacts={props.contacts} />
        </span>
      ))}
    </>
  );
}
