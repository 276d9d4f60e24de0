import { screen } from '@testing-library/react';
import {
  createExtensionTester,
  renderInTestApp,
} from '@backstage/frontend-test-utils';
import { entityRouteRef } from '@backstage/plugin-catalog-react';
import { opsApiRef } from '../../api';
import { onCallPage } from '../../alpha/pages';
import { platform } from './__fixtures__/oncall';

jest.setTimeout(60_000);

describe('on-call extensions (new frontend system)', () => {
  it('mounts the platform on-call page at /on-call', async () => {
    const apis = [
      [opsApiRef, { getPlatformOnCall: async () => platform }],
    ] as const;
    const tester = createExtensionTester(onCallPage);

    renderInTestApp(tester.reactElement(), {
      apis,
      mountedRoutes: { '/catalog/:namespace/:kind/:name': entityRouteRef },
    });

    expect(
      // The page is loaded lazily: allow for the first compile.
      await screen.findByRole(
        'heading',
        { name: 'On-call' },
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(
      await screen.findByRole(
        'table',
        { name: 'On-call by service and team' },
        { timeout: 20_000 },
      ),
    ).toBeInTheDocument();
    expect(
      screen.getByRole('link', { name: 'Payment Service' }),
    ).toHaveAttribute('href', '/catalog/default/component/payment-service');
  });
});
