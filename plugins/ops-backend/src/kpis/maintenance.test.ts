import { AssessedIncident } from '@opsportal/plugin-ops-common';
import { incidentSourceFromService, withoutMaintenance } from './sources';
import { mockCredentials } from '@backstage/backend-test-utils';

const ORDER = 'component:default/order-service';
const PAYMENT = 'component:default/payment-service';

function incident(
  id: string,
  serviceId: string,
  createdAt: string,
): AssessedIncident {
  return {
    id,
    title: id,
    status: 'resolved',
    serviceId,
    createdAt,
    severity: 'P3',
    severitySource: 'default',
  } as unknown as AssessedIncident;
}

const incidents = new Map([
  [
    ORDER,
    [
      incident('before', 'PSVORDR', '2026-12-01T09:59:00Z'),
      incident('during', 'PSVORDR', '2026-12-01T10:30:00Z'),
      incident('at-end', 'PSVORDR', '2026-12-01T11:00:00Z'),
    ],
  ],
  [PAYMENT, [incident('other-service', 'PSVPAYM', '2026-12-01T10:30:00Z')]],
]);

const window = {
  start: '2026-12-01T10:00:00Z',
  end: '2026-12-01T11:00:00Z',
  serviceIds: ['PSVORDR'],
  changeRequestId: 'CHG-1042',
};

const ids = (byEntity: Map<string, AssessedIncident[]>) =>
  Object.fromEntries([...byEntity].map(([k, v]) => [k, v.map(i => i.id)]));

describe('KPIs and maintenance windows', () => {
  it('leaves out incidents opened inside a window on their service, and only those', () => {
    expect(ids(withoutMaintenance(incidents, [window]))).toEqual({
      [ORDER]: ['before', 'at-end'],
      [PAYMENT]: ['other-service'],
    });
    // A window naming no service covers every service.
    expect(
      ids(withoutMaintenance(incidents, [{ ...window, serviceIds: [] }])),
    ).toEqual({ [ORDER]: ['before', 'at-end'], [PAYMENT]: [] });
  });

  it('asks the maintenance source for the KPI range and filters what the incidents feature answers', async () => {
    const asked: Array<[string, string]> = [];
    const source = incidentSourceFromService(
      {
        windowDays: 90,
        listIncidents: async () => incidents,
        freshnessOf: async (refs: string[]) =>
          new Map(refs.map(r => [r, { stale: false }])),
        getEntityIncidents: async () => {
          throw new Error('not read: every entity has a snapshot');
        },
      } as unknown as Parameters<typeof incidentSourceFromService>[0],
      {
        listPeriods: async (since, until) => {
          asked.push([since.toISOString(), until.toISOString()]);
          return [window];
        },
      },
    );
    const since = new Date('2026-11-01T00:00:00Z');
    const until = new Date('2026-12-02T00:00:00Z');

    const { byEntity } = await source.incidents(
      [ORDER, PAYMENT],
      since,
      until,
      mockCredentials.user(),
    );

    expect(asked).toEqual([[since.toISOString(), until.toISOString()]]);
    expect(byEntity.get(ORDER)!.map(i => i.id)).toEqual(['before', 'at-end']);
  });
});
