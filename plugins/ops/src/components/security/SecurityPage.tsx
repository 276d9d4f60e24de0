import { CodeSnippet, Content, Header, Page } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import Grid from '@material-ui/core/Grid';
import Typography from '@material-ui/core/Typography';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import {
  ActiveSecurityAlerts,
  SecurityContacts,
  SecurityProcess,
} from './SecurityGuidance';
import { SecuritySignalsTable } from './SecuritySignalsTable';

const CONFIG_EXAMPLE = `ops:
  security:
    metrics:
      - id: failedLogins
        title: Failed authentication attempts
        window: 15m
        raises: multipleFailedLogins
        cloudwatch:
          namespace: ECommerce/Security
          metricName: FailedLoginAttempts
          stat: Sum
        thresholds: { warning: 50, alert: 100 }`;

/** What the page says before any security signal is configured. */
export function SecurityConfigHint() {
  return (
    <div>
      <Typography variant="body2" paragraph>
        No security signals are configured. Add metrics (CloudWatch or
        Prometheus queries, or alarms) under <code>ops.security.metrics</code>{' '}
        in app-config, each with thresholds and the security alert it raises
        (docs/security-operations.md):
      </Typography>
      <CodeSnippet language="yaml" text={CONFIG_EXAMPLE} showCopyCodeButton />
    </div>
  );
}

/**
 * The platform's security card: the alerts raised now, every signal with
 * its value, thresholds, state and 24-hour line, the security contacts and
 * the incident process.
 */
export function SecurityCard() {
  const opsApi = useApi(opsApiRef);
  const { value, loading, error } = useAsync(
    () => opsApi.getSecurityOverview(),
    [opsApi],
  );
  return (
    <Grid container spacing={3}>
      <Grid item xs={12}>
        <OpsCard
          title="Security signals"
          subheader="The seed's security metrics and alarms against their thresholds"
          loading={loading}
          error={error}
          empty={
            value && !value.configured ? <SecurityConfigHint /> : undefined
          }
          freshness={value}
        >
          {value && (
            <>
              <ActiveSecurityAlerts alerts={value.alerts} />
              {value.signals.length > 0 && (
                <SecuritySignalsTable
                  signals={value.signals}
                  label="Platform security signals"
                />
              )}
            </>
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} md={5}>
        <OpsCard title="Security contacts" loading={loading} error={error}>
          {value && <SecurityContacts contacts={value.contacts} />}
        </OpsCard>
      </Grid>
      <Grid item xs={12} md={7}>
        <OpsCard
          title="Security incident process"
          loading={loading}
          error={error}
        >
          {value && <SecurityProcess steps={value.process} />}
        </OpsCard>
      </Grid>
    </Grid>
  );
}

/** `/security`: security operations of the platform. */
export function SecurityPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Security operations"
        subtitle="Security signals, alerts, contacts and the incident process"
      />
      <Content>
        <SecurityCard />
      </Content>
    </Page>
  );
}
