import { expect, Page, test } from '@playwright/test';
import { openComponent, signInAsGuest } from './helpers';

/**
 * Security operations (issue 17, item 8): the guest opens /security from
 * the sidebar and sees the fake CloudWatch's burst of failed logins on
 * customer-service raise "Multiple failed login attempts", each signal
 * against its thresholds, the security contacts and the seed's six-step
 * process; customer-service's own Security card shows the same alert.
 */

test.describe.configure({ timeout: 300_000 });

const SHOTS = process.env.E2E_SCREENSHOTS;

async function shot(page: Page, name: string) {
  if (SHOTS) {
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  }
}

test('the security page raises the failed-login alert, with the contacts and the process', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Security' })
    .click();
  await expect(
    page.getByRole('heading', { name: 'Security operations' }),
  ).toBeVisible();

  // The signals are read on the first view when the refresh has not run yet.
  const table = page.getByRole('table', { name: 'Platform security signals' });
  await expect(table).toBeVisible({ timeout: 120_000 });
  await expect(page.getByRole('alert')).toContainText(
    'Multiple failed login attempts',
  );
  const failed = table.getByRole('row', {
    name: /Failed authentication attempts/,
  });
  await expect(failed).toContainText('Alert: Multiple failed login attempts');
  await expect(failed).toContainText('warning ≥ 50, alert ≥ 100');
  await expect(
    table.getByRole('row', { name: /Security patch compliance/ }),
  ).toContainText('OK');

  const contacts = page.getByRole('list', { name: 'Security contacts' });
  await expect(
    contacts.getByRole('link', { name: 'security@ecommerce-platform.com' }),
  ).toHaveAttribute('href', 'mailto:security@ecommerce-platform.com');
  // The seed's placeholder hotline is shown, not dialled.
  await expect(contacts).toContainText('+1-XXX-XXX-XXXX');
  await expect(contacts.getByRole('link')).toHaveCount(2);
  await expect(
    page
      .getByRole('list', { name: 'Security incident process' })
      .getByRole('listitem'),
  ).toHaveText([
    'Detect the security incident',
    'Contain the threat',
    'Investigate scope and impact',
    'Eradicate the threat',
    'Restore systems',
    'Post-incident analysis',
  ]);
  await shot(page, 'security-page');

  await openComponent(page, 'customer-service');
  const card = page.getByRole('table', {
    name: 'Security signals of this service',
  });
  await expect(card).toBeVisible({ timeout: 120_000 });
  await expect(
    card.getByRole('row', { name: /Failed authentication attempts/ }),
  ).toContainText('Alert: Multiple failed login attempts');
});
