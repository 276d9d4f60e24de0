import { stringifyEntityRef } from '@backstage/catalog-model';
import { CodeSnippet } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  EntitySecurityResponse,
  UnscopedSecuritySignal,
} from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import {
  ActiveSecurityAlerts,
  SecurityContacts,
  SecurityProcess,
} from './SecurityGuidance';
import { SecuritySignalsTable } from './SecuritySignalsTable';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
}));

const PER_ENTITY_EXAMPLE = `ops:
  security:
    metrics:
      - id: failedLogins
        # ...
        cloudwatch:
          namespace: ECommerce/Security
          metricName: FailedLoginAttempts
        perEntity:
          dimension: Service   # set to the entity's name
          # annotation: example.com/service-id  (take the value from it instead)`;

/** Says why no signal is scoped to the entity and how to scope one. */
function PerEntityHint(props: { unscoped: UnscopedSecuritySignal[] }) {
  return (
    <div>
      <Typography variant="body2" paragraph>
        No security signal is scoped to this service.{' '}
        {props.unscoped.length === 0
          ? 'No security signals are configured (ops.security.metrics).'
          : 'A signal is scoped to a service by its perEntity config in ops.security.metrics: the CloudWatch dimension, PromQL query or alarm name that selects one service (docs/security-operations.md).'}
      </Typography>
      <CodeSnippet
        language="yaml"
        text={PER_ENTITY_EXAMPLE}
        showCopyCodeButton
      />
      <UnscopedList unscoped={props.unscoped} />
    </div>
  );
}

function UnscopedList(props: { unscoped: UnscopedSecuritySignal[] }) {
  if (props.unscoped.length === 0) return null;
  return (
    <>
      <Typography variant="subtitle2" component="h3">
        Not scoped to this service
      </Typography>
      <ul aria-label="Signals not scoped to this service">
        {props.unscoped.map(u => (
          <li key={u.id}>
            <Typography variant="body2" component="span">
              {u.title}: {u.reason}
            </Typography>
          </li>
        ))}
      </ul>
    </>
  );
}

function Body(props: { value: EntitySecurityResponse }) {
  const classes = useStyles();
  const { value } = props;
  return (
    <>
      <ActiveSecurityAlerts alerts={value.alerts} />
      <SecuritySignalsTable
        signals={value.signals}
        label="Security signals of this service"
        compact
      />
      <div className={classes.section}>
        <UnscopedList unscoped={value.unscoped} />
      </div>
      <div className={classes.section}>
        <Typography variant="subtitle2" component="h3">
          Security contacts
        </Typography>
        <SecurityContacts contacts={value.contacts} />
      </div>
      <div className={classes.section}>
        <Typography variant="subtitle2" component="h3">
          Security incident process
        </Typography>
        <SecurityProcess steps={value.process} />
      </div>
    </>
  );
}

/**
 * A service's security signals (those configured with `perEntity`), the
 * alerts they raise, the security contacts and the incident process.
 */
export function EntitySecurityCard() {
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const opsApi = useApi(opsApiRef);
  const { value, loading, error } = useAsync(
    () => opsApi.getEntitySecurity(entityRef),
    [opsApi, entityRef],
  );
  const empty =
    value && value.signals.length === 0 && !value.error ? (
      <PerEntityHint unscoped={value.unscoped} />
    ) : undefined;
  return (
    <OpsCard
      title="Security"
      subheader="Security signals of this service"
      loading={loading}
      error={error}
      empty={empty}
      freshness={value}
      deepLink={{ title: 'All security signals', link: '/security' }}
    >
      {value && <Body value={value} />}
    </OpsCard>
  );
}
