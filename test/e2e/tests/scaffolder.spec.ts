import { expect, test } from '@playwright/test';
import { signInAsGuest } from './helpers';

/**
 * Software templates with the ops actions, as a new user tries them: the
 * guest opens Create, picks "Deploy a service with a standard change",
 * deploys a version of payment-service, follows the output link to the
 * standard change the template filed (approved: standard changes are
 * pre-approved) and finds it in the list of changes.
 */

test('the guest deploys payment-service from a template and finds its standard change', async ({
  page,
}) => {
  // A version nobody used before, so the change is this run's.
  const version = `2.4.${Date.now() % 100000}`;
  const title = `Deploy payment-service ${version}`;

  await signInAsGuest(page);
  await page
    .getByTestId('sidebar-root')
    .getByRole('link', { name: 'Create' })
    .click();

  const card = page
    .getByRole('article')
    .filter({ hasText: 'Deploy a service with a standard change' });
  await card.getByRole('button', { name: 'Choose' }).click();

  // Step 1: what to deploy.
  const service = page.getByRole('textbox', { name: 'Service' });
  await service.click();
  await service.fill('payment');
  await page.getByRole('option', { name: /Payment Service/ }).click();
  await page.getByRole('textbox', { name: 'Version' }).fill(version);
  await page.getByRole('button', { name: 'Next' }).click();

  // Step 2: when (the defaults: now, for 30 minutes).
  await expect(page.getByText('Expected duration')).toBeVisible();
  await page.getByRole('button', { name: 'Review' }).click();
  await page.getByRole('button', { name: 'Create' }).click();

  // The task: the example deploy step logs, the change is filed.
  const changeLink = page.getByRole('link', {
    name: /^Change request CHG-\d+$/,
  });
  await expect(changeLink).toBeVisible();
  const id = (await changeLink.textContent())!.replace('Change request ', '');
  await changeLink.click();

  await expect(page).toHaveURL(new RegExp(`/changes/${id}$`));
  await expect(
    page.getByRole('heading', { name: `${id}: ${title}` }),
  ).toBeVisible();
  await expect(page.getByText('Approved').first()).toBeVisible();
  await expect(page.getByText('Routine deployment').first()).toBeVisible();

  await page.goto('/changes');
  await expect(
    page.getByRole('link', { name: new RegExp(id) }).first(),
  ).toBeVisible();
  await expect(page.getByText(title).first()).toBeVisible();
});
