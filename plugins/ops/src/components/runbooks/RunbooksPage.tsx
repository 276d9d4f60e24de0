import {
  Content,
  Header,
  Link,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import {
  EntityRefLink,
  useEntityRefLink,
} from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Paper from '@material-ui/core/Paper';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import WarningRounded from '@material-ui/icons/WarningRounded';
import useAsync from 'react-use/esm/useAsync';
import {
  RunbookCoverageReport,
  RunbookCoverageService,
} from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { StaleNotice } from '../shared';
import { SeverityChip } from './AlarmList';
import { RUNBOOKS_TAB_PATH } from './helpers';

const useStyles = makeStyles(theme => ({
  tile: { padding: theme.spacing(2), height: '100%' },
  figure: { fontSize: '2rem', fontWeight: 600, lineHeight: 1.2 },
  bad: { color: theme.palette.warning.dark },
  section: { marginTop: theme.spacing(4), marginBottom: theme.spacing(1) },
  missing: {
    display: 'flex',
    alignItems: 'center',
    gap: theme.spacing(0.5),
    fontFamily: 'monospace',
    fontSize: '0.85rem',
  },
  flag: { color: theme.palette.warning.dark, verticalAlign: 'middle' },
}));

function percent(part: number, whole: number): string {
  if (whole === 0) return '–';
  return `${Math.round((part / whole) * 100)} %`;
}

function Tile(props: {
  label: string;
  value: string | number;
  detail?: string;
  bad?: boolean;
}) {
  const classes = useStyles();
  return (
    <Paper
      className={classes.tile}
      component="section"
      aria-label={props.label}
    >
      <Typography variant="overline" component="h2">
        {props.label}
      </Typography>
      <Typography
        className={`${classes.figure} ${props.bad ? classes.bad : ''}`}
        component="p"
      >
        {props.value}
      </Typography>
      {props.detail && (
        <Typography variant="body2" color="textSecondary">
          {props.detail}
        </Typography>
      )}
    </Paper>
  );
}

function ServiceRow(props: { service: RunbookCoverageService }) {
  const classes = useStyles();
  const entityLink = useEntityRefLink();
  const { service } = props;
  const runbooksPath = `${entityLink(service.entityRef)}/${RUNBOOKS_TAB_PATH}`;
  return (
    <TableRow>
      <TableCell component="th" scope="row">
        {service.noRunbookSource ? (
          <EntityRefLink entityRef={service.entityRef} title={service.title} />
        ) : (
          <Link to={runbooksPath}>{service.title}</Link>
        )}
        {service.freshness.error && (
          <Typography variant="caption" color="error" component="div">
            {service.freshness.error}
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {service.owner ? <EntityRefLink entityRef={service.owner} /> : '–'}
      </TableCell>
      <TableCell align="right">
        {service.runbooks}
        {service.runbooks === 0 && (
          <Typography variant="caption" component="div" className={classes.bad}>
            no runbooks
          </Typography>
        )}
      </TableCell>
      <TableCell align="right">
        {service.alarms}
        {service.alarmsFiring > 0 && (
          <Typography variant="caption" component="div">
            {service.alarmsFiring} firing
          </Typography>
        )}
      </TableCell>
      <TableCell>
        {service.alarms > 0 && service.alarmsWithoutRunbook.length === 0 && (
          <Typography variant="body2">all covered</Typography>
        )}
        {service.alarmsWithoutRunbook.map(alarm => (
          <div key={alarm.name} className={classes.missing}>
            <WarningRounded
              fontSize="small"
              className={classes.flag}
              aria-hidden
            />
            <SeverityChip severity={alarm.severity} />
            {alarm.name}
          </div>
        ))}
      </TableCell>
      <TableCell>
        {service.staleRunbooks.map(runbook => (
          <Typography key={runbook.id} variant="body2">
            {runbook.title}
            {runbook.lastUpdated && ` (${runbook.lastUpdated.slice(0, 10)})`}
          </Typography>
        ))}
        {service.problems > 0 && (
          <Typography variant="caption" color="error">
            {service.problems} problem{service.problems === 1 ? '' : 's'}{' '}
            reading runbooks
          </Typography>
        )}
      </TableCell>
    </TableRow>
  );
}

function CoverageReport(props: { report: RunbookCoverageReport }) {
  const classes = useStyles();
  const { report } = props;
  const { totals } = report;
  const covered = totals.alarms - totals.alarmsWithoutRunbook;
  const staleError = report.services.find(s => s.freshness.stale);
  return (
    <>
      {staleError && <StaleNotice freshness={staleError.freshness} />}
      <Grid container spacing={2}>
        <Grid item xs={12} sm={6} md={3}>
          <Tile
            label="Services"
            value={totals.services}
            detail={`${totals.servicesWithoutRunbooks} without runbooks`}
            bad={totals.servicesWithoutRunbooks > 0}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <Tile label="Runbooks" value={totals.runbooks} />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <Tile
            label="Alarm coverage"
            value={percent(covered, totals.alarms)}
            detail={`${covered} of ${totals.alarms} alarms have a runbook; ${totals.alarmsWithoutRunbook} lack one`}
            bad={totals.alarmsWithoutRunbook > 0}
          />
        </Grid>
        <Grid item xs={12} sm={6} md={3}>
          <Tile
            label="Stale runbooks"
            value={totals.staleRunbooks}
            detail={`not updated for more than ${report.staleAfterDays} days`}
            bad={totals.staleRunbooks > 0}
          />
        </Grid>
      </Grid>

      <Typography variant="h6" component="h2" className={classes.section}>
        By team
      </Typography>
      <Paper>
        <Table size="small" aria-label="Runbook coverage by team">
          <TableHead>
            <TableRow>
              <TableCell>Team</TableCell>
              <TableCell align="right">Services</TableCell>
              <TableCell align="right">Runbooks</TableCell>
              <TableCell align="right">Alarms</TableCell>
              <TableCell align="right">Alarms without runbook</TableCell>
              <TableCell align="right">Stale runbooks</TableCell>
              <TableCell align="right">Services without runbooks</TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {report.teams.map(team => (
              <TableRow key={team.owner}>
                <TableCell component="th" scope="row">
                  {team.owner === 'unowned' ? (
                    'No owner'
                  ) : (
                    <EntityRefLink entityRef={team.owner} />
                  )}
                </TableCell>
                <TableCell align="right">{team.services}</TableCell>
                <TableCell align="right">{team.runbooks}</TableCell>
                <TableCell align="right">{team.alarms}</TableCell>
                <TableCell align="right">{team.alarmsWithoutRunbook}</TableCell>
                <TableCell align="right">{team.staleRunbooks}</TableCell>
                <TableCell align="right">
                  {team.servicesWithoutRunbooks}
                </TableCell>
              </TableRow>
            ))}
          </TableBody>
        </Table>
      </Paper>

      <Typography variant="h6" component="h2" className={classes.section}>
        By service
      </Typography>
      <Paper>
        <Table size="small" aria-label="Runbook coverage by service">
          <TableHead>
            <TableRow>
              <TableCell>Service</TableCell>
              <TableCell>Owner</TableCell>
              <TableCell align="right">Runbooks</TableCell>
              <TableCell align="right">Alarms</TableCell>
              <TableCell>Alarms without runbook</TableCell>
              <TableCell>
                Stale runbooks (&gt; {report.staleAfterDays} days)
              </TableCell>
            </TableRow>
          </TableHead>
          <TableBody>
            {report.services.map(service => (
              <ServiceRow key={service.entityRef} service={service} />
            ))}
          </TableBody>
        </Table>
      </Paper>
    </>
  );
}

/** The runbook coverage report without the page frame (for embedding). */
export function RunbookCoverageContent() {
  const opsApi = useApi(opsApiRef);
  const state = useAsync(() => opsApi.getRunbookCoverage(), [opsApi]);
  if (state.loading) return <Progress aria-label="Loading" />;
  if (state.error) return <ResponseErrorPanel error={state.error} />;
  if (!state.value) return null;
  return <CoverageReport report={state.value} />;
}

/**
 * Platform page: runbook coverage per team and service — which alarms lack
 * a runbook, which runbooks are stale.
 * @public
 */
export function RunbooksPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Runbooks"
        subtitle="Which alarms lack a runbook, and which runbooks are due for review"
      />
      <Content>
        <RunbookCoverageContent />
      </Content>
    </Page>
  );
}
