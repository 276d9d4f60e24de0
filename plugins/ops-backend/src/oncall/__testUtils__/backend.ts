import {
  mockCredentials,
  mockServices,
  startTestBackend,
} from '@backstage/backend-test-utils';
import { Entity } from '@backstage/catalog-model';
import { catalogServiceMock } from '@backstage/plugin-catalog-node/testUtils';
import { FakePagerDuty } from '@internal/fake-upstreams';
import opsModulePagerDuty from '@opsportal/plugin-ops-backend-module-pagerduty';
import { opsPlugin } from '../../plugin';

/*
 * What the on-call and incidents route tests share: the ops plugin with the
 * PagerDuty module against the fake PagerDuty, and a small catalog.
 */

export const entities: Entity[] = [
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: {
      name: 'order-service',
      annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
    },
    spec: { type: 'service', owner: 'group:default/dev-team' },
  },
  {
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'storefront' },
    spec: { type: 'website', owner: 'group:default/dev-team' },
  },
];

/** Starts the ops backend with the PagerDuty module (triggering enabled). */
export async function startOpsBackend(
  pagerduty: FakePagerDuty,
  credentials:
    | ReturnType<typeof mockCredentials.user>
    | ReturnType<typeof mockCredentials.none> = mockCredentials.user(),
) {
  const { server } = await startTestBackend({
    features: [
      opsPlugin,
      opsModulePagerDuty,
      catalogServiceMock.factory({ entities }),
      mockServices.rootConfig.factory({
        data: {
          ops: {
            pagerduty: {
              apiBaseUrl: pagerduty.url,
              token: 'local-fake-token',
              maxAttempts: 1,
            },
            incidents: { trigger: { enabled: true } },
          },
        },
      }),
      mockServices.httpAuth.factory({ defaultCredentials: credentials }),
    ],
  });
  return server;
}
