import { expect, test } from '@playwright/test';
import { openComponent, signInAsGuest } from './helpers';

const SCREENSHOTS = process.env.CAPACITY_SCREENSHOTS;

test('search-service shows when its CPU reaches the limit, with this month’s trigger episodes', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openComponent(page, 'search-service');

  // The card on the overview: CPU first, with its date.
  const card = page.getByRole('table', { name: 'Time to limit per metric' });
  await expect(card).toBeVisible({ timeout: 90_000 });
  const cpuRow = card.getByRole('row', { name: /CPU utilisation/ });
  await expect(cpuRow).toContainText(/\d+ days \(\d{1,2} \w{3} \d{4}\)/);
  await expect(cpuRow).toContainText(/3$/);
  if (SCREENSHOTS) {
    await page
      .locator('.MuiCard-root', { has: card })
      .screenshot({ path: `${SCREENSHOTS}/card.png` });
  }

  // The Capacity tab (the card links to it).
  await page.getByRole('link', { name: /Open capacity/ }).click();
  await expect(page).toHaveURL(/\/search-service\/capacity$/);
  const cpu = page.getByRole('region', { name: 'CPU utilisation' });
  await expect(cpu).toBeVisible();
  await expect(cpu).toContainText('First to reach its limit');
  await expect(cpu).toContainText(
    /Reaches 70\.0 % in \d+ days, around \d{1,2} \w{3} \d{4}\./,
  );
  await expect(cpu).toContainText(/80 % interval .* confidence\./);
  await expect(cpu).toContainText('3 trigger episodes');
  const episodes = cpu.getByRole('list', {
    name: 'CPU utilisation breach episodes',
  });
  // Three scaling triggers; every other breach listed is one shorter than
  // 15 minutes (how many depends on the fake's minute-by-minute noise, now
  // that triggers are evaluated on 1-minute data).
  await expect(
    episodes.getByRole('listitem').filter({ hasText: 'scaling trigger' }),
  ).toHaveCount(3);
  const shorter = episodes
    .getByRole('listitem')
    .filter({ hasText: 'shorter than 15 minutes' });
  await expect(shorter.first()).toBeVisible();
  expect(await episodes.getByRole('listitem').count()).toBe(
    3 + (await shorter.count()),
  );
  // The chart is drawn, with the forecast band and the trigger threshold.
  await expect(
    cpu.getByRole('img', { name: /CPU utilisation over the last 30 days/ }),
  ).toBeVisible();
  await expect(cpu.locator('.recharts-area-area')).toHaveCount(1);
  await expect(cpu.getByText('trigger 70.0 %')).toBeVisible();
  await expect(
    page.getByRole('region', { name: 'Autoscaling bounds' }),
  ).toContainText('Pods: 2–10 replicas, target CPU 70 %, target memory 80 %');
  if (SCREENSHOTS) {
    await cpu.screenshot({ path: `${SCREENSHOTS}/cpu.png` });
    await page.screenshot({ path: `${SCREENSHOTS}/tab.png`, fullPage: true });
  }

  // The 7-day view keeps the last week's trigger only (and its short breaches).
  await page.getByRole('button', { name: '7 days' }).click();
  await expect(
    cpu.getByRole('img', { name: /CPU utilisation over the last 7 days/ }),
  ).toBeVisible();
  await expect(
    episodes.getByRole('listitem').filter({ hasText: 'scaling trigger' }),
  ).toHaveCount(1);
  expect(await episodes.getByRole('listitem').count()).toBe(
    1 + (await shorter.count()),
  );
  if (SCREENSHOTS) {
    await cpu.screenshot({ path: `${SCREENSHOTS}/cpu-7d.png` });
  }
});

test('the capacity review ranks search-service first and exports CSV', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/capacity');
  await expect(
    page.getByRole('heading', { name: 'Capacity review' }),
  ).toBeVisible();

  const table = page.getByRole('table', {
    name: 'Services ranked by days to limit',
  });
  // Every example service has been refreshed (the refresh runs at startup):
  // five from CloudWatch, event-processor from its Prometheus job.
  await expect(table.getByRole('row')).toHaveCount(7, { timeout: 90_000 });
  const first = table.getByRole('row').nth(1);
  await expect(first).toContainText('Search Service');
  await expect(first).toContainText('CPU utilisation');
  await expect(first).toContainText(/\d+ days/);
  await expect(first).toContainText(/\+\d\.\d\d pts\/week/);
  if (SCREENSHOTS) {
    await page.screenshot({
      path: `${SCREENSHOTS}/review.png`,
      fullPage: true,
    });
  }

  const download = page.waitForEvent('download');
  await page.getByRole('button', { name: 'Export CSV' }).click();
  const file = await download;
  expect(file.suggestedFilename()).toMatch(
    /^capacity-review-\d{4}-\d{2}-\d{2}\.csv$/,
  );
  const path = await file.path();
  const { readFile } = await import('node:fs/promises');
  const csv = await readFile(path!, 'utf8');
  const lines = csv.trim().split('\r\n');
  // The header and the six services of the table.
  expect(lines).toHaveLength(7);
  expect(lines[1]).toMatch(
    /^1,Search Service,component:default\/search-service,CPU utilisation,percent,/,
  );
});
