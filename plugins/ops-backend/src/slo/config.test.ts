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

  it('reads the Prometheus series of the compact form, the usual client-library names by default', () => {
    expect(read({}).prometheus).toEqual({
      requestsMetric: 'http_requests_total',
      durationMetric: 'http_request_duration_seconds',
      statusLabel: 'code',
    });
    expect(
      read({
        prometheus: {
          requestsMetric: 'orders_requests_total',
          statusLabel: 'status',
        },
      }).prometheus,
    ).toEqual({
      requestsMetric: 'orders_requests_total',
      durationMetric: 'http_request_duration_seconds',
      statusLabel: 'status',
    });
    expect(() => read({ prometheus: { statusLabel: 'status-code' } })).toThrow(
      'ops.slo.prometheus.statusLabel is "status-code": give a Prometheus label name, e.g. code',
    );
    expect(() =>
      read({ prometheus: { requestsMetric: 'http requests' } }),
    ).toThrow(
      /requestsMetric is "http requests": give a Prometheus metric name/,
    );
  });
});
