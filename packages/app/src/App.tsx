import { createApp } from '@backstage/frontend-defaults';
import { navModule } from './modules/nav';
import { signInModule } from './modules/signIn';
// The Tech Insights scorecard tab of components and resources (docs/tech-insights.md).
import { techInsightsModule } from './modules/techInsights';

/**
 * The demo portal. Plugins are discovered from this package's dependencies
 * (`app.packages: all` in app-config.yaml); the ops portal is
 * `@opsportal/plugin-ops`.
 */
export default createApp({
  features: [navModule, signInModule, techInsightsModule],
});
