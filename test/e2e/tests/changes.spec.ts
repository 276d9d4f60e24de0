import { Browser, expect, Page, test } from '@playwright/test';
import { signInAs, signInAsGuest } from './helpers';

/**
 * Change management as a new user would try it: the guest (dev team) files
 * a normal change for payment-service outside the maintenance window, sees
 * the warning, justifies and submits it; Alice Chen (SRE, an approver)
 * approves it; the guest walks it to completed. Then an emergency change is
 * started at once and Alice completes its post-implementation review.
 */

test.describe.configure({ mode: 'serial' });

const pad = (n: number) => String(n).padStart(2, '0');
const localInput = (d: Date) =>
  `${d.getFullYear()}-${pad(d.getMonth() + 1)}-${pad(d.getDate())}T${pad(
    d.getHours(),
  )}:${pad(d.getMinutes())}`;

/**
 * Plans the change to start in ten minutes, so that it may be started once
 * approved (a normal change starts no earlier than 30 minutes before its
 * planned start): outside the maintenance window and at short notice.
 */
async function planForSoon(page: Page) {
  const start = new Date(Date.now() + 10 * 60_000);
  start.setSeconds(0, 0);
  await page.getByLabel('Planned start').fill(localInput(start));
  await page
    .getByLabel('Planned end')
    .fill(localInput(new Date(start.getTime() + 3600_000)));
  const policy = page.getByRole('region', { name: 'Policy check' });
  await expect(policy).toContainText('outside the maintenance window');
  await expect(policy).toContainText('less than 7 days away');
}

async function act(page: Page, action: string, comment?: string) {
  await page
    .getByRole('group', { name: 'Actions' })
    .getByRole('button', { name: action })
    .click();
  const dialog = page.getByRole('dialog');
  await expect(dialog).toBeVisible();
  if (comment) {
    await dialog.getByRole('textbox').fill(comment);
  }
  await dialog.getByRole('button', { name: action }).click();
  await expect(dialog).toBeHidden();
}

async function asAlice(browser: Browser, changeUrl: string) {
  const context = await browser.newContext();
  const page = await context.newPage();
  await signInAs(page, 'alice-chen');
  await page.goto(changeUrl);
  return { page, context };
}

let normalUrl = '';
let emergencyUrl = '';
const stamp = Date.now().toString(36);

test('the guest files a normal change for payment-service and sees the window warning', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/catalog/default/component/payment-service/changes');
  await page.getByRole('button', { name: 'Request change' }).click();

  const form = page.getByRole('form', { name: 'New change request' });
  await expect(form).toBeVisible();
  // The entity comes filled in from the entity page.
  await expect(
    form.getByRole('button', { name: /Payment Service/ }),
  ).toBeVisible();
  await expect(
    form.getByLabel('Normal: Needs a change request and approval.'),
  ).toBeChecked();

  await form
    .getByLabel('Title')
    .fill(`Add a refunds index to the payments table ${stamp}`);
  await planForSoon(page);

  // Inline validation before anything is sent.
  await form.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(form.getByLabel('Rollback plan')).toHaveAccessibleDescription(
    'A normal change needs a rollback plan.',
  );

  await form
    .getByLabel('Implementation plan')
    .fill('Run migration 0042 with CONCURRENTLY.');
  await form.getByLabel('Rollback plan').fill('Drop the index.');
  await form
    .getByLabel('Test plan')
    .fill('Refund smoke test; p95 of /refunds.');
  await form.getByRole('button', { name: 'Submit for approval' }).click();
  await expect(page.getByRole('alert')).toContainText(
    'cannot be submitted yet',
  );

  await form
    .getByLabel('Justification')
    .fill(
      'Refund lookups time out for customers today; the next window is too late.',
    );
  await form.getByRole('button', { name: 'Submit for approval' }).click();

  await expect(
    page.getByRole('heading', { name: /^CHG-\d+: Add a refunds index/ }),
  ).toBeVisible();
  await expect(page.getByText('Awaiting approval').first()).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Actions not available to you' }),
  ).toContainText(
    'Approve: You do not have permission to approve change requests.',
  );
  normalUrl = page.url();
});

test('Alice Chen (SRE) approves it and the guest walks it to completed', async ({
  browser,
  page,
}) => {
  expect(normalUrl).not.toBe('');
  const alice = await asAlice(browser, normalUrl);
  await expect(alice.page.getByText('Approvals: 0 of 1')).toBeVisible();
  await act(alice.page, 'Approve', 'Looks safe; watch the refund p95.');
  await expect(alice.page.getByText('Approved').first()).toBeVisible();
  await expect(alice.page.getByRole('list', { name: 'History' })).toContainText(
    'approved it',
  );
  await alice.context.close();

  await signInAsGuest(page);
  await page.goto(normalUrl);
  await act(page, 'Start implementation');
  await expect(page.getByText('In progress').first()).toBeVisible();
  await act(page, 'Mark completed');
  await expect(
    page.getByText('Nothing more to do: the change is completed.'),
  ).toBeVisible();
  const history = page.getByRole('list', { name: 'History' });
  await expect(history.getByRole('listitem')).toHaveCount(5);
  await page.screenshot({
    path: '/tmp/changes-e2e-completed.png',
    fullPage: true,
  });
});

test('the guest starts an emergency change and Alice completes its review', async ({
  browser,
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/changes');
  await page.getByRole('button', { name: 'New change request' }).click();
  const form = page.getByRole('form', { name: 'New change request' });
  await form.getByLabel('Emergency: Expedited: may start at once.').check();
  await form
    .getByLabel('Title')
    .fill(`Patch the TLS library on payment-service ${stamp}`);
  await form.getByLabel('Affected entities').fill('payment');
  await page.getByRole('option', { name: /Payment Service/ }).click();
  const now = new Date();
  await form.getByLabel('Planned start').fill(localInput(now));
  await form
    .getByLabel('Planned end')
    .fill(localInput(new Date(now.getTime() + 3600_000)));
  await expect(
    page.getByRole('region', { name: 'Policy check' }),
  ).toContainText('post-implementation review');
  await form.getByLabel('Implementation plan').fill('Roll the patched image.');
  await form
    .getByRole('button', { name: 'Start emergency change now' })
    .click();

  await expect(
    page.getByRole('heading', { name: /^CHG-\d+: Patch the TLS library/ }),
  ).toBeVisible();
  await expect(page.getByText('In progress').first()).toBeVisible();
  await act(page, 'Mark completed');
  await expect(page.getByText('Review pending').first()).toBeVisible();
  await expect(
    page.getByRole('list', { name: 'Actions not available to you' }),
  ).toContainText('Complete review');
  emergencyUrl = page.url();

  const alice = await asAlice(browser, emergencyUrl);
  await act(
    alice.page,
    'Complete review',
    'Patched in 20 minutes with no errors; add the CVE feed to the alerts.',
  );
  await expect(
    alice.page.getByText('Nothing more to do: the change is reviewed.'),
  ).toBeVisible();
  await alice.context.close();
});

test('the calendar shows maintenance windows and the entity tab lists the changes', async ({
  page,
}) => {
  await signInAsGuest(page);
  await page.goto('/changes?view=calendar');
  const windows = page.getByRole('list', {
    name: 'Maintenance windows this month',
  });
  await expect(windows).toContainText('02:00–04:00 (America/New_York)');
  await page.getByRole('button', { name: 'Next month' }).click();
  await expect(windows).toContainText('Sun');
  await page.screenshot({
    path: '/tmp/changes-e2e-calendar.png',
    fullPage: true,
  });

  await page.goto('/catalog/default/component/payment-service/changes');
  const table = page.getByRole('table', { name: /Change requests for/ });
  await expect(table).toContainText(
    `Add a refunds index to the payments table ${stamp}`,
  );
  await expect(table).toContainText(
    `Patch the TLS library on payment-service ${stamp}`,
  );
});
