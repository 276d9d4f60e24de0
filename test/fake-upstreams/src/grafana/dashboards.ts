/**
 * The example platform's Grafana dashboards: per service an overview, its
 * SLOs and its capacity, tagged with the service's catalog name and the
 * kind (`overview`, `slo`, `capacity`), plus a few platform dashboards.
 */

export interface FakeDashboard {
  uid: string;
  title: string;
  tags: string[];
  folderUid: string;
  folderTitle: string;
}

export interface FakeFolder {
  uid: string;
  title: string;
}

export const FOLDERS: FakeFolder[] = [
  { uid: 'services', title: 'Services' },
  { uid: 'slos', title: 'SLOs' },
  { uid: 'platform', title: 'Platform' },
];

const SERVICES: { name: string; title: string; short: string }[] = [
  { name: 'storefront', title: 'Storefront', short: 'storefront' },
  { name: 'order-service', title: 'Order Service', short: 'order-svc' },
  { name: 'payment-service', title: 'Payment Service', short: 'payment-svc' },
  {
    name: 'customer-service',
    title: 'Customer Service',
    short: 'customer-svc',
  },
  { name: 'product-service', title: 'Product Service', short: 'product-svc' },
  { name: 'search-service', title: 'Search Service', short: 'search-svc' },
];

function folder(uid: string): Pick<FakeDashboard, 'folderUid' | 'folderTitle'> {
  const f = FOLDERS.find(x => x.uid === uid)!;
  return { folderUid: f.uid, folderTitle: f.title };
}

/** The dashboards of the example platform. */
export function platformDashboards(): FakeDashboard[] {
  const out: FakeDashboard[] = [];
  for (const s of SERVICES) {
    out.push(
      {
        uid: `${s.short}-overview`,
        title: `${s.title} overview`,
        tags: [s.name, 'overview', 'ecommerce-platform'],
        ...folder('services'),
      },
      {
        uid: `${s.short}-slo`,
        title: `${s.title} SLOs`,
        tags: [s.name, 'slo'],
        ...folder('slos'),
      },
      {
        uid: `${s.short}-capacity`,
        title: `${s.title} capacity`,
        tags: [s.name, 'capacity'],
        ...folder('services'),
      },
    );
  }
  out.push(
    {
      uid: 'payment-gateway',
      title: 'Payment gateway latency',
      tags: ['payment-service', 'payments', 'external'],
      ...folder('services'),
    },
    {
      uid: 'ecommerce-kpis',
      title: 'E-commerce business KPIs',
      tags: ['ecommerce-platform', 'business'],
      ...folder('platform'),
    },
    {
      uid: 'ecommerce-eks',
      title: 'EKS cluster ecommerce-prod',
      tags: ['ecommerce-eks', 'kubernetes', 'capacity'],
      ...folder('platform'),
    },
    {
      uid: 'orders-db',
      title: 'Orders database (RDS)',
      tags: ['orders-db', 'database', 'capacity'],
      ...folder('platform'),
    },
  );
  return out;
}

/** Grafana's slug of a title: lower case, words joined by dashes. */
export function slugify(title: string): string {
  return title
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
}
