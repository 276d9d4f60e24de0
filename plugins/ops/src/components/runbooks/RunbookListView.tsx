import { Link } from '@backstage/core-components';
import { DateTime } from 'luxon';
import Chip from '@material-ui/core/Chip';
import List from '@material-ui/core/List';
import ListItem from '@material-ui/core/ListItem';
import ListItemText from '@material-ui/core/ListItemText';
import { makeStyles } from '@material-ui/core/styles';
import { RunbookListItem } from '@opsportal/plugin-ops-common';
import { SeverityChip } from './AlarmList';

const useStyles = makeStyles(theme => ({
  row: { paddingLeft: 0, paddingRight: 0 },
  chips: { display: 'inline-flex', gap: theme.spacing(0.5), marginLeft: 8 },
  stale: {
    borderColor: theme.palette.warning.dark,
    color: theme.palette.warning.dark,
  },
}));

const SOURCE_LABEL: Record<RunbookListItem['source'], string> = {
  markdown: 'repository',
  link: 'link',
  techdocs: 'TechDocs',
};

/** "updated 2 months ago (2026-10-14)". */
export function describeUpdated(runbook: RunbookListItem): string | undefined {
  if (!runbook.lastUpdated) return undefined;
  const date = DateTime.fromISO(runbook.lastUpdated);
  if (!date.isValid) return undefined;
  return `updated ${date.toRelative()} (${date.toISODate()})`;
}

/** Title link of a runbook: the reader tab for markdown, its address otherwise. */
function RunbookTitleLink(props: {
  runbook: RunbookListItem;
  runbookHref: (id: string) => string;
}) {
  const { runbook } = props;
  if (runbook.source === 'markdown') {
    return <Link to={props.runbookHref(runbook.id)}>{runbook.title}</Link>;
  }
  if (runbook.url?.startsWith('/')) {
    return <Link to={runbook.url}>{runbook.title}</Link>;
  }
  return (
    <Link to={runbook.url ?? ''} target="_blank" rel="noopener noreferrer">
      {runbook.title}
    </Link>
  );
}

/** The entity's runbooks: title, owner, last update, alarms covered. */
export function RunbookListView(props: {
  runbooks: RunbookListItem[];
  runbookHref: (id: string) => string;
  staleAfterDays: number;
}) {
  const classes = useStyles();
  return (
    <List dense aria-label="Runbooks" disablePadding>
      {props.runbooks.map(runbook => {
        const details = [
          runbook.owner &&
            `owner ${runbook.owner.replace(/^group:default\//, '')}`,
          describeUpdated(runbook),
          runbook.alarms.length > 0 && `covers ${runbook.alarms.join(', ')}`,
        ].filter(Boolean);
        return (
          <ListItem key={runbook.id} className={classes.row}>
            <ListItemText
              primary={
                <>
                  <RunbookTitleLink
                    runbook={runbook}
                    runbookHref={props.runbookHref}
                  />
                  <span className={classes.chips}>
                    {runbook.severity && (
                      <SeverityChip severity={runbook.severity} />
                    )}
                    <Chip size="small" label={SOURCE_LABEL[runbook.source]} />
                    {runbook.stale && (
                      <Chip
                        size="small"
                        variant="outlined"
                        className={classes.stale}
                        label="stale"
                        title={`Not updated for more than ${props.staleAfterDays} days`}
                      />
                    )}
                  </span>
                </>
              }
              secondary={details.join(' · ')}
              secondaryTypographyProps={{ style: { overflowWrap: 'anywhere' } }}
            />
          </ListItem>
        );
      })}
    </List>
  );
}
