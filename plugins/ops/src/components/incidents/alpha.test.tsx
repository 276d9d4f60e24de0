import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import plugin from '../../alpha';

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
});
