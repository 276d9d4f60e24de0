import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderTestApp,
} from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import { catalogApiRef, entityRouteRef } from '@backstage/plugin-catalog-react';
import { catalogApiMock } from '@backstage/plugin-catalog-react/testUtils';
import plugin from '../../alpha';
import { opsApiRef } from '../../api';
import { orderP1Detail } from './__fixtures__/incidentDetail';

jest.setTimeout(60_000);

describe('incident pages in the new frontend system', () => {
  it('serve one incident under /incidents, without a nav entry of their own', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:ops/incidents'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/incidents');
    expect(tester.get(coreExtensionData.routeRef)).toBeDefined();
    expect(tester.get(coreExtensionData.title)).toBeUndefined();
    expect(tester.get(coreExtensionData.icon)).toBeUndefined();
  });

  it('render the incident at /incidents/:id in an app', async () => {
    renderTestApp({
      extensions: [plugin.getExtension('page:ops/incidents')],
      initialRouteEntries: ['/incidents/QOPENP1'],
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
      apis: [
        [opsApiRef, { getIncident: async () => orderP1Detail() }],
        [catalogApiRef, catalogApiMock()],
      ],
    });
    expect(
      await screen.findByRole(
        'heading',
        {
          level: 1,
          name: /Order API error budget burning/,
        },
        // The page loads lazily, as in the app.
        { timeout: 30_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('list', { name: 'Incident stages' }),
    ).toBeInTheDocument();
  });
});
