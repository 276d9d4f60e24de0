import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin from '../../alpha';
import { bareEntity, searchEntity } from './__fixtures__/capacity';

describe('capacity in the new frontend system', () => {
  it('adds a Capacity tab to entities with capacity annotations', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ops/capacity'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('capacity');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Capacity');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(searchEntity)).toBe(true);
    expect(filter?.(bareEntity)).toBe(false);
  });

  it('puts the capacity card on every component (with its empty state)', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:ops/capacity'),
    );
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(searchEntity)).toBe(true);
    expect(filter?.(bareEntity)).toBe(true);
    expect(filter?.({ ...bareEntity, kind: 'Group' })).toBe(false);
  });

  it('serves the capacity review at /capacity with a nav entry', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:ops/capacity'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/capacity');
    expect(tester.get(coreExtensionData.title)).toBe('Capacity');
  });
});
