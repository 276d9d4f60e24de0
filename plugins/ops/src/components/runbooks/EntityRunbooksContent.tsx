import { useEffect, useState } from 'react';
import {
  Link as RouterLink,
  useLocation,
  useSearchParams,
} from 'react-router-dom';
import { useApi } from '@backstage/core-plugin-api';
import { stringifyEntityRef } from '@backstage/catalog-model';
import { useEntity } from '@backstage/plugin-catalog-react';
import Grid from '@material-ui/core/Grid';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import TextField from '@material-ui/core/TextField';
import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import useAsync from 'react-use/esm/useAsync';
import { RunbookBlock, RunbookListItem } from '@opsportal/plugin-ops-common';
import { opsApiRef } from '../../api';
import { OpsCard } from '../shared';
import { AlarmList, AlarmStateChip, SeverityChip } from './AlarmList';
import { combinedFreshness, describeCounts } from './freshness';
import { alarmRunbookHref, matchesSearch, useRunbookHref } from './helpers';
import { RunbookDocumentView, RunbookToc } from './RunbookDocumentView';
import { describeUpdated } from './RunbookListView';
import { RunbookProblems } from './RunbookProblems';
import { RunbooksEmptyState } from './RunbooksEmptyState';

const useStyles = makeStyles(theme => ({
  meta: { marginBottom: theme.spacing(2) },
  covers: {
    display: 'flex',
    flexWrap: 'wrap',
    gap: theme.spacing(1),
    alignItems: 'center',
    margin: theme.spacing(1, 0, 2),
  },
  cover: {
    display: 'inline-flex',
    gap: theme.spacing(0.5),
    alignItems: 'center',
    fontFamily: 'monospace',
    fontSize: '0.85rem',
  },
  toc: {
    padding: theme.spacing(1, 2),
    marginBottom: theme.spacing(2),
    border: `1px solid ${theme.palette.divider}`,
    borderRadius: theme.shape.borderRadius,
  },
  external: { fontSize: '0.8rem' },
}));

function RunbookNav(props: {
  runbooks: RunbookListItem[];
  selected?: string;
  runbookHref: (id: string) => string;
}) {
  const classes = useStyles();
  return (
    <List component="nav" aria-label="Runbooks" dense>
      {props.runbooks.map(runbook => {
        const secondary = [
          runbook.stale ? 'stale' : undefined,
          describeUpdated(runbook),
        ]
          .filter(Boolean)
          .join(' · ');
        if (runbook.source === 'markdown') {
          return (
            <ListItem
              key={runbook.id}
              component={RouterLink}
              to={props.runbookHref(runbook.id)}
              selected={props.selected === runbook.id}
              aria-current={props.selected === runbook.id ? 'page' : undefined}
            >
              <ListItemText
                primary={runbook.title}
                secondary={secondary}
                primaryTypographyProps={{ style: { whiteSpace: 'normal' } }}
              />
            </ListItem>
          );
        }
        const external = !runbook.url?.startsWith('/');
        return (
          <ListItem
            key={runbook.id}
            component="a"
            href={runbook.url}
            {...(external
              ? { target: '_blank', rel: 'noopener noreferrer' }
              : {})}
          >
            <ListItemText
              primary={runbook.title}
              primaryTypographyProps={{ style: { whiteSpace: 'normal' } }}
              secondary={
                <span className={classes.external}>
                  {runbook.source === 'techdocs' ? 'TechDocs' : 'external link'}
                </span>
              }
            />
          </ListItem>
        );
      })}
    </List>
  );
}

/** Drops a leading level-1 heading that only repeats the card's title. */
function withoutRepeatedTitle(
  blocks: RunbookBlock[],
  title: string,
): RunbookBlock[] {
  const [first, ...rest] = blocks;
  if (first?.type !== 'heading' || first.level !== 1) return blocks;
  const text = first.children
    .map(c => ('text' in c ? c.text : ''))
    .join('')
    .trim();
  return text === title.trim() ? rest : blocks;
}

function RunbookReader(props: {
  entityRef: string;
  runbook: RunbookListItem;
  runbookHref: (id: string, anchor?: string) => string;
}) {
  const classes = useStyles();
  const opsApi = useApi(opsApiRef);
  const location = useLocation();
  const { entityRef, runbook } = props;
  const doc = useAsync(
    () => opsApi.getRunbookDocument(entityRef, runbook.id),
    [opsApi, entityRef, runbook.id],
  );

  // A link to a section of this runbook (`#runbook-...`) scrolls there once loaded.
  useEffect(() => {
    if (!doc.value || !location.hash) return;
    const target = document.getElementById(location.hash.slice(1));
    target?.scrollIntoView?.({ block: 'start' });
  }, [doc.value, location.hash]);

  const meta = [
    runbook.owner && `Owner ${runbook.owner}`,
    describeUpdated(runbook),
    runbook.name && `file ${runbook.name}`,
  ]
    .filter(Boolean)
    .join(' · ');

  return (
    <OpsCard
      title={runbook.title}
      subheader={meta}
      loading={doc.loading}
      error={doc.error}
      freshness={doc.value?.freshness}
      variant="fullHeight"
    >
      {doc.value && (
        <>
          <div className={classes.meta}>
            {runbook.stale && (
              <Typography variant="body2" color="error">
                Stale: not updated for more than the configured review age.
              </Typography>
            )}
            <div className={classes.covers}>
              <Typography variant="body2" component="span">
                Covers:
              </Typography>
              {doc.value.alarms.length === 0 && (
                <Typography variant="body2" component="span">
                  no alarm of this service
                </Typography>
              )}
              {doc.value.alarms.map(alarm => (
                <span key={alarm.name} className={classes.cover}>
                  <AlarmStateChip state={alarm.state} />
                  <SeverityChip severity={alarm.severity} />
                  {alarm.name}
                </span>
              ))}
            </div>
          </div>
          {doc.value.toc.length > 0 && (
            <div className={classes.toc}>
              <RunbookToc toc={doc.value.toc} />
            </div>
          )}
          <RunbookDocumentView
            blocks={withoutRepeatedTitle(doc.value.blocks, runbook.title)}
            targets={{ runbookHref: props.runbookHref }}
          />
        </>
      )}
    </OpsCard>
  );
}

/**
 * Entity tab: the runbook reader (table of contents, copyable commands), the
 * list of the entity's runbooks and its alarms with their runbooks.
 * @public
 */
export function EntityRunbooksContent() {
  const { entity } = useEntity();
  const opsApi = useApi(opsApiRef);
  const entityRef = stringifyEntityRef(entity);
  const runbookHref = useRunbookHref(entity);
  const [params] = useSearchParams();
  const [search, setSearch] = useState('');
  const state = useAsync(
    () => opsApi.getEntityRunbooks(entityRef),
    [opsApi, entityRef],
  );
  const view = state.value;
  const markdown = view?.runbooks.filter(r => r.source === 'markdown') ?? [];
  const wanted = params.get('runbook');
  const selected =
    view?.runbooks.find(r => r.id === wanted && r.source === 'markdown') ??
    markdown[0];
  const listed = view?.runbooks.filter(r => matchesSearch(r, search)) ?? [];

  return (
    <Grid container spacing={3}>
      <Grid item xs={12} md={4} lg={3}>
        <OpsCard
          title="Runbooks"
          subheader={view ? describeCounts(view) : undefined}
          loading={state.loading}
          error={state.error}
          freshness={view ? combinedFreshness(view) : undefined}
        >
          {view && (
            <>
              <RunbookProblems problems={view.problems} />
              <TextField
                id="ops-runbooks-tab-search"
                label="Search runbooks"
                type="search"
                size="small"
                variant="outlined"
                fullWidth
                value={search}
                onChange={event => setSearch(event.target.value)}
              />
              <RunbookNav
                runbooks={listed}
                selected={selected?.id}
                runbookHref={runbookHref}
              />
              {view.runbooks.length === 0 && <RunbooksEmptyState compact />}
            </>
          )}
        </OpsCard>
      </Grid>
      <Grid item xs={12} md={8} lg={9}>
        {selected && (
          <RunbookReader
            key={selected.id}
            entityRef={entityRef}
            runbook={selected}
            runbookHref={runbookHref}
          />
        )}
        {view && !selected && (
          <OpsCard title="Runbook reader">
            <Typography variant="body2" paragraph>
              This service has no markdown runbook to read here
              {view.runbooks.length > 0
                ? '; its runbooks are links, listed on the left.'
                : '.'}
            </Typography>
            <RunbooksEmptyState />
          </OpsCard>
        )}
      </Grid>
      {view?.setup.alarms && (
        <Grid item xs={12}>
          <OpsCard
            title="Alarms"
            subheader={`${view.counts.alarms} CloudWatch alarms · ${view.counts.alarmsFiring} firing · ${view.counts.alarmsWithoutRunbook} without a runbook`}
            freshness={view.freshness.alarms}
          >
            <AlarmList
              alarms={view.alarms}
              runbookHref={alarmRunbookHref(view.runbooks, runbookHref)}
              showReason
            />
          </OpsCard>
        </Grid>
      )}
    </Grid>
  );
}
