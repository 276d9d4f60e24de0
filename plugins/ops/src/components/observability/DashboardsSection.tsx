import Typography from '@material-ui/core/Typography';
import {
  ANNOTATION_GRAFANA_DASHBOARD_SELECTOR,
  EntityDashboards,
} from '@opsportal/plugin-ops-common';
import { StaleNotice } from '../shared';

/**
 * The Grafana dashboards of an entity: its overview dashboard and the
 * dashboards its selector matches, with folder and tags; says when nothing
 * matches and when Grafana search is not configured.
 */
export function DashboardsSection(props: {
  dashboards: EntityDashboards | null;
}) {
  const { dashboards } = props;
  if (!dashboards) {
    return (
      <Typography variant="body2" color="textSecondary">
        No dashboards: add the{' '}
        <code>{ANNOTATION_GRAFANA_DASHBOARD_SELECTOR}</code> or{' '}
        <code>grafana/overview-dashboard</code> annotation.
      </Typography>
    );
  }
  const searched = dashboards.dashboards.filter(d => d.source === 'search');
  return (
    <>
      <StaleNotice freshness={dashboards} />
      {dashboards.dashboards.length > 0 && (
        <ul aria-label="Grafana dashboards">
          {dashboards.dashboards.map(d => (
            <li key={d.url}>
              <a href={d.url} target="_blank" rel="noopener noreferrer">
                {d.title}
                <span className="MuiTypography-srOnly">
                  {' '}
                  (opens in a new tab)
                </span>
              </a>
              {d.folder && (
                <Typography variant="caption" color="textSecondary">
                  {' '}
                  in {d.folder}
                </Typography>
              )}
              {d.tags && d.tags.length > 0 && (
                <Typography variant="caption" color="textSecondary">
                  {' '}
                  · tags: {d.tags.join(', ')}
                </Typography>
              )}
            </li>
          ))}
        </ul>
      )}
      {dashboards.selector &&
        dashboards.searchConfigured &&
        searched.length === 0 &&
        dashboards.fetchedAt && (
          <Typography variant="body2" color="textSecondary">
            No dashboards match <code>{dashboards.selector}</code>.
          </Typography>
        )}
      {dashboards.selector && !dashboards.searchConfigured && (
        <Typography variant="body2" color="textSecondary">
          Grafana search is not configured (<code>ops.grafana.baseUrl</code>),
          so the selector <code>{dashboards.selector}</code> is not searched.
        </Typography>
      )}
    </>
  );
}
