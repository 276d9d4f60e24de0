import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin from '../../alpha';
import { entity } from './__fixtures__/slos';

const withSlos = entity('order-service', {
  'opsportal.dev/slo-availability': '99.9',
});
const without = entity('storefront', {});

describe('SLOs in the new frontend system', () => {
  it('puts the SLO card on entities with SLO annotations only', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:ops/slo'),
    );
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(withSlos)).toBe(true);
    expect(filter?.(without)).toBe(false);
  });

  it('adds an SLOs tab at /slos of those entities', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ops/slo'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('slos');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('SLOs');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(withSlos)).toBe(true);
    expect(filter?.(without)).toBe(false);
  });

  it('serves the platform SLO page at /slos with a nav entry', () => {
    const tester = createExtensionTester(plugin.getExtension('page:ops/slo'));
    expect(tester.get(coreExtensionData.routePath)).toBe('/slos');
    expect(tester.get(coreExtensionData.title)).toBe('SLOs');
  });
});
