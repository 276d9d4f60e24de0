import { Link } from '@backstage/core-components';
import { useApi, useRouteRef } from '@backstage/core-plugin-api';
import { EntityRefLink } from '@backstage/plugin-catalog-react';
import Box from '@material-ui/core/Box';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import Typography from '@material-ui/core/Typography';
import { HomeSloState } from '@opsportal/plugin-ops-common';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { sloRouteRef } from '../../routes';
import { HomeCardBody } from './HomeCardBody';

const states: { state: HomeSloState; label: string; color: string }[] = [
  { state: 'met', label: 'Met', color: '#2e7d32' },
  { state: 'at-risk', label: 'At risk', color: '#ed6c02' },
  { state: 'breached', label: 'Breached', color: '#d32f2f' },
  { state: 'no-data', label: 'No data', color: '#757575' },
];

const percent = (share: number | null) =>
  share === null ? 'no data' : `${(share * 100).toFixed(1)}%`;

/** The SLO page's path, where the app mounts it. */
function useOptionalSloPage(): string | undefined {
  try {
    // eslint-disable-next-line react-hooks/rules-of-hooks
    return useRouteRef(sloRouteRef)();
  } catch {
    return undefined;
  }
}

/**
 * Home card content: the platform's SLOs counted as met, at risk, breached
 * or without data, and those with the least budget left
 * (`GET /home/slo-status`).
 * @public
 */
export function SloStatusContent() {
  const api = useApi(opsApiRef);
  const sloPage = useOptionalSloPage();
  const { value, loading, error } = useAsync(
    () => api.getHomeSloStatus({ worst: 5 }),
    [api],
  );
  return (
    <HomeCardBody
      loading={loading}
      error={error}
      freshness={value}
      empty={
        value && value.entities === 0
          ? 'No entity you can see has SLOs yet (see the SLO annotations in the ops docs).'
          : undefined
      }
    >
      {value && (
        <>
          <Box
            component="ul"
            aria-label="SLOs by state"
            display="flex"
            p={0}
            m={0}
            style={{ listStyle: 'none', gap: 16 }}
          >
            {states.map(s => (
              <Box
                component="li"
                key={s.state}
                aria-label={`${s.label}: ${value.counts[s.state]}`}
                flex={1}
                textAlign="center"
              >
                <Typography
                  variant="h4"
                  component="p"
                  style={{ color: s.color }}
                >
                  {value.counts[s.state]}
                </Typography>
                <Typography variant="caption">{s.label}</Typography>
              </Box>
            ))}
          </Box>
          <Typography variant="overline" component="h3" id="home-slo-worst">
            Least error budget left
          </Typography>
          <List dense aria-labelledby="home-slo-worst">
            {value.worst.map(w => (
              <ListItem
                key={`${w.entityRef}/${w.sloId}`}
                disableGutters
                divider
                style={{ display: 'block' }}
              >
                <Typography variant="body2">
                  <EntityRefLink entityRef={w.entityRef} title={w.title} />{' '}
                  {w.sloName}: {percent(w.remaining)} of the budget left
                  {' · '}
                  {states.find(s => s.state === w.state)?.label}
                </Typography>
              </ListItem>
            ))}
          </List>
          {sloPage && <Link to={sloPage}>All SLOs</Link>}
        </>
      )}
    </HomeCardBody>
  );
}
