/**
 * The example platform as the fake upstreams know it: the same services,
 * teams and people as examples/ in the catalog, with their PagerDuty ids
 * and CloudWatch dimensions. Keep the two in step.
 */

export interface PlatformService {
  /** Catalog name of the component. */
  name: string;
  title: string;
  /** PagerDuty service ids (payment-service has two). */
  pagerDutyServiceIds: string[];
  /** Availability target in percent, from the seed's SLO table. */
  availabilityTarget: number;
  /** Container Insights dimensions. */
  cluster: string;
  /** ALB target group, `targetgroup/<name>/<id>`. */
  targetGroup: string;
  /** SQS queue, if the service consumes one. */
  queue?: string;
}

export const LOAD_BALANCER = 'app/ecommerce-prod-alb/6d5f0f4a1b2c3d4e';
export const CLUSTER = 'ecommerce-prod';

export const services: PlatformService[] = [
  {
    name: 'order-service',
    title: 'Order Service',
    pagerDutyServiceIds: ['PSVORDR'],
    availabilityTarget: 99.9,
    cluster: CLUSTER,
    targetGroup: 'targetgroup/order-service/0a1b2c3d4e5f6071',
    queue: 'order-events',
  },
  {
    name: 'customer-service',
    title: 'Customer Service',
    pagerDutyServiceIds: ['PSVCUST'],
    availabilityTarget: 99.9,
    cluster: CLUSTER,
    targetGroup: 'targetgroup/customer-service/1b2c3d4e5f607182',
  },
  {
    name: 'product-service',
    title: 'Product Service',
    pagerDutyServiceIds: ['PSVPROD'],
    availabilityTarget: 99.95,
    cluster: CLUSTER,
    targetGroup: 'targetgroup/product-service/2c3d4e5f60718293',
  },
  {
    name: 'payment-service',
    title: 'Payment Service',
    pagerDutyServiceIds: ['PSVPAYM', 'PSVPGWY'],
    availabilityTarget: 99.99,
    cluster: CLUSTER,
    targetGroup: 'targetgroup/payment-service/3d4e5f60718293a4',
    queue: 'payment-events',
  },
  {
    name: 'search-service',
    title: 'Search Service',
    pagerDutyServiceIds: ['PSVSRCH'],
    availabilityTarget: 99.5,
    cluster: CLUSTER,
    targetGroup: 'targetgroup/search-service/4e5f60718293a4b5',
  },
];

/** The service whose error budget burns fast in the fake data (a page-level alert). */
export const BUDGET_BURNING_SERVICE = 'order-service';
/** The service whose CPU trends toward its limit in the fake data. */
export const CPU_TRENDING_SERVICE = 'search-service';

export interface PlatformPerson {
  /** Catalog user name. */
  name: string;
  displayName: string;
  email: string;
  /** PagerDuty user id. */
  pagerDutyId: string;
  team:
    | 'sre-team'
    | 'devops-team'
    | 'support-team'
    | 'dev-team'
    | 'engineering';
}

export const people: PlatformPerson[] = [
  {
    name: 'maria-garcia',
    displayName: 'Maria Garcia',
    email: 'maria.garcia@ecommerce-platform.com',
    pagerDutyId: 'PUMARIA',
    team: 'engineering',
  },
  {
    name: 'alice-chen',
    displayName: 'Alice Chen',
    email: 'alice.chen@ecommerce-platform.com',
    pagerDutyId: 'PUALICE',
    team: 'sre-team',
  },
  {
    name: 'bruno-silva',
    displayName: 'Bruno Silva',
    email: 'bruno.silva@ecommerce-platform.com',
    pagerDutyId: 'PUBRUNO',
    team: 'sre-team',
  },
  {
    name: 'chloe-martin',
    displayName: 'Chloe Martin',
    email: 'chloe.martin@ecommerce-platform.com',
    pagerDutyId: 'PUCHLOE',
    team: 'sre-team',
  },
  {
    name: 'dmitri-ivanov',
    displayName: 'Dmitri Ivanov',
    email: 'dmitri.ivanov@ecommerce-platform.com',
    pagerDutyId: 'PUDMITR',
    team: 'devops-team',
  },
  {
    name: 'emma-wilson',
    displayName: 'Emma Wilson',
    email: 'emma.wilson@ecommerce-platform.com',
    pagerDutyId: 'PUEMMAW',
    team: 'devops-team',
  },
  {
    name: 'farid-haddad',
    displayName: 'Farid Haddad',
    email: 'farid.haddad@ecommerce-platform.com',
    pagerDutyId: 'PUFARID',
    team: 'devops-team',
  },
];

/** PagerDuty schedules: primary (SRE) and secondary (DevOps), weekly. */
export const schedules = {
  primary: {
    id: 'PSCHSRE',
    name: 'SRE primary (weekly)',
    team: 'sre-team' as const,
  },
  secondary: {
    id: 'PSCHDVO',
    name: 'DevOps secondary (weekly)',
    team: 'devops-team' as const,
  },
};

/** The escalation policy every service uses: SRE, then DevOps, then the manager. */
export const ESCALATION_POLICY_ID = 'PEPECOM';
