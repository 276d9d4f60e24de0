import { expect, test } from '@playwright/test';
import { openComponent, signInAsGuest } from './helpers';

const SRE = ['Alice Chen', 'Bruno Silva', 'Chloe Martin'];
const DEVOPS = ['Dmitri Ivanov', 'Emma Wilson', 'Farid Haddad'];

test.describe('on-call and incidents from the fake PagerDuty', () => {
  // Each test signs in and opens a page that waits for its first data: give
  // a slow (development) app room.
  test.describe.configure({ timeout: 300_000 });

  test.beforeEach(async ({ page }) => {
    await signInAsGuest(page);
  });

  test('order-service shows its primary, secondary and escalation', async ({
    page,
  }) => {
    await openComponent(page, 'order-service');

    const levels = page.getByRole('list', {
      name: 'Escalation levels of E-Commerce Platform',
    });
    await expect(levels).toBeVisible();
    const primary = levels.getByRole('listitem', { name: /^Primary: / });
    const secondary = levels.getByRole('listitem', { name: /^Secondary: / });
    const escalation = levels.getByRole('listitem', {
      name: 'Escalation: Maria Garcia',
    });
    await expect(primary).toContainText(new RegExp(SRE.join('|')));
    await expect(primary).toContainText('SRE primary (weekly)');
    await expect(primary).toContainText('on call until');
    await expect(secondary).toContainText(new RegExp(DEVOPS.join('|')));
    await expect(escalation).toBeVisible();
    await expect(
      escalation.getByRole('link', { name: 'Email Maria Garcia' }),
    ).toHaveAttribute('href', 'mailto:maria.garcia@ecommerce-platform.com');
  });

  test('an open P1 incident shows its response target', async ({ page }) => {
    await openComponent(page, 'order-service');

    const open = page.getByRole('list', { name: 'Open incidents' });
    const p1 = open.getByRole('listitem').filter({ hasText: 'P1 Critical' });
    await expect(p1).toHaveCount(1);
    await expect(p1).toContainText('Respond within 5 min');
    await expect(p1).toContainText('target met');
    await expect(page.getByLabel('Incident figures')).toContainText(
      'MTTA (30 d)',
    );
  });

  test('the sre-team page shows its rotation for the next four weeks', async ({
    page,
  }) => {
    await page.goto('/catalog/default/group/sre-team/on-call');

    const rotation = page.getByRole('region', {
      name: 'Rotation of SRE primary (weekly)',
    });
    await expect(rotation).toBeVisible();
    await expect(rotation).toContainText('next 4 weeks');
    const shifts = rotation.getByRole('table', {
      name: 'Shifts of SRE primary (weekly)',
    });
    // Four weekly shifts (five when "now" is mid-week) plus the override split.
    const rows = shifts.getByRole('row');
    expect(await rows.count()).toBeGreaterThanOrEqual(1 + 5);
    for (const name of SRE) {
      await expect(shifts).toContainText(name);
    }
    await expect(shifts.getByText('Override')).toHaveCount(1);
    await expect(
      page.getByRole('table', { name: 'Services the team answers for' }),
    ).toContainText('Payment Service');
  });

  test('/on-call finds who is on call for payment-service', async ({
    page,
  }) => {
    await page.goto('/on-call');

    await page.getByRole('textbox', { name: 'Search on-call' }).fill('payment');

    const table = page.getByRole('table', {
      name: 'On-call by service and team',
    });
    const rows = table.getByRole('row');
    await expect(rows).toHaveCount(2);
    const payment = rows.nth(1);
    await expect(payment).toContainText('Payment Service');
    await expect(payment).toContainText('Payment Service gateway');
    await expect(payment).toContainText(new RegExp(SRE.join('|')));
    await expect(payment).toContainText(new RegExp(DEVOPS.join('|')));
    await expect(payment).toContainText('Maria Garcia');
  });
});
