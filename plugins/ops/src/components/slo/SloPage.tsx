import {
  Content,
  Header,
  InfoCard,
  Page,
  Progress,
  ResponseErrorPanel,
} from '@backstage/core-components';
import { useApi } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import Table from '@material-ui/core/Table';
import TableBody from '@material-ui/core/TableBody';
import TableCell from '@material-ui/core/TableCell';
import TableHead from '@material-ui/core/TableHead';
import TableRow from '@material-ui/core/TableRow';
import Typography from '@material-ui/core/Typography';
import { DateTime } from 'luxon';
import useAsyncRetry from 'react-use/esm/useAsyncRetry';
import { PlatformSloRow } from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { StaleNotice } from '../shared';
import { AlertChip } from './AlertChip';
import { formatMinutes, formatShare, formatSli, formatTarget } from './helpers';

function PlatformObjective({ row }: { row: PlatformSloRow }) {
  return (
    <InfoCard
      title={`${row.title}: overall platform`}
      subheader="The system's own objective"
    >
      <StaleNotice freshness={row} />
      {row.objectives.map(o => (
        <div key={o.id} aria-label={`${row.title} ${o.name}`} role="group">
          <Typography variant="subtitle1" component="h3">
            {o.name} <AlertChip state={o.alert} />
          </Typography>
          <Typography variant="body1">
            Target {formatTarget(o.target)} over {o.window} · current{' '}
            {formatSli(o.sli, o.target)} · budget left{' '}
            {formatShare(o.remaining)} ({formatMinutes(o.remainingMinutes)})
          </Typography>
        </div>
      ))}
    </InfoCard>
  );
}

/** The platform SLO page: the overall objective, then every service by budget left. */
export function SloPageContent() {
  const api = useApi(opsApiRef);
  const { value, loading, error } = useAsyncRetry(
    () => api.getPlatformSlos(),
    [api],
  );
  if (loading && !value) return <Progress aria-label="Loading" />;
  if (error) return <ResponseErrorPanel error={error} />;
  if (!value) return null;
  return (
    <Grid container spacing={3}>
      {value.platform.map(row => (
        <Grid item xs={12} md={6} key={row.entityRef}>
          <PlatformObjective row={row} />
        </Grid>
      ))}
      <Grid item xs={12}>
        <InfoCard
          title="Services by error budget left"
          subheader="The least budget left among each service's SLOs comes first"
        >
          {value.services.length === 0 ? (
            <Typography variant="body2">
              No service defines SLOs yet: see docs/slo.md.
            </Typography>
          ) : (
            <Table
              size="small"
              aria-label="Services ranked by error budget left"
            >
              <TableHead>
                <TableRow>
                  <TableCell style={{ whiteSpace: 'nowrap' }}>Rank</TableCell>
                  <TableCell>Service</TableCell>
                  <TableCell>Alert</TableCell>
                  <TableCell align="right">Lowest budget left</TableCell>
                  <TableCell>SLOs (current / target, budget left)</TableCell>
                  <TableCell>Updated</TableCell>
                </TableRow>
              </TableHead>
              <TableBody>
                {value.services.map((row, i) => (
                  <TableRow key={row.entityRef}>
                    <TableCell>{i + 1}</TableCell>
                    <TableCell>
                      <EntityRefLink
                        entityRef={row.entityRef}
                        title={row.title}
                      />
                    </TableCell>
                    <TableCell>
                      <AlertChip state={row.alert} />
                    </TableCell>
                    <TableCell align="right">
                      {formatShare(row.lowestRemaining)}
                    </TableCell>
                    <TableCell>
                      {row.objectives.map(o => (
                        <Typography key={o.id} variant="body2">
                          {o.name}: {formatSli(o.sli, o.target)} /{' '}
                          {formatTarget(o.target)}, {formatShare(o.remaining)}
                        </Typography>
                      ))}
                    </TableCell>
                    <TableCell>
                      {row.fetchedAt
                        ? DateTime.fromISO(row.fetchedAt).toRelative()
                        : 'never'}
                      {row.stale && (
                        <Typography
                          variant="caption"
                          color="error"
                          display="block"
                        >
                          stale: {row.error}
                        </Typography>
                      )}
                    </TableCell>
                  </TableRow>
                ))}
              </TableBody>
            </Table>
          )}
        </InfoCard>
      </Grid>
    </Grid>
  );
}

/** Page at /slos. */
export function SloPage() {
  return (
    <Page themeId="tool">
      <Header
        title="Service level objectives"
        subtitle="Every service's error budget, from CloudWatch"
      />
      <Content>
        <SloPageContent />
      </Content>
    </Page>
  );
}
