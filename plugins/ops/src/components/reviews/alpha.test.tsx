import { screen } from '@testing-library/react';
import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { EntityContentBlueprint } from '@backstage/plugin-catalog-react/alpha';
import { renderInTestApp, TestApiProvider } from '@backstage/test-utils';
import {
  EntityProvider,
  entityRouteRef,
} from '@backstage/plugin-catalog-react';
import { Entity } from '@backstage/catalog-model';
import plugin from '../../alpha';
import { opsApiRef, OpsApi } from '../../api';
import { EntityTeamReviewsContent } from '../../plugin';
import { reportOf, orderReview } from './__fixtures__/reviews';

jest.setTimeout(30_000);

const group: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: { name: 'sre-team', title: 'SRE Team' },
  spec: { type: 'team', children: [] },
};
const component: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'order-service' },
  spec: { type: 'service', owner: 'sre-team', lifecycle: 'production' },
};

describe('team reviews in both frontend systems', () => {
  it('adds a Reviews tab to groups only (new system)', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ops/reviews'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('reviews');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Reviews');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(group)).toBe(true);
    expect(filter?.(component)).toBe(false);
  });

  it('renders the legacy EntityTeamReviewsContent', async () => {
    const api = {
      listReviews: async () => reportOf([orderReview()]),
    } as unknown as OpsApi;
    await renderInTestApp(
      <TestApiProvider apis={[[opsApiRef, api]]}>
        <EntityProvider entity={group}>
          <EntityTeamReviewsContent />
        </EntityProvider>
      </TestApiProvider>,
      {
        mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      },
    );
    expect(
      await screen.findByRole('table', { name: 'Open reviews of SRE Team' }),
    ).toHaveTextContent('PIR-7');
  });
});
