import { expect, Page, test } from '@playwright/test';

/** Signs in as the guest, with the patience a rebuilding dev server needs. */
async function signInAsGuest(page: Page) {
  await page.goto('/', { timeout: 180_000 });
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible({ timeout: 180_000 });
  await enter.click();
  await expect(
    page.getByTestId('sidebar-root').getByRole('link', { name: 'Catalog' }),
  ).toBeVisible({ timeout: 180_000 });
}

/**
 * Opens a component's page, waiting longer than the shared helpers: the
 * development server rebuilds while others edit, and pages wait for it.
 */
async function openComponent(page: Page, name: string) {
  // A backend that just (re)started may not have read the catalog yet.
  await expect(async () => {
    await page.goto(`/catalog/default/component/${name}`, {
      timeout: 180_000,
    });
    await expect(page.getByRole('heading', { name: 'About' })).toBeVisible({
      timeout: 60_000,
    });
  }).toPass({ timeout: 300_000, intervals: [5_000] });
}

/** Screenshot of the SLO card: scrolled to its title, the viewport. */
async function shootSloCard(page: Page, path: string) {
  await page
    .getByText('Service level objectives', { exact: true })
    .first()
    .scrollIntoViewIfNeeded();
  await page.screenshot({ path });
}

test.describe('SLOs from CloudWatch', () => {
  // One signed-in page for the three tests: the portal is slow to load
  // on a busy machine, and signing in again proves nothing new.
  test.describe.configure({ mode: 'serial', timeout: 360_000 });
  let page: Page;
  test.beforeAll(async ({ browser }) => {
    test.setTimeout(360_000);
    page = await browser.newPage();
    page.setDefaultNavigationTimeout(180_000);
    await signInAsGuest(page);
  });
  test.afterAll(async () => {
    await page.close();
  });

  test('payment-service shows 99.99 % availability with its budget in minutes', async () => {
    await openComponent(page, 'payment-service');
    const availability = page.getByRole('region', { name: 'Availability' });
    await expect(availability).toBeVisible({ timeout: 60_000 });
    await expect(
      availability.getByText('99.99 %', { exact: true }),
    ).toBeVisible();
    // The current value, one decimal finer than the target, meets it.
    await expect(availability.getByText(/^99\.99\d %$/)).toBeVisible();
    // 0.01 % of 30 days is 4.32 minutes of budget.
    await expect(availability.getByText(/min of 4\.32 min$/)).toBeVisible();
    await expect(
      availability.getByLabel('Burn-rate alert: Healthy'),
    ).toBeVisible();
    await expect(
      page.getByRole('img', { name: /Error budget burn-down of Availability/ }),
    ).toBeVisible();
    await shootSloCard(page, '/tmp/slo-payment.png');
  });

  test('order-service shows a page-level burn alert with its windows', async () => {
    await openComponent(page, 'order-service');
    const availability = page.getByRole('region', { name: 'Availability' });
    await expect(availability).toBeVisible({ timeout: 60_000 });
    await expect(
      availability.getByLabel('Burn-rate alert: Page'),
    ).toBeVisible();
    await expect(
      availability.getByText(
        /^Page: the budget burns at [\d.]+x over 1h and [\d.]+x over 5m, at or above 14\.4x on both/,
      ),
    ).toBeVisible();
    await expect(
      availability.getByText(/the budget runs out in/),
    ).toBeVisible();
    await shootSloCard(page, '/tmp/slo-order.png');
  });

  test("order-service's SLOs tab shows every window and the rule that fires", async () => {
    await expect(async () => {
      await page.goto('/catalog/default/component/order-service/slos', {
        timeout: 180_000,
      });
      await expect(
        page.getByRole('table', {
          name: 'Burn-rate alert rules of Availability',
        }),
      ).toBeVisible({ timeout: 60_000 });
    }).toPass({ timeout: 300_000, intervals: [5_000] });
    const rules = page.getByRole('table', {
      name: 'Burn-rate alert rules of Availability',
    });
    const pageRule = rules.getByRole('row').filter({ hasText: '1h:' });
    await expect(pageRule).toContainText('5m:');
    await expect(pageRule.getByLabel('Burn-rate alert: Page')).toBeVisible();
    const windows = page.getByRole('table', {
      name: 'Burn rates of Availability',
    });
    for (const window of ['5m', '30m', '1h', '2h', '6h', '1d', '3d']) {
      await expect(
        windows.getByRole('cell', { name: window, exact: true }),
      ).toBeVisible();
    }
    await page.screenshot({ path: '/tmp/slo-order-tab.png', fullPage: true });
  });

  test('the platform SLO page ranks every entity with SLOs', async () => {
    await page.goto('/slos', { timeout: 180_000 });
    const platform = page.getByRole('group', {
      name: 'E-Commerce Platform Availability',
    });
    await expect(platform).toBeVisible({ timeout: 60_000 });
    await expect(platform).toContainText('Target 99.9 % over 30d');
    const table = page.getByRole('table', {
      name: 'Services ranked by error budget left',
    });
    const rows = table.getByRole('row');
    // The five services, the storefront (RUM), the event processor and
    // the orders database (Prometheus), the cache (ElastiCache).
    await expect(rows).toHaveCount(10);
    const names = await table
      .getByRole('row')
      .locator('td:nth-child(2)')
      .allTextContents();
    expect([...names].sort()).toEqual([
      'Cache (ElastiCache Redis)',
      'Customer Service',
      'Event Processor',
      'Order Service',
      'Orders database (RDS PostgreSQL)',
      'Payment Service',
      'Product Service',
      'Search Service',
      'Storefront',
    ]);
    // The service burning its budget comes first.
    expect(names[0]).toBe('Order Service');
    const budgets = (
      await table.getByRole('row').locator('td:nth-child(4)').allTextContents()
    ).map(text => parseFloat(text));
    expect([...budgets].sort((a, b) => a - b)).toEqual(budgets);
    await page.screenshot({ path: '/tmp/slo-platform.png', fullPage: true });
  });
});
