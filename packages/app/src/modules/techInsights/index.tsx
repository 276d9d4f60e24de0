import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';

/**
 * The Tech Insights scorecard of a component or resource, as an entity tab
 * (docs/tech-insights.md). The community frontend plugin
 * (`@backstage-community/plugin-tech-insights`) cannot be installed from the
 * registry this project uses, so this small tab runs the checks itself
 * through the Tech Insights backend's REST API.
 */
const entityScorecardContent = EntityContentBlueprint.make({
  name: 'tech-insights-scorecard',
  params: {
    path: 'scorecard',
    title: 'Scorecard',
    filter: entity =>
      ['component', 'resource'].includes(entity.kind.toLowerCase()),
    loader: () =>
      import('./ScorecardContent').then(m => <m.ScorecardContent />),
  },
});

export const techInsightsModule = createFrontendModule({
  pluginId: 'app',
  extensions: [entityScorecardContent],
});
