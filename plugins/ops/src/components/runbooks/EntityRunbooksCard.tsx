import { useState } from 'react';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { AlarmList } from './AlarmList';
import { combinedFreshness, describeCounts } from './freshness';
import {
  alarmRunbookHref,
  isRunbooksAvailable,
  matchesSearch,
  RUNBOOKS_TAB_PATH,
  useRunbookHref,
} from './helpers';
import { RunbookListView } from './RunbookListView';
import { RunbookProblems } from './RunbookProblems';
import { RunbooksEmptyState } from './RunbooksEmptyState';
import { useEntityRefLink } from '@backstage/plugin-catalog-react';

const useStyles = makeStyles(theme => ({
  section: { marginTop: theme.spacing(2) },
  search: { marginBottom: theme.spacing(1) },
  flag: { color: theme.palette.warning.dark, fontWeight: 600 },
}));

/**
 * Entity card: the entity's runbooks (from its repository, links and
 * TechDocs) and its CloudWatch alarms, each alarm with its runbook; alarms
 * without one are flagged and counted. A search field filters both.
 * @public
 */
export function EntityRunbooksCard() {
  const classes = useStyles();
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const available = isRunbooksAvailable(entity);
  const runbookHref = useRunbookHref(entity);
  const entityLink = useEntityRefLink();
  const [search, setSearch] = useState('');
  const state = useAsync(
    async () => (available ? opsApi.getEntityRunbooks(entityRef) : undefined),
    [opsApi, entityRef, available],
  );
  const view = state.value;

  const runbooks = view?.runbooks.filter(r => matchesSearch(r, search)) ?? [];
  const alarms = view?.alarms.filter(a => matchesSearch(a, search)) ?? [];

  return (
    <OpsCard
      title="Runbooks"
      subheader={view ? describeCounts(view) : undefined}
      loading={state.loading}
      error={state.error}
      empty={!available ? <RunbooksEmptyState compact /> : undefined}
      freshness={view ? combinedFreshness(view) : undefined}
      deepLink={{
        title: 'Open runbooks',
        link: `${entityLink(entity)}/${RUNBOOKS_TAB_PATH}`,
      }}
    >
      {view && (
        <>
          <RunbookProblems problems={view.problems} />
          <TextField
            id="ops-runbooks-card-search"
            className={classes.search}
            label="Search runbooks and alarms"
            type="search"
            size="small"
            variant="outlined"
            fullWidth
            value={search}
            onChange={event => setSearch(event.target.value)}
          />
          <section aria-labelledby="ops-runbooks-heading">
            <Typography
              id="ops-runbooks-heading"
              variant="subtitle2"
              component="h3"
            >
              Runbooks ({runbooks.length})
            </Typography>
            {view.runbooks.length === 0 && <RunbooksEmptyState compact />}
            {view.runbooks.length > 0 && runbooks.length === 0 && (
              <Typography variant="body2" color="textSecondary">
                No runbook matches “{search}”.
              </Typography>
            )}
            <RunbookListView
              runbooks={runbooks}
              runbookHref={runbookHref}
              staleAfterDays={view.staleAfterDays}
            />
          </section>
          {view.setup.alarms && (
            <section
              aria-labelledby="ops-alarms-heading"
              className={classes.section}
            >
              <Typography
                id="ops-alarms-heading"
                variant="subtitle2"
                component="h3"
              >
                Alarms ({alarms.length})
                {view.counts.alarmsWithoutRunbook > 0 && (
                  <span className={classes.flag}>
                    {' '}
                    · {view.counts.alarmsWithoutRunbook} without a runbook
                  </span>
                )}
              </Typography>
              {view.alarms.length === 0 && (
                <Typography variant="body2" color="textSecondary">
                  No CloudWatch alarm starts with the entity's alarm prefix.
                </Typography>
              )}
              <AlarmList
                alarms={alarms}
                runbookHref={alarmRunbookHref(view.runbooks, runbookHref)}
              />
            </section>
          )}
        </>
      )}
    </OpsCard>
  );
}
