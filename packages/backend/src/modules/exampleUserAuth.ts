import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import { stringifyEntityRef, UserEntity } from '@backstage/catalog-model';
import { InputError, NotAllowedError } from '@backstage/errors';
import {
  authProvidersExtensionPoint,
  createProxyAuthenticator,
  createProxyAuthProviderFactory,
} from '@backstage/plugin-auth-node';

/** The header the sign-in page names the example user in. */
export const EXAMPLE_USER_HEADER = 'x-opsportal-example-user';

/**
 * Development-only sign-in as any user of the catalog (the example
 * platform's people), so that a second person can approve a change request
 * on one machine. Like the guest provider it refuses to work unless
 * NODE_ENV is `development`; unlike it, it has no switch to allow more.
 */
export const exampleUserAuthenticator = createProxyAuthenticator({
  async defaultProfileTransform(result: { userEntityRef: string }, ctx) {
    try {
      const { entity } = await ctx.findCatalogUser({
        entityRef: result.userEntityRef,
      });
      const profile = (entity as UserEntity).spec?.profile;
      return {
        profile: {
          displayName: profile?.displayName ?? entity.metadata.name,
          email: profile?.email,
          picture: profile?.picture,
        },
      };
    } catch {
      return { profile: {} };
    }
  },
  initialize({ config }) {
    return {
      enabled: process.env.NODE_ENV === 'development',
      namespace: config.getOptionalString('namespace') ?? 'default',
    };
  },
  async authenticate({ req }, { enabled, namespace }) {
    if (!enabled) {
      throw new NotAllowedError(
        'Signing in as an example user is only possible when the backend runs with NODE_ENV=development',
      );
    }
    const name = req.header(EXAMPLE_USER_HEADER) ?? '';
    if (!/^[a-z0-9][a-z0-9._-]{0,62}$/i.test(name)) {
      throw new InputError(
        `${EXAMPLE_USER_HEADER}: must name a user of the catalog, e.g. alice-chen`,
      );
    }
    return {
      result: {
        userEntityRef: stringifyEntityRef({ kind: 'user', namespace, name }),
      },
    };
  },
});

/**
 * The `example-user` auth provider (development only): signs in as the
 * catalog user named by the sign-in page, with that user's group
 * memberships, so permissions behave as they would for that person.
 */
export default createBackendModule({
  pluginId: 'auth',
  moduleId: 'example-user-provider',
  register(reg) {
    reg.registerInit({
      deps: {
        providers: authProvidersExtensionPoint,
        logger: coreServices.logger,
      },
      async init({ providers, logger }) {
        if (process.env.NODE_ENV !== 'development') {
          logger.info(
            'The example-user sign-in is off: NODE_ENV is not development',
          );
        }
        providers.registerProvider({
          providerId: 'example-user',
          factory: createProxyAuthProviderFactory({
            authenticator: exampleUserAuthenticator,
            async signInResolver({ result }, ctx) {
              if (process.env.NODE_ENV !== 'development') {
                throw new NotAllowedError(
                  'Signing in as an example user is only possible in development',
                );
              }
              return ctx.signInWithCatalogUser({
                entityRef: result.userEntityRef,
              });
            },
          }),
        });
      },
    });
  },
});
