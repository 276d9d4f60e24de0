import { mockServices } from '@backstage/backend-test-utils';
import { JsonObject } from '@backstage/types';
import { readSloConfig } from './config';

const read = (slo: JsonObject) =>
  readSloConfig(mockServices.rootConfig({ data: { ops: { slo } } }));

describe('readSloConfig', () => {
  it('flags rules needing more than half the events bad, and leaves them as they are, by default', () => {
    expect(read({}).burnRateCeiling).toEqual({
      share: 0.5,
      scaleToTarget: false,
    });
  });

  it('reads the ceiling share and whether rules are scaled to the target', () => {
    expect(
      read({ burnRateCeiling: { share: 0.8, scaleToTarget: true } })
        .burnRateCeiling,
    ).toEqual({ share: 0.8, scaleToTarget: true });
  });

  it.each([0, -1, 1.5])('refuses a ceiling share of %p', share => {
    expect(() => read({ burnRateCeiling: { share } })).toThrow(
      /ops\.slo\.burnRateCeiling\.share is .*: give a share of the events above 0 and at most 1/,
    );
  });
});
