import { stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink, useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID,
  ANNOTATION_PAGERDUTY_SCHEDULE_ID,
} from '@opsportal/plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { EntityIncidentsCard } from '../incidents';
import { EmptyAnnotation, OpsCard } from '../shared';
import { EscalationChain } from './EscalationChain';
import { isTeamOnCallAvailable } from './helpers';
import { People } from './Person';
import { RotationTimeline } from './RotationTimeline';

/**
 * The team on-call tab of a Group: its escalation chain now, its rotation
 * for the next four weeks (handoffs and overrides), the services it answers
 * for with who is first paged, and their incidents.
 */
export function TeamOnCallContent() {
  const { entity } = useEntity();
  const api = useApi(opsApiRef);
  const available = isTeamOnCallAvailable(entity);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error } = useAsyncRetry(
    async () => (available ? api.getEntityOnCall(entityRef) : undefined),
    [api, entityRef, available],
  );
  const data = value?.data;
  const frame = { loading: loading && !value, error, freshness: value };
  const empty = !available ? (
    <EmptyAnnotation
      what="team on-call"
      annotation={ANNOTATION_PAGERDUTY_SCHEDULE_ID}
      example="PSCHED1"
    />
  ) : undefined;

  return (
    <Grid container spacing={3} alignItems="stretch">
      <Grid item xs={12} md={5}>
        <OpsCard title="On call now" {...frame} empty={empty}>
          {data?.escalationPolicies.map(policy => (
            <EscalationChain key={policy.id} policy={policy} showName />
          ))}
          {data && data.escalationPolicies.length === 0 && (
            <Typography variant="body2">
              Add <code>{ANNOTATION_PAGERDUTY_ESCALATION_POLICY_ID}</code> to
              see the whole escalation chain.
            </Typography>
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} md={7}>
        <OpsCard title="Rotation" {...frame} empty={empty}>
          {data?.rotations.map(rotation => (
            <RotationTimeline key={rotation.id} rotation={rotation} />
          ))}
          {data && data.rotations.length === 0 && (
            <Typography variant="body2">
              The team's escalation policies page people directly: there is no
              rotation.
            </Typography>
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <OpsCard
          title="Services the team answers for"
          subheader="Owned by the team, or paging through its escalation policy"
          {...frame}
          empty={empty}
        >
          {data && data.teamServices.length === 0 ? (
            <Typography variant="body2">
              No catalog service pages through this team yet.
            </Typography>
          ) : (
            <Table size="small" aria-label="Services the team answers for">
              <TableHead>
                <TableRow>
                  <TableCell>Service</TableCell>
                  <TableCell>PagerDuty service</TableCell>
                  <TableCell>Primary on call</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {data?.teamServices.map(s => (
                  <TableRow key={`${s.entityRef}-${s.serviceId}`}>
                    <TableCell>
                      <EntityRefLink entityRef={s.entityRef} title={s.title} />
                    </TableCell>
                    <TableCell>
                      {s.htmlUrl ? (
                        <Link to={s.htmlUrl}>{s.serviceName}</Link>
                      ) : (
                        s.serviceName
                      )}
                    </TableCell>
                    <TableCell>
                      <People people={s.primary} contacts={false} />
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} md={7}>
        <EntityIncidentsCard />
      </Grid>
    </Grid>
  );
}
