import { Entity } from '@backstage/catalog-model';
import {
  EntityOnCallResponse,
  OnCallPerson,
  OnCallPolicyView,
  PlatformOnCallResponse,
} from '@opsportal/plugin-ops-common';

export const NOW = Date.parse('2026-03-18T12:00:00Z');
const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const iso = (t: number) => new Date(t).toISOString();

const person = (id: string, name: string, user?: string): OnCallPerson => ({
  id,
  name,
  email: `${name.toLowerCase().replace(' ', '.')}@ecommerce-platform.com`,
  htmlUrl: `https://ecommerce-platform.pagerduty.com/users/${id}`,
  userEntityRef: user,
});

export const alice = person('PUALICE', 'Alice Chen', 'user:default/alice-chen');
export const bruno = person('PUBRUNO', 'Bruno Silva');
export const chloe = person('PUCHLOE', 'Chloe Martin');
export const emma = person('PUEMMAW', 'Emma Wilson');
export const maria = person('PUMARIA', 'Maria Garcia');

const weekStart = Date.parse('2026-03-16T09:00:00Z');

export const policy: OnCallPolicyView = {
  id: 'PEPECOM',
  name: 'E-Commerce Platform',
  htmlUrl:
    'https://ecommerce-platform.pagerduty.com/escalation_policies/PEPECOM',
  levels: [
    {
      level: 1,
      label: 'Primary',
      delayMinutes: 10,
      targets: [
        { type: 'schedule', id: 'PSCHSRE', name: 'SRE primary (weekly)' },
      ],
      onCall: [
        {
          person: alice,
          schedule: { id: 'PSCHSRE', name: 'SRE primary (weekly)' },
          start: iso(weekStart),
          end: iso(weekStart + 7 * DAY),
          override: false,
          next: {
            person: bruno,
            start: iso(weekStart + 7 * DAY),
            override: false,
          },
        },
      ],
    },
    {
      level: 2,
      label: 'Secondary',
      delayMinutes: 15,
      targets: [
        { type: 'schedule', id: 'PSCHDVO', name: 'DevOps secondary (weekly)' },
      ],
      onCall: [
        {
          person: emma,
          schedule: { id: 'PSCHDVO', name: 'DevOps secondary (weekly)' },
          start: iso(weekStart),
          end: iso(weekStart + 7 * DAY),
          override: true,
        },
      ],
    },
    {
      level: 3,
      label: 'Escalation',
      delayMinutes: 30,
      targets: [{ type: 'user', id: 'PUMARIA', name: 'Maria Garcia' }],
      onCall: [{ person: maria, override: false }],
    },
  ],
};

export const orderEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'order-service',
    annotations: { 'pagerduty.com/service-id': 'PSVORDR' },
  },
  spec: { type: 'service', owner: 'dev-team' },
};

export const paymentEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: {
    name: 'payment-service',
    annotations: { 'pagerduty.com/service-id': 'PSVPAYM,PSVPGWY' },
  },
  spec: { type: 'service', owner: 'dev-team' },
};

export const storefrontEntity: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Component',
  metadata: { name: 'storefront' },
  spec: { type: 'website', owner: 'dev-team' },
};

export const sreTeam: Entity = {
  apiVersion: 'backstage.io/v1alpha1',
  kind: 'Group',
  metadata: {
    name: 'sre-team',
    annotations: {
      'pagerduty.com/schedule-id': 'PSCHSRE',
      'pagerduty.com/escalation-policy-id': 'PEPECOM',
    },
  },
  spec: { type: 'team', children: [] },
};

export const orderOnCall: EntityOnCallResponse = {
  fetchedAt: iso(NOW - 60_000),
  stale: false,
  data: {
    entityRef: 'component:default/order-service',
    serviceIds: ['PSVORDR'],
    escalationPolicyIds: [],
    scheduleIds: [],
    services: [
      {
        id: 'PSVORDR',
        name: 'Order Service',
        htmlUrl:
          'https://ecommerce-platform.pagerduty.com/service-directory/PSVORDR',
        status: 'active',
        escalationPolicy: policy,
      },
    ],
    escalationPolicies: [],
    rotations: [],
    teamServices: [],
  },
};

const shift = (
  p: OnCallPerson,
  from: number,
  to: number,
  override = false,
) => ({
  person: p,
  start: iso(from),
  end: iso(to),
  override,
});

export const sreOnCall: EntityOnCallResponse = {
  fetchedAt: iso(NOW - 60_000),
  stale: false,
  data: {
    entityRef: 'group:default/sre-team',
    serviceIds: [],
    escalationPolicyIds: ['PEPECOM'],
    scheduleIds: ['PSCHSRE'],
    services: [],
    escalationPolicies: [policy],
    rotations: [
      {
        id: 'PSCHSRE',
        name: 'SRE primary (weekly)',
        timeZone: 'UTC',
        source: 'v2',
        since: iso(NOW),
        until: iso(NOW + 28 * DAY),
        shifts: [
          shift(alice, NOW, weekStart + 7 * DAY),
          shift(bruno, weekStart + 7 * DAY, weekStart + 9 * DAY),
          shift(chloe, weekStart + 9 * DAY, weekStart + 11 * DAY, true),
          shift(bruno, weekStart + 11 * DAY, weekStart + 14 * DAY),
          shift(chloe, weekStart + 14 * DAY, weekStart + 21 * DAY),
          shift(alice, weekStart + 21 * DAY, weekStart + 28 * DAY),
          shift(bruno, weekStart + 28 * DAY, NOW + 28 * DAY),
        ],
        overrides: [
          shift(chloe, weekStart + 9 * DAY, weekStart + 11 * DAY, true),
        ],
      },
    ],
    teamServices: [
      {
        entityRef: 'component:default/order-service',
        title: 'Order Service',
        serviceId: 'PSVORDR',
        serviceName: 'Order Service',
        primary: [alice],
      },
      {
        entityRef: 'component:default/payment-service',
        title: 'Payment Service',
        serviceId: 'PSVPAYM',
        serviceName: 'Payment Service',
        primary: [alice],
      },
    ],
  },
};

export const platform: PlatformOnCallResponse = {
  rows: [
    {
      entityRef: 'component:default/order-service',
      kind: 'Component',
      title: 'Order Service',
      services: [{ id: 'PSVORDR', name: 'Order Service' }],
      levels: [
        { level: 1, label: 'Primary', people: [alice] },
        { level: 2, label: 'Secondary', people: [emma] },
        { level: 3, label: 'Escalation', people: [maria] },
      ],
      stale: false,
    },
    {
      entityRef: 'component:default/payment-service',
      kind: 'Component',
      title: 'Payment Service',
      services: [
        { id: 'PSVPAYM', name: 'Payment Service' },
        { id: 'PSVPGWY', name: 'Payment Service gateway' },
      ],
      levels: [
        { level: 1, label: 'Primary', people: [alice] },
        { level: 2, label: 'Secondary', people: [emma] },
        { level: 3, label: 'Escalation', people: [maria] },
      ],
      stale: true,
      fetchedAt: iso(NOW - 2 * HOUR),
      error: 'PagerDuty failed on /oncalls (500)',
    },
    {
      entityRef: 'group:default/sre-team',
      kind: 'Group',
      title: 'SRE Team',
      services: [],
      levels: [{ level: 1, label: 'Primary', people: [bruno] }],
      stale: false,
    },
  ],
};
