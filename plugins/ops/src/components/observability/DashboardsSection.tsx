import Typography from '@material-ui/core/Typography';
import { makeStyles } from '@material-ui/core/styles';
import {
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  EntityDashboards,
} from '@opsportal/plugin-ops-common';
import { StaleNotice } from '../shared';
import { ExternalLink, plainLogText } from './format';

const useStyles = makeStyles(theme => ({
  list: { margin: 0, paddingLeft: theme.spacing(2.5) },
}));

/**
 * The Grafana dashboards of an entity: its overview dashboard and the
 * dashboards its selector matches, with folder and tags; says when nothing
 * matches, when the selector has not been searched yet and when Grafana
 * search is not configured.
 */
export function DashboardsSection(props: {
  dashboards: EntityDashboards | null;
}) {
  const classes = useStyles();
  const { dashboards } = props;
  if (!dashboards) {
    return (
      <Typography variant="body2" color="textSecondary">
        No Grafana dashboards: add the{' '}
        <code>{ANNOTATION_GRAFANA_DASHBOARD_SELECTOR}</code> or{' '}
        <code>grafana/overview-dashboard</code> annotation.
      </Typography>
    );
  }
  const searched = dashboards.dashboards.filter(d => d.source === 'search');
  const searchable = Boolean(
    dashboards.selector && dashboards.searchConfigured,
  );
  return (
    <>
      <StaleNotice freshness={dashboards} />
      {dashboards.dashboards.length > 0 && (
        <ul className={classes.list} aria-label="Grafana dashboards">
          {dashboards.dashboards.map(d => (
            <li key={d.url}>
              <ExternalLink href={d.url}>{plainLogText(d.title)}</ExternalLink>
              {d.folder && (
                <Typography variant="caption" color="textSecondary">
                  {' '}
                  in {plainLogText(d.folder)}
                </Typography>
              )}
              {d.tags && d.tags.length > 0 && (
                <Typography variant="caption" color="textSecondary">
                  {' '}
                  · tags: {d.tags.map(plainLogText).join(', ')}
                </Typography>
              )}
            </li>
          ))}
        </ul>
      )}
      {searchable && searched.length === 0 && dashboards.fetchedAt && (
        <Typography variant="body2" color="textSecondary">
          No dashboards match <code>{dashboards.selector}</code>.
        </Typography>
      )}
      {searchable && !dashboards.fetchedAt && !dashboards.error && (
        <Typography variant="body2" color="textSecondary">
          The selector <code>{dashboards.selector}</code> has not been searched
          yet; the next refresh searches it.
        </Typography>
      )}
      {dashboards.selector && !dashboards.searchConfigured && (
        <Typography variant="body2" color="textSecondary">
          Grafana search is not configured (<code>ops.grafana.baseUrl</code>),
          so the selector <code>{dashboards.selector}</code> is not searched.
        </Typography>
      )}
      {dashboards.dashboards.length === 0 && !dashboards.selector && (
        <Typography variant="body2" color="textSecondary">
          No dashboards found.
        </Typography>
      )}
    </>
  );
}
