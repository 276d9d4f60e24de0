import {
  assessIncident,
  EntityIncidentsResponse,
  IncidentRecord,
  summarizeIncidents,
} from '@opsportal/plugin-ops-common';
import { alice, NOW } from '../../oncall/__fixtures__/oncall';

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (t: number) => new Date(t).toISOString();

const records: IncidentRecord[] = [
  {
    id: 'QOPENP1',
    number: 1042,
    title: 'Order API error budget burning: 5xx rate above 5%',
    status: 'acknowledged',
    priority: 'P1',
    urgency: 'high',
    serviceId: 'PSVORDR',
    serviceName: 'Order Service',
    createdAt: iso(NOW - 12 * 60_000),
    acknowledgedAt: iso(NOW - 9 * 60_000),
    htmlUrl: 'https://ecommerce-platform.pagerduty.com/incidents/QOPENP1',
    assignees: [alice],
  },
  {
    id: 'QOLDP2',
    number: 1010,
    title: 'Order placement latency p95 above 500 ms',
    status: 'resolved',
    priority: 'P2',
    serviceId: 'PSVORDR',
    serviceName: 'Order Service',
    createdAt: iso(NOW - 3 * DAY),
    acknowledgedAt: iso(NOW - 3 * DAY + 20 * 60_000),
    resolvedAt: iso(NOW - 3 * DAY + 2 * HOUR),
    htmlUrl: 'https://ecommerce-platform.pagerduty.com/incidents/QOLDP2',
    assignees: [],
  },
  {
    id: 'QOLDP3',
    number: 1001,
    title: 'order-events queue backlog growing',
    status: 'resolved',
    priority: 'P3',
    serviceId: 'PSVORDR',
    serviceName: 'Order Service',
    createdAt: iso(NOW - 9 * DAY),
    acknowledgedAt: iso(NOW - 9 * DAY + 20 * 60_000),
    resolvedAt: iso(NOW - 9 * DAY + 60 * 60_000),
    htmlUrl: 'https://ecommerce-platform.pagerduty.com/incidents/QOLDP3',
    assignees: [],
  },
];

const assessed = records.map(r => assessIncident(r, new Date(NOW)));

export const orderIncidents: EntityIncidentsResponse = {
  fetchedAt: iso(NOW - 60_000),
  stale: false,
  data: {
    entityRef: 'component:default/order-service',
    serviceIds: ['PSVORDR'],
    incidents: assessed,
    summary: summarizeIncidents(assessed, {
      since: new Date(NOW - 30 * DAY),
      until: new Date(NOW),
    }),
    services: [
      {
        id: 'PSVORDR',
        name: 'Order Service',
        htmlUrl:
          'https://ecommerce-platform.pagerduty.com/service-directory/PSVORDR',
      },
    ],
    triggerEnabled: false,
  },
};
