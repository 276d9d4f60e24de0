import { expect, Page, test } from '@playwright/test';
import { openComponent, signInAs } from './helpers';

/**
 * Incident response as an SRE runs it (issue 15): Alice Chen opens
 * order-service's P1 incident from the entity card, follows its timeline,
 * assigns the three roles, posts a status update, sees the release that
 * preceded it, and takes its post-incident review to completion with an
 * action item; the review shows on the sre-team page while it is open.
 */

test.describe.configure({ mode: 'serial', timeout: 300_000 });

const P1_TITLE = 'Order API error budget burning: 5xx rate above 5%';
const SHOTS = process.env.E2E_SCREENSHOTS;

async function shot(page: Page, name: string) {
  if (SHOTS) {
    await page.screenshot({ path: `${SHOTS}/${name}.png`, fullPage: true });
  }
}

let incidentUrl = '';

test('the P1 incident: from the entity card to its page, roles, an update and what changed', async ({
  page,
}) => {
  await signInAs(page, 'alice-chen');
  // The overview's open P1/P2 incidents link to the incident page too.
  const overview = page.getByRole('table', { name: 'Open P1/P2 incidents' });
  await expect(
    overview.getByRole('link', { name: new RegExp(P1_TITLE.slice(0, 20)) }),
  ).toHaveAttribute('href', /\/incidents\/[A-Z0-9]+$/);

  await openComponent(page, 'order-service');

  const open = page.getByRole('list', { name: 'Open incidents' });
  const p1 = open.getByRole('listitem').filter({ hasText: P1_TITLE });
  await expect(p1).toHaveCount(1);
  // A P1 owes a status update every 15 minutes; it has had none.
  await expect(p1).toContainText(/update overdue|next update due/i);
  await shot(page, 'incident-card');
  await p1.getByRole('link', { name: P1_TITLE, exact: true }).click();

  await expect(page).toHaveURL(/\/incidents\/[A-Z0-9]+$/);
  incidentUrl = page.url();
  await expect(page.getByRole('heading', { name: P1_TITLE })).toBeVisible();
  const summary = page.getByLabel('Incident summary');
  await expect(summary).toContainText('P1');
  await expect(summary).toContainText('Order Service');

  // The timeline from PagerDuty's log: triggered, then acknowledged.
  const timeline = page.getByRole('list', { name: /timeline/i });
  await expect(timeline).toContainText(/triggered/i);
  await expect(timeline).toContainText(/acknowledged/i);

  // What changed: the portal's change request and PagerDuty's change event.
  const changes = page.getByRole('list', {
    name: 'Changes before the incident',
  });
  await expect(changes).toContainText('Deploy order-service 2.14.0');
  await expect(changes.getByRole('link', { name: /CHG-/ })).not.toHaveCount(0);
  await shot(page, 'incident-page');

  // The three roles; the on-call primary is proposed as Incident Commander.
  const roles = page.getByRole('table', { name: 'Incident roles' });
  await expect(
    roles.getByRole('row', { name: /Incident Commander/ }),
  ).toContainText(/proposed/);
  const people: Array<[string, string]> = [
    ['Incident Commander', 'Alice Chen'],
    ['Technical Lead', 'Bruno Silva'],
    ['Communications Lead', 'Chloe Martin'],
  ];
  for (const [role, person] of people) {
    await page.getByRole('button', { name: `Assign ${role}` }).click();
    const dialog = page.getByRole('dialog', { name: `Assign ${role}` });
    await expect(dialog).toBeVisible();
    const picker = dialog
      .getByRole('combobox', { name: role })
      .or(dialog.getByRole('textbox', { name: role }));
    await picker.fill(person.split(' ')[0]);
    await page.getByRole('option', { name: new RegExp(person) }).click();
    await dialog.getByRole('button', { name: 'Assign', exact: true }).click();
    await expect(dialog).toBeHidden();
    await expect(
      roles.getByRole('row', { name: new RegExp(role) }),
    ).toContainText(person);
  }
  // With a commander, the incident is under investigation; the assignment
  // is in the timeline.
  await expect(timeline).toContainText(/Incident Commander/);

  // A status update, mitigation in place.
  const form = page.getByRole('form', { name: 'Post a status update' });
  await form
    .getByLabel('Status update')
    .fill('Rolled order-api back to 2.13.4; the 5xx rate is back under 1 %.');
  await form.getByLabel('Mitigation in place').check();
  await form.getByRole('button', { name: 'Post update' }).click();
  await expect(timeline).toContainText('Rolled order-api back to 2.13.4');
  await expect(
    page.getByRole('status').filter({ hasText: /next update due/i }),
  ).toBeVisible();
  await shot(page, 'incident-responded');
});

test('the review of the P1: owner, factors, an action item, completed; the sre-team page lists it while open', async ({
  page,
}) => {
  // Serial: this runs only after the first test passed and found the page.
  expect(incidentUrl).toMatch(/\/incidents\/[A-Z0-9]+$/);
  await signInAs(page, 'alice-chen');
  await page.goto(incidentUrl);
  await expect(page.getByRole('heading', { name: P1_TITLE })).toBeVisible();

  // A P1 requires a review; start it unless the scheduled task already did.
  const start = page.getByRole('button', { name: 'Start review' });
  if (await start.isVisible()) await start.click();
  await page.getByRole('button', { name: 'Edit review' }).click();
  const edit = page.getByRole('form', { name: /^Edit review PIR-/ });
  await expect(edit).toBeVisible();
  const owner = edit
    .getByRole('combobox', { name: 'Owner' })
    .or(edit.getByRole('textbox', { name: 'Owner' }));
  await owner.fill('Alice');
  await page.getByRole('option', { name: /Alice Chen/ }).click();
  await edit
    .getByLabel('Contributing factors')
    .fill('The 2.14.0 release doubled the connection pool per pod.');
  await edit.getByRole('button', { name: 'Save' }).click();
  await expect(edit).toBeHidden();
  await shot(page, 'review-saved');

  await page.getByRole('button', { name: /Add action item/ }).click();
  const item = page.getByRole('dialog');
  await item.getByLabel('What to do').fill('Load-test pool settings in CI');
  const itemOwner = item
    .getByRole('combobox', { name: 'Owner' })
    .or(item.getByRole('textbox', { name: 'Owner' }));
  await itemOwner.fill('Bruno');
  await page.getByRole('option', { name: /Bruno Silva/ }).click();
  const due = new Date(Date.now() + 14 * 86_400_000).toISOString().slice(0, 10);
  await item.getByLabel('Due date').fill(due);
  await item.getByRole('button', { name: /Add|Save/ }).click();
  await expect(item).toBeHidden();
  await expect(
    page.getByRole('table', { name: /Action items of PIR-/ }),
  ).toContainText('Load-test pool settings in CI');

  // While open, the review is due on the sre-team page (Alice owns it).
  await page.goto('/catalog/default/group/sre-team/reviews');
  await expect(page.getByText(P1_TITLE).first()).toBeVisible();
  await shot(page, 'team-reviews');

  // Completed.
  await page.goto(incidentUrl);
  await page.getByRole('button', { name: 'Edit review' }).click();
  await page.getByRole('button', { name: 'Mark completed' }).click();
  await expect(page.getByText(/Completed/).first()).toBeVisible();
  await shot(page, 'review-completed');
});
