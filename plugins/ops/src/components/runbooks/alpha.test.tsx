import { createExtensionTester } from '@backstage/frontend-test-utils';
import { coreExtensionData } from '@backstage/frontend-plugin-api';
import {
  EntityCardBlueprint,
  EntityContentBlueprint,
} from '@backstage/plugin-catalog-react/alpha';
import plugin from '../../alpha';
import { bareEntity, paymentEntity } from './__fixtures__/payment';

// The machine running the tests is shared; rendering MUI can be slow.
jest.setTimeout(30_000);

describe('runbooks in the new frontend system', () => {
  it('adds a Runbooks tab to entities that have runbooks or alarms', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-content:ops/runbooks'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('runbooks');
    expect(tester.get(EntityContentBlueprint.dataRefs.title)).toBe('Runbooks');
    const filter = tester.get(EntityContentBlueprint.dataRefs.filterFunction);
    expect(filter?.(paymentEntity)).toBe(true);
    expect(filter?.(bareEntity)).toBe(false);
  });

  it('puts the runbooks card on every component (with its empty state)', () => {
    const tester = createExtensionTester(
      plugin.getExtension('entity-card:ops/runbooks'),
    );
    const filter = tester.get(EntityCardBlueprint.dataRefs.filterFunction);
    expect(filter?.(paymentEntity)).toBe(true);
    expect(filter?.(bareEntity)).toBe(true);
    expect(filter?.({ ...bareEntity, kind: 'Group' })).toBe(false);
  });

  it('serves the coverage page at /runbooks with a nav entry', () => {
    const tester = createExtensionTester(
      plugin.getExtension('page:ops/runbooks'),
    );
    expect(tester.get(coreExtensionData.routePath)).toBe('/runbooks');
    expect(tester.get(coreExtensionData.title)).toBe('Runbooks');
  });
});
