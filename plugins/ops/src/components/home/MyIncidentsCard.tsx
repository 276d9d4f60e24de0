import { ReactNode, useEffect, useId, useState } from 'react';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import LinearProgress from '@material-ui/core/LinearProgress';
import {
  HomeIncident,
  HomeIncidentReason,
  HomeIncidentsResponse,
  HomeOverdueReview,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import {
  IncidentLinks,
  useOptionalIncidentLinks,
} from '../incidents/useIncidentLinks';
import { HomeCardBody, relativeInstant } from './HomeCardBody';

const reasonWords: Record<HomeIncidentReason, string> = {
  assigned: 'assigned to you',
  'on-call': 'you are on call',
  owned: 'your team owns it',
  team: 'your team answers for it',
};

function IncidentItem(props: {
  incident: HomeIncident;
  links?: IncidentLinks;
}) {
  const { incident, links } = props;
  const title = `${incident.severity} ${incident.title}`;
  const href = links ? links.incident(incident.id) : incident.htmlUrl;
  return (
    <ListItem
      disableGutters
      divider
      aria-label={title}
      style={{ display: 'block' }}
    >
      <Typography variant="subtitle2" component="p">
        <strong>
          {incident.severity} {incident.severityLabel}
        </strong>{' '}
        {href ? <Link to={href}>{incident.title}</Link> : incident.title}
      </Typography>
      <Typography variant="body2">
        {incident.status === 'triggered' ? 'Triggered' : 'Acknowledged'}, opened{' '}
        {relativeInstant(incident.createdAt)}
        {incident.serviceName && ` on ${incident.serviceName}`} ·{' '}
        {incident.reasons.map(r => reasonWords[r]).join(', ')}
      </Typography>
      <Typography variant="body2" color="textSecondary" component="p">
        <EntityRefLinks entityRefs={incident.entityRefs} />
      </Typography>
    </ListItem>
  );
}

function ReviewItem(props: {
  review: HomeOverdueReview;
  links?: IncidentLinks;
}) {
  const { review, links } = props;
  const href =
    links && review.incidentId ? links.incident(review.incidentId) : undefined;
  const title = `${review.id}: ${review.title}`;
  return (
    <ListItem
      disableGutters
      divider
      aria-label={title}
      style={{ display: 'block' }}
    >
      <Typography variant="subtitle2" component="p">
        {href ? <Link to={href}>{title}</Link> : title}
      </Typography>
      <Typography variant="body2" color="error">
        Due {review.dueDate} (overdue)
      </Typography>
    </ListItem>
  );
}

/** A headed list of the card, or a sentence when it has no items. */
function Section(props: {
  id: string;
  heading: string;
  none: string;
  children: ReactNode[];
}) {
  const { id, heading, none, children } = props;
  return (
    <>
      <Typography variant="overline" component="h3" id={id}>
        {heading}
      </Typography>
      {children.length === 0 ? (
        <Typography variant="body2">{none}</Typography>
      ) : (
        <List dense aria-labelledby={id}>
          {children}
        </List>
      )}
    </>
  );
}

/** How often the card asks again while the backend is still reading. */
const POLL_WHILE_LOADING_MS = 10_000;

/**
 * The user's incidents, asked again every `pollMs` while the backend says
 * it is still reading them (right after a start); the last answer stays on
 * screen in between.
 */
function useHomeIncidents(pollMs: number) {
  const api = useApi(opsApiRef);
  const [state, setState] = useState<{
    value?: HomeIncidentsResponse;
    error?: Error;
  }>({});
  useEffect(() => {
    let cancelled = false;
    let timer: ReturnType<typeof setTimeout> | undefined;
    const load = async () => {
      try {
        const value = await api.getHomeIncidents();
        if (cancelled) return;
        setState({ value });
        if (value.loading) timer = setTimeout(load, pollMs);
      } catch (error) {
        if (!cancelled) setState({ error: error as Error });
      }
    };
    load();
    return () => {
      cancelled = true;
      if (timer) clearTimeout(timer);
    };
  }, [api, pollMs]);
  return { ...state, loading: !state.value && !state.error };
}

/**
 * Home card content: the signed-in user's open incidents and the overdue
 * post-incident reviews they own (`GET /home/incidents`). While the backend
 * is still reading incidents for the first time the card says so and asks
 * again every `pollIntervalMs` (default 10 s) until it has them all.
 * @public
 */
export function MyIncidentsContent(props: { pollIntervalMs?: number } = {}) {
  const links = useOptionalIncidentLinks();
  const { value, loading, error } = useHomeIncidents(
    props.pollIntervalMs ?? POLL_WHILE_LOADING_MS,
  );
  const id = useId();
  const reading = Boolean(value?.loading);
  const incidentList = (items: HomeIncident[]) => (
    <Section
      id={`${id}-incidents`}
      heading={`Open incidents (${items.length})`}
      none={reading ? 'None found yet.' : 'None on your services right now.'}
    >
      {items.map(i => (
        <IncidentItem key={i.id} incident={i} links={links} />
      ))}
    </Section>
  );
  // The user's own overdue reviews come first when there are some.
  const reviews = (items: HomeOverdueReview[]) => (
    <Section
      id={`${id}-reviews`}
      heading={`Overdue reviews (${items.length})`}
      none="None of your reviews is overdue."
    >
      {items.map(r => (
        <ReviewItem key={r.id} review={r} links={links} />
      ))}
    </Section>
  );
  const nothing =
    value &&
    !reading &&
    value.incidents.length === 0 &&
    value.overdueReviews.length === 0;
  return (
    <HomeCardBody
      loading={loading}
      error={error}
      freshness={value}
      empty={
        nothing
          ? 'No open incidents on your services and no overdue reviews.'
          : undefined
      }
    >
      {value && (
        <>
          {reading && (
            <div role="status" aria-live="polite">
              <Typography variant="body2" component="p">
                Still reading incidents from PagerDuty (the portal has just
                started): this list may be incomplete and updates by itself.
              </Typography>
              <LinearProgress aria-label="Reading incidents" />
            </div>
          )}
          {value.overdueReviews.length > 0 ? (
            <>
              {reviews(value.overdueReviews)}
              {incidentList(value.incidents)}
            </>
          ) : (
            <>
              {incidentList(value.incidents)}
              {reviews(value.overdueReviews)}
            </>
          )}
        </>
      )}
    </HomeCardBody>
  );
}
