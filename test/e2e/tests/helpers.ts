import { expect, Page } from '@playwright/test';

/** Signs in with the guest provider from the sign-in page. */
export async function signInAsGuest(page: Page) {
  await page.goto('/');
  const enter = page.getByRole('button', { name: 'Enter' });
  await expect(enter).toBeVisible();
  await enter.click();
  await expect(
    page.getByTestId('sidebar-root').getByRole('link', { name: 'Catalog' }),
  ).toBeVisible();
}

/** Opens a component's page in the catalog. */
export async function openComponent(page: Page, name: string) {
  await page.goto(`/catalog/default/component/${name}`);
  await expect(page.getByRole('heading', { name: 'About' })).toBeVisible();
}

/**
 * Signs in as an example user of the catalog (development only), e.g.
 * `alice-chen`, from the sign-in page's "Sign in as an example user" list.
 */
export async function signInAs(page: Page, user: string) {
  await page.goto('/');
  const button = page.getByRole('button', {
    name: new RegExp(`^Sign in as .* \\(${user}\\)$`),
  });
  await expect(button).toBeVisible();
  await button.click();
  await expect(
    page.getByTestId('sidebar-root').getByRole('link', { name: 'Catalog' }),
  ).toBeVisible();
}
