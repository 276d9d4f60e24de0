import { expect, test } from '@playwright/test';
import { readFile } from 'node:fs/promises';
import { openComponent, signInAsGuest } from './helpers';

// The portal shares two cores with its builds: give each test time.
test.describe.configure({ timeout: 300_000 });

const RELIABILITY = [
  'Uptime',
  'MTBF (Mean Time Between Failures)',
  'MTTR (Mean Time To Recovery)',
  'Incident Count',
  'Change Success Rate',
];
const EFFICIENCY = [
  'Deployment Frequency',
  'Deployment Success Rate',
  'Rollback Rate',
  'Alert Response Time',
  'Incident Resolution Time',
  // Beside the seed's KPIs: how post-incident reviews are followed up.
  'Reviews Completed On Time',
  'Action Items Overdue',
];

test('the overview is the landing page: KPI tables, open P1/P2 incidents and on-call now', async ({
  page,
}) => {
  await signInAsGuest(page);
  await expect(
    page.getByRole('heading', { name: 'Operations overview' }),
  ).toBeVisible();

  const reliability = page.getByRole('table', {
    name: 'System reliability KPIs',
  });
  await expect(reliability).toBeVisible();
  for (const name of RELIABILITY) {
    await expect(reliability.getByRole('rowheader', { name })).toBeVisible();
  }
  // Targets as the seed writes them, and a measured uptime.
  const uptime = reliability.getByRole('row', { name: /^Uptime/ });
  await expect(uptime).toContainText('≥ 99.9 %');
  await expect(uptime).toContainText(/\d{2}\.\d+ %/);
  await expect(reliability.getByRole('row', { name: /^MTTR/ })).toContainText(
    '< 30 min',
  );
  await expect(
    reliability.getByRole('row', { name: /^Incident Count/ }),
  ).toContainText(/\d+(\.\d)? \/ month/);

  const efficiency = page.getByRole('table', {
    name: 'Operational efficiency KPIs',
  });
  for (const name of EFFICIENCY) {
    await expect(efficiency.getByRole('rowheader', { name })).toBeVisible();
  }
  await expect(
    efficiency.getByRole('row', { name: /^Deployment Frequency/ }),
  ).toContainText('Daily (≥ 1 / day)');
  await expect(
    efficiency.getByRole('row', { name: /^Alert Response Time/ }),
  ).toContainText(/\d+(\.\d)? (min|h)/);

  // The fake PagerDuty has an open P1 on order-service.
  const incidents = page.getByRole('table', { name: 'Open P1/P2 incidents' });
  await expect(incidents).toBeVisible();
  await expect(
    incidents.getByRole('row').filter({ hasText: 'Order Service' }),
  ).toContainText('P1');

  // On call now: the SRE primary, the DevOps secondary, the manager.
  const onCall = page.getByRole('table', { name: 'On call now' });
  await expect(onCall).toBeVisible();
  await expect(onCall).toContainText('Maria Garcia');

  // The definitions are one click away.
  await page.getByRole('button', { name: 'KPI definitions' }).click();
  const dialog = page.getByRole('dialog', { name: 'KPI definitions' });
  await expect(dialog).toContainText('Operating time');
  await dialog.getByRole('button', { name: 'Close' }).click();

  await page.setViewportSize({ width: 1440, height: 2600 });
  await page.screenshot({ path: '/tmp/kpis-overview.png' });
});

test('the KPIs export as CSV, for another period too', async ({ page }) => {
  await signInAsGuest(page);
  await expect(
    page.getByRole('table', { name: 'System reliability KPIs' }),
  ).toBeVisible();

  await page.getByRole('button', { name: /^Period/ }).click();
  await page.getByRole('option', { name: 'Last 90 days' }).click();
  await expect(page.getByText('Last 90 days').first()).toBeVisible();

  const [download] = await Promise.all([
    page.waitForEvent('download'),
    page.getByRole('button', { name: 'Export CSV' }).click(),
  ]);
  expect(download.suggestedFilename()).toMatch(/^kpis-platform-90d-.*\.csv$/);
  const csv = await readFile((await download.path())!, 'utf8');
  const lines = csv.trimEnd().split('\r\n');
  expect(lines[0]).toMatch(/^scope,entity,period,from,to,kpi,value,/);
  // A header and one line per KPI (the seed's ten and the two of reviews).
  expect(lines).toHaveLength(1 + RELIABILITY.length + EFFICIENCY.length);
  expect(csv).toContain('Last 90 days');
  for (const name of [...RELIABILITY, ...EFFICIENCY]) {
    expect(csv).toContain(`,${name},`);
  }
});

test('order-service shows its KPI card', async ({ page }) => {
  await signInAsGuest(page);
  await openComponent(page, 'order-service');
  const table = page.getByRole('table', {
    name: 'Operational KPIs of Order Service',
  });
  await expect(table).toBeVisible();
  await expect(table.getByRole('rowheader', { name: 'Uptime' })).toBeVisible();
  // order-service had incidents in the fake PagerDuty's last 30 days.
  await expect(
    table.getByRole('row', { name: /^Incident Count/ }),
  ).toContainText(/[1-9]\d*(\.\d)? \/ month/);
  await page.setViewportSize({ width: 1440, height: 2400 });
  await page.screenshot({ path: '/tmp/kpis-entity.png' });
});

test("sre-team's KPI tab covers the services it is on call for", async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/group/sre-team/kpis');
  const table = page.getByRole('table', {
    name: 'System reliability KPIs of SRE Team',
  });
  await expect(table).toBeVisible();
  await expect(page.getByText(/Over \d+ services/)).toContainText(
    'Order Service',
  );
  await expect(
    table.getByRole('row', { name: /^Incident Count/ }),
  ).toContainText(/\d+(\.\d)? \/ month/);
  await page.setViewportSize({ width: 1440, height: 1800 });
  await page.screenshot({ path: '/tmp/kpis-team.png' });
});
