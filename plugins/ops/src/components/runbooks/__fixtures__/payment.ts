import { Entity } from '@backstage/catalog-model';
import {
  EntityRunbooks,
  RunbookCoverageReport,
  RunbookDocument,
} from '@opsportal/plugin-ops-common';

export const paymentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payment-service',
    namespace: 'default',
    title: 'Payment Service',
    annotations: {
      'opsportal.dev/runbooks': '../runbooks/payment-service/',
      'opsportal.dev/alarm-prefix': 'payment-service-',
    },
  },
  spec: { type: 'service', owner: 'group:default/dev-team' },
};

export const bareEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'storefront', namespace: 'default' },
  spec: { type: 'website', owner: 'group:default/dev-team' },
};

const fresh = { fetchedAt: '2026-11-25T12:00:00.000Z', stale: false };

export const paymentRunbooks: EntityRunbooks = {
  entityRef: 'component:default/payment-service',
  runbooks: [
    {
      id: 'db-failover',
      source: 'markdown',
      title: 'Payments database failover (orders-db)',
      owner: 'group:default/sre-team',
      lastUpdated: '2025-12-10',
      lastUpdatedFrom: 'front-matter',
      alarms: ['payment-service-db-unavailable'],
      severity: 'P1',
      name: 'db-failover.md',
      location: '../runbooks/payment-service/',
      headings: ['Payments database failover', 'Replica lag'],
      tags: ['rds'],
      stale: true,
    },
    {
      id: 'payment-processing-failures',
      source: 'markdown',
      title: 'Payment processing failures above 5 %',
      owner: 'group:default/dev-team',
      lastUpdated: '2026-10-14',
      lastUpdatedFrom: 'front-matter',
      alarms: ['payment-service-processing-failures'],
      severity: 'P1',
      name: 'payment-processing-failures.md',
      location: '../runbooks/payment-service/',
      headings: ['Mitigation', 'Recovery'],
      tags: ['payments'],
      stale: false,
    },
    {
      id: 'link-payment-gateway-timeouts',
      source: 'link',
      title: 'Runbook: payment gateway timeouts',
      owner: 'group:default/dev-team',
      alarms: [],
      url: 'https://runbooks.ecommerce-platform.example/payment-service/gateway-timeouts',
      headings: [],
      tags: [],
      stale: false,
    },
  ],
  problems: [],
  alarms: [
    {
      name: 'payment-service-processing-failures',
      state: 'ALARM',
      stateReason: 'Threshold Crossed: 3 datapoints were greater than 5.',
      since: '2026-11-25T11:20:00.000Z',
      severity: 'P1',
      severitySource: 'tag',
      runbookUrls: [],
      runbooks: [
        {
          runbookId: 'payment-processing-failures',
          title: 'Payment processing failures above 5 %',
          via: 'front-matter',
        },
      ],
    },
    {
      name: 'payment-service-events-queue-backlog',
      state: 'OK',
      since: '2026-11-23T12:00:00.000Z',
      description: 'payment-events backlog above 1,000 messages.',
      severity: 'P3',
      severitySource: 'tag',
      runbookUrls: [],
      runbooks: [],
    },
    {
      name: 'payment-service-gateway-timeouts',
      state: 'OK',
      since: '2026-11-22T12:00:00.000Z',
      severity: 'P2',
      severitySource: 'tag',
      runbookUrls: ['https://wiki.example/runbooks/gateway'],
      runbooks: [
        {
          runbookId: 'link-payment-gateway-timeouts',
          title: 'Runbook: payment gateway timeouts',
          via: 'front-matter',
        },
        {
          url: 'https://wiki.example/runbooks/gateway',
          title: 'https://wiki.example/runbooks/gateway',
          via: 'description',
        },
      ],
    },
  ],
  counts: {
    runbooks: 3,
    staleRunbooks: 1,
    alarms: 3,
    alarmsFiring: 1,
    alarmsWithoutRunbook: 1,
  },
  setup: { markdown: true, links: true, techdocs: false, alarms: true },
  staleAfterDays: 180,
  freshness: { runbooks: fresh, alarms: fresh },
};

export const processingFailuresDocument: RunbookDocument = {
  entityRef: 'component:default/payment-service',
  runbook: paymentRunbooks.runbooks[1],
  toc: [
    { id: 'mitigation', level: 2, text: 'Mitigation' },
    { id: 'roll-back', level: 3, text: 'Roll back' },
  ],
  blocks: [
    {
      type: 'heading',
      level: 1,
      id: 'payment-processing-failures',
      children: [{ type: 'text', text: 'Payment processing failures' }],
    },
    {
      type: 'paragraph',
      children: [
        { type: 'text', text: 'See the ' },
        {
          type: 'link',
          runbookId: 'db-failover',
          children: [{ type: 'text', text: 'database failover runbook' }],
        },
        { type: 'text', text: '.' },
      ],
    },
    {
      type: 'heading',
      level: 2,
      id: 'mitigation',
      children: [{ type: 'text', text: 'Mitigation' }],
    },
    {
      type: 'heading',
      level: 3,
      id: 'roll-back',
      children: [{ type: 'text', text: 'Roll back' }],
    },
    {
      type: 'code',
      language: 'sh',
      text: 'kubectl -n default rollout undo deployment/payment-service',
    },
  ],
  alarms: [paymentRunbooks.alarms[0]],
  freshness: fresh,
};

export const coverageReport: RunbookCoverageReport = {
  staleAfterDays: 180,
  totals: {
    services: 2,
    runbooks: 3,
    staleRunbooks: 1,
    alarms: 5,
    alarmsWithoutRunbook: 1,
    servicesWithoutRunbooks: 1,
  },
  teams: [
    {
      owner: 'group:default/dev-team',
      services: 2,
      runbooks: 3,
      staleRunbooks: 1,
      alarms: 5,
      alarmsWithoutRunbook: 1,
      servicesWithoutRunbooks: 1,
    },
  ],
  services: [
    {
      entityRef: 'component:default/payment-service',
      title: 'Payment Service',
      owner: 'group:default/dev-team',
      runbooks: 3,
      staleRunbooks: [
        {
          id: 'db-failover',
          title: 'Payments database failover (orders-db)',
          lastUpdated: '2025-12-10',
        },
      ],
      alarms: 3,
      alarmsFiring: 1,
      alarmsWithoutRunbook: [
        {
          name: 'payment-service-events-queue-backlog',
          severity: 'P3',
          state: 'OK',
        },
      ],
      problems: 0,
      noRunbookSource: false,
      freshness: fresh,
    },
    {
      entityRef: 'component:default/storefront',
      title: 'storefront',
      owner: 'group:default/dev-team',
      runbooks: 0,
      staleRunbooks: [],
      alarms: 2,
      alarmsFiring: 0,
      alarmsWithoutRunbook: [],
      problems: 0,
      noRunbookSource: true,
      freshness: fresh,
    },
  ],
};
