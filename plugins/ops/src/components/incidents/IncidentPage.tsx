import { useRef, useState } from 'react';
import { Route, Routes, useParams } from 'react-router-dom';
import {
  Content,
  Header,
  HeaderLabel,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
  WarningPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLinks } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import Alert from '@material-ui/lab/Alert';
import {
  IncidentDetail,
  incidentStageLabels,
} from '@opsportal/plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { formatWhen } from '../oncall/helpers';
import { IncidentReviewPanel } from '../reviews';
import { OpsCard, StaleNotice } from '../shared';
import { errorText } from './cadence';
import { IncidentRoles, RespondButton } from './IncidentRoles';
import { IncidentStageStepper } from './IncidentStageStepper';
import { IncidentTimeline } from './IncidentTimeline';
import { NoteForm } from './NoteForm';
import { responseText, SeverityChip, StatusText } from './IncidentViews';
import { ResponderRequestDialog } from './ResponderRequestDialog';
import { StatusUpdateForm, UpdateCadenceBanner } from './StatusUpdateForm';
import { WhatChanged } from './WhatChanged';

const STATUS_WORDS = {
  triggered: 'Triggered (not acknowledged)',
  acknowledged: 'Acknowledged',
  resolved: 'Resolved',
} as const;

/** Severity, response target, status, affected services. */
function IncidentSummary(props: { detail: IncidentDetail }) {
  const { incident, entityRefs } = props.detail;
  return (
    <dl style={{ margin: 0 }} aria-label="Incident summary">
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6} md={3}>
          <Typography variant="caption" component="dt">
            Severity
          </Typography>
          <dd style={{ margin: 0 }}>
            <SeverityChip incident={incident} />{' '}
            <Typography variant="body2" component="span">
              respond within {incident.responseTarget}
            </Typography>
          </dd>
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <Typography variant="caption" component="dt">
            Response target
          </Typography>
          <Typography variant="body2" component="dd" style={{ margin: 0 }}>
            <StatusText status={incident.response}>
              {responseText(incident)}
            </StatusText>
          </Typography>
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <Typography variant="caption" component="dt">
            Status
          </Typography>
          <Typography variant="body2" component="dd" style={{ margin: 0 }}>
            {STATUS_WORDS[incident.status]}, raised{' '}
            <time dateTime={incident.createdAt}>
              {formatWhen(incident.createdAt)}
            </time>
            {incident.resolvedAt && (
              <>
                , resolved{' '}
                <time dateTime={incident.resolvedAt}>
                  {formatWhen(incident.resolvedAt)}
                </time>
              </>
            )}
          </Typography>
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <Typography variant="caption" component="dt">
            Affected services
          </Typography>
          <Typography variant="body2" component="dd" style={{ margin: 0 }}>
            {entityRefs.length > 0 ? (
              <EntityRefLinks entityRefs={entityRefs} />
            ) : (
              incident.serviceName ?? incident.serviceId
            )}
          </Typography>
        </Grid>
      </Grid>
    </dl>
  );
}

/** PagerDuty, the chat channel, the status page post. */
function IncidentLinksList(props: { detail: IncidentDetail }) {
  const { links } = props.detail;
  const items: JSX.Element[] = [];
  if (links.pagerDuty) {
    items.push(
      <li key="pd">
        <Link to={links.pagerDuty}>Incident in PagerDuty</Link>
      </li>,
    );
  }
  if (links.chat) {
    items.push(
      <li key="chat">
        Chat channel:{' '}
        {links.chat.url ? (
          <Link to={links.chat.url}>{links.chat.name}</Link>
        ) : (
          <code>{links.chat.name}</code>
        )}
      </li>,
    );
  }
  if (links.statusPage) {
    items.push(
      <li key="status">
        <Link to={links.statusPage}>Status page post</Link>
      </li>,
    );
  }
  if (items.length === 0) {
    return <Typography variant="body2">No links.</Typography>;
  }
  return (
    <ul aria-label="Incident links" style={{ margin: 0, paddingLeft: 20 }}>
      {items}
    </ul>
  );
}

/** Who PagerDuty lists as assigned or responding, and "Request responder". */
function Responders(props: {
  incidentId: string;
  detail: IncidentDetail;
  onChange: () => void;
}) {
  const [open, setOpen] = useState(false);
  const { responders } = props.detail;
  return (
    <>
      {responders.length === 0 ? (
        <Typography variant="body2" paragraph>
          Nobody is assigned or responding yet.
        </Typography>
      ) : (
        <ul aria-label="Responders" style={{ marginTop: 0, paddingLeft: 20 }}>
          {responders.map(p => (
            <li key={p.id}>
              <Typography variant="body2" component="span">
                {p.htmlUrl ? <Link to={p.htmlUrl}>{p.name}</Link> : p.name}
                {p.email && (
                  <>
                    {' · '}
                    <a href={`mailto:${p.email}`}>{p.email}</a>
                  </>
                )}
              </Typography>
            </li>
          ))}
        </ul>
      )}
      <RespondButton
        allowed={props.detail.canRespond}
        onClick={() => setOpen(true)}
      >
        Request responder
      </RespondButton>
      <ResponderRequestDialog
        incidentId={props.incidentId}
        open={open}
        onClose={requested => {
          setOpen(false);
          if (requested) props.onChange();
        }}
      />
    </>
  );
}

/** The page of one incident, once loaded. */
export function IncidentDetailView(props: {
  incidentId: string;
  detail: IncidentDetail;
  onChange: () => void;
}) {
  const { incidentId, detail, onChange } = props;
  const { incident } = detail;
  const resolved = incident.status === 'resolved';
  return (
    <>
      <StaleNotice freshness={detail.freshness} />
      <Grid container spacing={3}>
        <Grid item xs={12}>
          <OpsCard title="Incident">
            <IncidentSummary detail={detail} />
            <Box mt={2}>
              <IncidentStageStepper
                stage={detail.stage}
                stages={detail.stages}
              />
            </Box>
          </OpsCard>
        </Grid>
        <Grid item xs={12} md={7}>
          <Grid container spacing={3} direction="column">
            <Grid item>
              <OpsCard title="Status updates">
                {detail.cadence && (
                  <UpdateCadenceBanner
                    cadence={detail.cadence}
                    resolved={resolved}
                  />
                )}
                <StatusUpdateForm
                  incidentId={incidentId}
                  canRespond={detail.canRespond}
                  onPosted={onChange}
                />
              </OpsCard>
            </Grid>
            <Grid item>
              <OpsCard title="Timeline" subheader="Oldest first">
                <IncidentTimeline entries={detail.timeline} />
                {detail.canRespond && (
                  <Box mt={2}>
                    <NoteForm incidentId={incidentId} onAdded={onChange} />
                  </Box>
                )}
              </OpsCard>
            </Grid>
          </Grid>
        </Grid>
        <Grid item xs={12} md={5}>
          <Grid container spacing={3} direction="column">
            <Grid item>
              <OpsCard title="Roles">
                <IncidentRoles
                  incidentId={incidentId}
                  detail={detail}
                  onChange={onChange}
                />
              </OpsCard>
            </Grid>
            <Grid item>
              <OpsCard title="Responders">
                <Responders
                  incidentId={incidentId}
                  detail={detail}
                  onChange={onChange}
                />
              </OpsCard>
            </Grid>
            <Grid item>
              <OpsCard title="Links">
                <IncidentLinksList detail={detail} />
              </OpsCard>
            </Grid>
            <Grid item>
              <OpsCard
                title="What changed?"
                subheader="Changes to the affected services in the 24 h before, newest first"
              >
                <WhatChanged changes={detail.whatChanged} />
              </OpsCard>
            </Grid>
          </Grid>
        </Grid>
        <Grid item xs={12}>
          <IncidentReviewPanel
            incidentId={incidentId}
            detail={detail}
            onChange={onChange}
          />
        </Grid>
      </Grid>
    </>
  );
}

/**
 * One incident (`/incidents/:id`): severity and response target, stage,
 * affected services, roles, status updates with their cadence, timeline,
 * responders, links, what changed before it, and its review.
 */
export function IncidentPage() {
  const { id = '' } = useParams();
  const api = useApi(opsApiRef);
  const {
    value: loaded,
    loading,
    error,
    retry,
  } = useAsyncRetry(() => api.getIncident(id), [api, id]);
  // A failed reload drops the value (react-use); keep showing the incident
  // as last loaded, with a warning, rather than blanking the page mid-call.
  const last = useRef<IncidentDetail>();
  if (loaded) last.current = loaded;
  const value =
    loaded ?? (last.current?.incident.id === id ? last.current : undefined);
  const incident = value?.incident;
  const title = incident?.title ?? `Incident ${id}`;
  let body: JSX.Element;
  if (!value && loading) {
    body = <Progress aria-label="Loading the incident" />;
  } else if (error && !value) {
    body =
      (error as { statusCode?: number }).statusCode === 404 ? (
        <WarningPanel
          severity="info"
          title={`No incident ${id}`}
          message="PagerDuty knows no incident with this id, or the ops portal cannot see it."
        />
      ) : (
        <ResponseErrorPanel error={error} />
      );
  } else {
    body = (
      <>
        {error && (
          <Alert severity="warning" role="alert" style={{ marginBottom: 8 }}>
            The incident could not be reloaded ({errorText(error)}); showing
            what was loaded before.
          </Alert>
        )}
        <IncidentDetailView incidentId={id} detail={value!} onChange={retry} />
      </>
    );
  }
  return (
    <>
      <Header
        title={title}
        type="Incident"
        subtitle={
          incident
            ? `${
                incident.number !== undefined ? `#${incident.number} · ` : ''
              }${incident.serviceName ?? incident.serviceId}`
            : undefined
        }
      >
        {incident && (
          <>
            <HeaderLabel
              label="Severity"
              value={`${incident.severity} ${incident.severityLabel}`}
            />
            <HeaderLabel
              label="Stage"
              value={incidentStageLabels[value!.stage]}
            />
          </>
        )}
      </Header>
      <Content>
        <div aria-busy={loading ? 'true' : 'false'}>{body}</div>
      </Content>
    </>
  );
}

/** `/incidents` without an id: where to find incidents. */
function IncidentsHome() {
  return (
    <>
      <Header title="Incidents" />
      <Content>
        <Typography variant="body1">
          Open an incident from its service's Incidents card, a team's On-call
          tab or the operations overview.
        </Typography>
      </Content>
    </>
  );
}

/**
 * The incident pages, mounted at `/incidents`: `/incidents/:id` is one
 * incident.
 */
export function IncidentsPage() {
  return (
    <Page themeId="tool">
      <Routes>
        <Route path="/" element={<IncidentsHome />} />
        <Route path="/:id" element={<IncidentPage />} />
      </Routes>
    </Page>
  );
}
