import { expect, test } from '@playwright/test';
import { openComponent, signInAsGuest } from './helpers';

const SCREENSHOTS = process.env.RUNBOOKS_SCREENSHOTS;

test('payment-service lists its runbooks, renders one, and flags the alarm without one', async ({
  page,
  context,
}) => {
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  await signInAsGuest(page);
  await openComponent(page, 'payment-service');

  // The card on the overview: runbooks from examples/, alarms from the fake CloudWatch.
  const runbooks = page.getByRole('list', { name: 'Runbooks' });
  await expect(runbooks).toBeVisible();
  for (const title of [
    'Payment processing failures above 5 %',
    'Payment gateway timeouts',
    'payment-service memory above 90 %',
    'Payments database failover (orders-db)',
  ]) {
    await expect(
      runbooks.getByRole('link', { name: title, exact: true }),
    ).toBeVisible();
  }
  // Links to runbooks elsewhere open in a new window, and say so (Chromium
  // may put a space before the comma of Backstage's hidden notice).
  await expect(
    runbooks.getByRole('link', {
      name: /^Runbook: payment gateway timeouts ?, Opens in a new window$/,
    }),
  ).toHaveAttribute(
    'href',
    'https://runbooks.ecommerce-platform.example/payment-service/gateway-timeouts',
  );
  const alarms = page.getByRole('list', { name: 'Alarms' });
  const orphan = alarms.getByRole('listitem', {
    name: /payment-service-events-queue-backlog.*no runbook/,
  });
  await expect(orphan).toContainText('No runbook');
  await expect(
    page.getByRole('heading', { name: /Alarms \(\d+\) · 1 without a runbook/ }),
  ).toBeVisible();
  const failures = alarms.getByRole('listitem', {
    name: /^payment-service-processing-failures, OK, P1$/,
  });
  await expect(
    failures.getByRole('link', {
      name: 'Payment processing failures above 5 %',
    }),
  ).toBeVisible();
  // A runbook link carried by the alarm description (Runbook: <url>).
  await expect(
    alarms
      .getByRole('listitem', { name: /^payment-service-gateway-timeouts/ })
      .getByRole('link', {
        name: /^payment gateway timeouts ?, Opens in a new window$/,
      }),
  ).toBeVisible();
  if (SCREENSHOTS) {
    await page.screenshot({ path: `${SCREENSHOTS}/card.png`, fullPage: true });
  }

  // The reader: follow the alarm's runbook link into the Runbooks tab.
  await failures
    .getByRole('link', { name: 'Payment processing failures above 5 %' })
    .click();
  await expect(page).toHaveURL(
    /\/runbooks\?runbook=payment-processing-failures/,
  );
  await expect(page.getByRole('heading', { name: 'Recovery' })).toBeVisible();
  const toc = page.getByRole('navigation', { name: 'Table of contents' });
  await toc.getByRole('link', { name: 'Mitigation' }).click();
  await expect(page.getByRole('heading', { name: 'Mitigation' })).toBeFocused();

  const copy = page.getByRole('button', {
    name: 'Copy: kubectl -n default rollout history deployment/payment-service',
  });
  await copy.click();
  await expect(
    page.getByRole('status').filter({ hasText: 'Copied' }),
  ).toBeVisible();
  const copied = await page.evaluate(() => navigator.clipboard.readText());
  expect(copied).toContain(
    'kubectl -n default rollout undo deployment/payment-service',
  );
  // Markdown tables and links between runbooks render as such.
  await expect(
    page.getByRole('cell', { name: 'GATEWAY_TIMEOUT' }),
  ).toBeVisible();
  if (SCREENSHOTS) {
    await page.screenshot({ path: `${SCREENSHOTS}/tab.png`, fullPage: true });
  }
  await page
    .getByRole('article')
    .getByRole('link', { name: 'Database failover' })
    .click();
  await expect(page).toHaveURL(/runbook=db-failover/);
  await expect(page.getByText(/^Stale: not updated/)).toBeVisible();
});

test('the runbooks page shows coverage per team and service', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/runbooks');
  await expect(
    page.getByRole('heading', { name: 'Runbooks', level: 1 }),
  ).toBeVisible();
  const services = page.getByRole('table', {
    name: 'Runbook coverage by service',
  });
  const payment = services.getByRole('row', { name: /Payment Service/ });
  await expect(payment).toContainText('payment-service-events-queue-backlog');
  await expect(payment).toContainText('Payments database failover (orders-db)');
  // The team link shows the ref until the catalog gives its title: wait for
  // the title, the state the page settles in (asserting the ref raced it).
  await expect(
    page.getByRole('table', { name: 'Runbook coverage by team' }),
  ).toContainText('Development Team');
  if (SCREENSHOTS) {
    await page.screenshot({ path: `${SCREENSHOTS}/page.png`, fullPage: true });
  }
});
