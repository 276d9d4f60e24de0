import { createFrontendModule } from '@backstage/frontend-plugin-api';
import { SignInPageBlueprint } from '@backstage/plugin-app-react';

/**
 * Replaces the default sign-in page with one that keeps the guest's "Enter"
 * and adds signing in as an example user (development only).
 */
const signInPage = SignInPageBlueprint.make({
  params: {
    loader: async () => (await import('./OpsSignInPage')).OpsSignInPage,
  },
});

export const signInModule = createFrontendModule({
  pluginId: 'app',
  extensions: [signInPage],
});
