import { stringifyEntityRef } from '@backstage/catalog-model';
import { CodeSnippet } from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { useEntity } from '@backstage/plugin-catalog-react';
import Button from '@material-ui/core/Button';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  ANNOTATION_LOG_GROUPS,
  ANNOTATION_XRAY_SERVICE,
  EntityLogs,
  isObservabilityConfigured,
} from '@opsportal/plugin-ops-common';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { opsApiRef } from '../../api';
import { OpsCard, StaleNotice } from '../shared';
import { DashboardsSection } from './DashboardsSection';
import { ExternalLink, plainLogText } from './format';
import { TracesSection } from './TracesSection';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  errors: { color: theme.palette.error.main },
  warnings: { color: theme.palette.warning.dark },
  message: {
    fontFamily: 'monospace',
    fontSize: '0.8rem',
    overflowWrap: 'anywhere',
  },
  list: { margin: 0, paddingLeft: theme.spacing(2.5) },
}));

/** Longest error message shown whole; longer ones are cut, the whole in the tooltip. */
const MESSAGE_CHARS = 160;

function truncate(text: string): string {
  return text.length > MESSAGE_CHARS
    ? `${text.slice(0, MESSAGE_CHARS - 1)}…`
    : text;
}

const SETUP_YAML = `metadata:
  annotations:
    ${ANNOTATION_LOG_GROUPS}: /ecommerce/prod/order-service
    ${ANNOTATION_XRAY_SERVICE}: order-service
    ${ANNOTATION_GRAFANA_DASHBOARD_SELECTOR}: "tags @> 'order-service'"`;

function SetupHint() {
  return (
    <div>
      <Typography variant="body2" paragraph>
        No logs, traces or dashboards are linked to this entity yet. Add any of
        the <code>{ANNOTATION_LOG_GROUPS}</code> (CloudWatch log groups),{' '}
        <code>{ANNOTATION_XRAY_SERVICE}</code> (X-Ray service) or{' '}
        <code>{ANNOTATION_GRAFANA_DASHBOARD_SELECTOR}</code> /{' '}
        <code>grafana/overview-dashboard</code> (Grafana) annotations to its{' '}
        <code>catalog-info.yaml</code>:
      </Typography>
      <CodeSnippet language="yaml" text={SETUP_YAML} showCopyCodeButton />
    </div>
  );
}

function Missing(props: { what: string; annotation: string }) {
  return (
    <Typography variant="body2" color="textSecondary">
      No {props.what}: add the <code>{props.annotation}</code> annotation.
    </Typography>
  );
}

const WINDOW_NAMES: Record<string, string> = {
  '1h': 'Last hour',
  '1d': 'Last day',
};

function LogsSection(props: { logs: EntityLogs }) {
  const classes = useStyles();
  const { logs } = props;
  const hasData = Boolean(logs.fetchedAt);
  const findings = logs.retention.filter(r => r.verdict !== 'ok');
  const ok = logs.retention.length - findings.length;
  return (
    <>
      <StaleNotice freshness={logs} />
      {!hasData && !logs.error && (
        <Typography variant="body2" paragraph>
          The logs of {logs.logGroups.join(', ')} have not been read yet; the
          next refresh reads them.
        </Typography>
      )}
      {hasData && (
        <>
          <Table size="small" aria-label="Errors and warnings in the logs">
            <TableHead>
              <TableRow>
                <TableCell component="th" scope="col">
                  Window
                </TableCell>
                <TableCell component="th" scope="col" align="right">
                  Errors
                </TableCell>
                <TableCell component="th" scope="col" align="right">
                  Warnings
                </TableCell>
              </TableRow>
            </TableHead>
            <TableBody>
              {logs.counts.map(c => (
                <TableRow key={c.window}>
                  <TableCell component="th" scope="row">
                    {WINDOW_NAMES[c.window] ?? c.window}
                  </TableCell>
                  <TableCell
                    align="right"
                    className={c.errors > 0 ? classes.errors : undefined}
                  >
                    {c.errors > 0 ? (
                      <strong>{c.errors.toLocaleString('en-US')}</strong>
                    ) : (
                      c.errors.toLocaleString('en-US')
                    )}
                  </TableCell>
                  <TableCell
                    align="right"
                    className={c.warnings > 0 ? classes.warnings : undefined}
                  >
                    {c.warnings.toLocaleString('en-US')}
                  </TableCell>
                </TableRow>
              ))}
            </TableBody>
          </Table>
          <div className={classes.section}>
            <Typography variant="subtitle2" component="h4">
              Top error messages (last day)
            </Typography>
            {logs.topErrors.length === 0 ? (
              <Typography variant="body2" color="textSecondary">
                No errors in the last day.
              </Typography>
            ) : (
              <ol className={classes.list} aria-label="Top error messages">
                {logs.topErrors.map(t => {
                  const text = plainLogText(t.message);
                  return (
                    <li key={t.message}>
                      <Typography variant="body2" component="span">
                        <strong>{t.count.toLocaleString('en-US')}×</strong>{' '}
                        <span
                          className={classes.message}
                          title={text.length > MESSAGE_CHARS ? text : undefined}
                        >
                          {truncate(text)}
                        </span>
                      </Typography>
                    </li>
                  );
                })}
              </ol>
            )}
          </div>
        </>
      )}
      {logs.retention.length > 0 && (
        <div className={classes.section}>
          <Typography variant="subtitle2" component="h4">
            Retention (policy: {logs.policy.hotDays} days hot,{' '}
            {logs.policy.archiveDays} days archived)
          </Typography>
          {findings.length === 0 ? (
            <Typography variant="body2">
              {ok === 1 ? 'The log group keeps' : `All ${ok} log groups keep`}{' '}
              {logs.policy.hotDays} days, as the policy asks.
            </Typography>
          ) : (
            <ul className={classes.list} aria-label="Retention findings">
              {findings.map(r => (
                <li key={r.name}>
                  <Typography variant="body2" component="span">
                    <code>{r.name}</code>: {r.message}
                  </Typography>
                </li>
              ))}
              {ok > 0 && (
                <li>
                  <Typography variant="body2" component="span">
                    {ok} other log group{ok === 1 ? '' : 's'} as the policy
                    asks.
                  </Typography>
                </li>
              )}
            </ul>
          )}
        </div>
      )}
      <div className={classes.section}>
        <ExternalLink href={logs.insightsUrl}>
          Open in Logs Insights
        </ExternalLink>
      </div>
    </>
  );
}

/**
 * An entity's logs (error and warning counts, top error messages,
 * retention, a Logs Insights link), traces (X-Ray links, latency and fault
 * rate) and dashboards (Grafana), each section from its own annotation.
 */
export function EntityObservabilityCard() {
  const classes = useStyles();
  const { entity } = useEntity();
  const entityRef = stringifyEntityRef(entity);
  const opsApi = useApi(opsApiRef);
  const configured = isObservabilityConfigured(entity);
  const { value, loading, error, retry } = useAsyncRetry(
    async () =>
      configured ? opsApi.getEntityObservability(entityRef) : undefined,
    [opsApi, entityRef, configured],
  );
  return (
    <OpsCard
      title="Observability"
      subheader="Logs, traces and dashboards"
      loading={loading}
      error={error}
      empty={configured ? undefined : <SetupHint />}
      action={
        error ? (
          <Button size="small" onClick={retry}>
            Retry
          </Button>
        ) : undefined
      }
    >
      {value && (
        <>
          <section aria-labelledby="ops-observability-logs">
            <Typography
              variant="subtitle1"
              component="h3"
              id="ops-observability-logs"
            >
              Logs
            </Typography>
            {value.logs ? (
              <LogsSection logs={value.logs} />
            ) : (
              <Missing what="log groups" annotation={ANNOTATION_LOG_GROUPS} />
            )}
          </section>
          <section
            aria-labelledby="ops-observability-traces"
            className={classes.section}
          >
            <Typography
              variant="subtitle1"
              component="h3"
              id="ops-observability-traces"
            >
              Traces
            </Typography>
            <TracesSection traces={value.traces} />
          </section>
          <section
            aria-labelledby="ops-observability-dashboards"
            className={classes.section}
          >
            <Typography
              variant="subtitle1"
              component="h3"
              id="ops-observability-dashboards"
            >
              Dashboards
            </Typography>
            <DashboardsSection dashboards={value.dashboards} />
          </section>
        </>
      )}
    </OpsCard>
  );
}
