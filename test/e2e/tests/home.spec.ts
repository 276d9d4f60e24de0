import { APIRequestContext, expect, test } from '@playwright/test';
import { signInAs } from './helpers';

/*
 * The home page (@backstage/plugin-home, /home) with the four ops cards, as
 * Alice Chen (SRE, on the weekly SRE rotation, an approver) sees it. Jamal
 * Reed (dev team) files a change for her to approve; Alice takes the review
 * of an old P1/P2 incident, which is overdue.
 */

const stamp = Date.now().toString(36);
const DAY = 86_400_000;

/** A token of an example user (development sign-in, as the sign-in page gets it). */
async function tokenOf(request: APIRequestContext, user: string) {
  const res = await request.get('/api/auth/example-user/refresh', {
    headers: { 'x-opsportal-example-user': user },
  });
  expect(res.ok(), await res.text()).toBe(true);
  return (await res.json()).backstageIdentity.token as string;
}

async function api(
  request: APIRequestContext,
  token: string,
  method: 'GET' | 'POST' | 'PATCH',
  path: string,
  data?: object,
) {
  const res = await request.fetch(`/api/ops${path}`, {
    method,
    headers: { Authorization: `Bearer ${token}` },
    data,
  });
  expect(res.ok(), `${method} ${path}: ${await res.text()}`).toBe(true);
  return res.json();
}

test('Alice opens the home page and sees her shifts, approvals, incidents and the SLOs', async ({
  page,
  request,
}) => {
  // The incidents card may wait for the first incidents refresh (below).
  test.setTimeout(300_000);
  const jamal = await tokenOf(request, 'jamal-reed');
  const alice = await tokenOf(request, 'alice-chen');

  // A normal change of the dev team, awaiting approval.
  const start = new Date(Date.now() + 10 * DAY);
  start.setUTCHours(2, 0, 0, 0);
  const title = `Rotate the payments database credentials ${stamp}`;
  const created = await api(request, jamal, 'POST', '/change-requests', {
    title,
    description: 'Quarterly rotation.',
    category: 'normal',
    risk: 'low',
    entityRefs: ['component:default/payment-service'],
    plannedStart: start.toISOString(),
    plannedEnd: new Date(start.getTime() + 3600_000).toISOString(),
    implementationPlan: 'Rotate through the secrets manager.',
    rollbackPlan: 'Restore the previous secret version.',
    testPlan: 'Checkout smoke test.',
    justification: 'The quarterly rotation is due that night.',
    action: 'submit',
  });
  expect(created.change.status).toBe('submitted');

  // The review of a P1/P2 incident of weeks ago, taken by Alice: overdue.
  const { data } = await api(
    request,
    alice,
    'GET',
    '/incidents/entity?entityRef=component:default/payment-service',
  );
  const old = data.incidents.find(
    (i: any) =>
      ['P1', 'P2'].includes(i.severity) &&
      Date.parse(i.createdAt) < Date.now() - 14 * DAY,
  );
  expect(old).toBeDefined();
  const review = await api(
    request,
    alice,
    'POST',
    `/incidents/${old.id}/review`,
    {},
  );
  await api(request, alice, 'PATCH', `/reviews/${review.id}`, {
    version: review.version,
    owner: 'user:default/alice-chen',
  });

  await signInAs(page, 'alice-chen');
  // The sidebar's Home item (the logo links to / as "Home" too).
  await page.getByTestId('sidebar-root').locator('a[href="/home"]').click();
  await expect(page).toHaveURL(/\/home$/);

  const shifts = page.getByRole('list', { name: 'My on-call shifts' });
  await expect(shifts.getByRole('listitem').first()).toContainText(
    'SRE primary (weekly)',
  );
  await expect(
    page.getByRole('list', { name: 'Changes waiting for my approval' }),
  ).toContainText(title);
  // Her team's open incidents (the SRE team answers for every service).
  // Right after start-up the first incidents refresh may still be going
  // (paced by the PagerDuty request budget the earlier specs used): the card
  // then says it is still reading and asks again until the list is there.
  await expect(
    page.getByRole('list', { name: /^Open incidents \(\d+\)$/ }),
  ).toBeVisible({ timeout: 150_000 });
  await expect(
    page.getByText('Still reading incidents from PagerDuty'),
  ).toHaveCount(0, { timeout: 150_000 });
  await expect(
    page.getByRole('list', { name: /^Overdue reviews/ }),
  ).toContainText(review.id);
  await expect(page.getByRole('list', { name: 'SLOs by state' })).toBeVisible();
  for (const heading of [
    'My on-call shifts',
    'Changes waiting for my approval',
    'My open incidents and overdue reviews',
    'Platform SLO status',
  ]) {
    await expect(page.getByText(heading, { exact: true })).toBeVisible();
  }

  // The change request opens from its card.
  await page
    .getByRole('link', { name: `${created.change.id}: ${title}` })
    .click();
  await expect(
    page.getByRole('heading', { name: `${created.change.id}: ${title}` }),
  ).toBeVisible();

  if (process.env.HOME_SCREENSHOT) {
    await page.goBack();
    await expect(shifts).toBeVisible();
    await expect(
      page.getByRole('list', { name: /^Overdue reviews/ }),
    ).toBeVisible();
    await expect(
      page.getByRole('list', { name: 'SLOs by state' }),
    ).toBeVisible();
    await page.setViewportSize({ width: 1280, height: 1000 });
    await page.screenshot({
      path: process.env.HOME_SCREENSHOT,
      fullPage: true,
    });
  }
});
