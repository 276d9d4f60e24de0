import { expect, test } from '@playwright/test';
import { openComponent, signInAsGuest } from './helpers';

test('a guest opens order-service and sees the ops portal cards', async ({
  page,
}) => {
  await signInAsGuest(page);
  await openComponent(page, 'order-service');

  const setup = page.getByRole('list', { name: 'Operations setup' });
  await expect(setup).toBeVisible();
  await expect(setup).toContainText('PagerDuty service PSVORDR');
  await expect(page.getByText('Ops backend connected')).toBeVisible();
});
