import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import { Entity } from '@backstage/catalog-model';
import { screen } from '@testing-library/react';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import plugin from '../../alpha';
import { opsApiRef } from '../../api';
import { EntityAlertPolicyCard } from '../../plugin';
import { FakeAlertsBackend } from './__fixtures__/alerts';

jest.setTimeout(30_000);

const withAlarms: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payment-service',
    annotations: { 'opsportal.dev/alarm-prefix': 'payment-service-' },
  },
  spec: { type: 'service', owner: 'payments-team', lifecycle: 'production' },
};
const withoutAlarms: Entity = {
  ...withAlarms,
  metadata: { name: 'docs-site' },
};
const team: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'payments-team' },
  spec: { type: 'team', children: [] },
};

describe('alert hygiene in the new frontend system', () => {
  it('serves the Alert health page at /alerts with a nav entry', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:ops/alerts'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/alerts');
    expect(tester.get(coreExtensionData.title)).toBe('Alert health');
  });

  it('adds an Alert health tab to groups only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ops/alert-health'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('alert-health');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe(
      'Alert health',
    );
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(team)).toBe(true);
    expect(filter?.(withAlarms)).toBe(false);
  });

  it('puts the Alerting policy card on components with an alarm prefix', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:ops/alert-policy'),
    );
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(withAlarms)).toBe(true);
    expect(filter?.(withoutAlarms)).toBe(false);
    expect(filter?.({ ...team, metadata: withAlarms.metadata } as Entity)).toBe(
      false,
    );
  });

  it('renders the legacy EntityAlertPolicyCard', async () => {
    await renderInTestApp(
      <TestApiProvider apis={[[opsApiRef, new FakeAlertsBackend().api()]]}>
        <EntityProvider entity={withAlarms}>
          <EntityAlertPolicyCard />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByText('1 present, 1 looser, 1 missing'),
    ).toBeVisible();
  });
});
