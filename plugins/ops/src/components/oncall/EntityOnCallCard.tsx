import { stringifyEntityRef } from '@backstage/catalog-model';
import { Link } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Chip from '@material-ui/core/Chip';
import IconButton from '@material-ui/core/IconButton';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import RefreshIcon from '@material-ui/icons/Refresh';
import { ANNOTATION_PAGERDUTY_SERVICE_ID } from '@opsportal/plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { EmptyAnnotation, OpsCard } from '../shared';
import { EscalationChain } from './EscalationChain';
import { isOnCallAvailable } from './helpers';

const useStyles = makeStyles(theme => ({
  service: { marginBottom: theme.spacing(2) },
  heading: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(1),
    marginBottom: theme.spacing(0.5),
  },
}));

/**
 * Who is on call for the entity: for each of its PagerDuty services (it may
 * name several), every escalation level with names, contact links, when the
 * shift ends, who takes over, and overrides. A team (Group) shows its own
 * escalation policies. Served from the ops backend's snapshots: stale data
 * says how old it is and why.
 */
export function EntityOnCallCard() {
  const { entity } = useEntity();
  const api = useApi(opsApiRef);
  const classes = useStyles();
  const available = isOnCallAvailable(entity);
  const entityRef = stringifyEntityRef(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    async () => (available ? api.getEntityOnCall(entityRef) : undefined),
    [api, entityRef, available],
  );

  const services = value?.data.services ?? [];
  const policies = value?.data.escalationPolicies ?? [];

  return (
    <OpsCard
      title="On-call"
      subheader={
        services.length > 1
          ? `${services.length} PagerDuty services`
          : undefined
      }
      loading={loading && !value}
      error={error}
      freshness={value}
      action={
        available ? (
          <IconButton aria-label="Reload on-call" onClick={retry}>
            <RefreshIcon />
          </IconButton>
        ) : undefined
      }
      empty={
        !available ? (
          <EmptyAnnotation
            what="on-call information"
            annotation={ANNOTATION_PAGERDUTY_SERVICE_ID}
            example="PABC123"
          />
        ) : undefined
      }
    >
      {services.map(service => (
        <section
          key={service.id}
          className={classes.service}
          aria-label={`On-call for ${service.name}`}
        >
          <div className={classes.heading}>
            <Typography variant="subtitle1" component="h3">
              {service.htmlUrl ? (
                <Link to={service.htmlUrl}>{service.name}</Link>
              ) : (
                service.name
              )}
            </Typography>
            {service.status && service.status !== 'active' && (
              <Chip size="small" label={service.status} />
            )}
          </div>
          {service.problem && (
            <Typography variant="body2" color="error" role="alert">
              {service.problem}
            </Typography>
          )}
          {service.escalationPolicy && (
            <EscalationChain policy={service.escalationPolicy} showName />
          )}
        </section>
      ))}
      {policies.map(policy => (
        <section
          key={policy.id}
          className={classes.service}
          aria-label={`On-call for ${policy.name}`}
        >
          <EscalationChain policy={policy} showName />
        </section>
      ))}
      {services.length === 0 && policies.length === 0 && value && (
        <Typography variant="body2">
          This entity names PagerDuty schedules only: see its on-call tab.
        </Typography>
      )}
    </OpsCard>
  );
}
