import { expect, test } from '@playwright/test';
import { openComponent, signInAsGuest } from './helpers';

/** Where to save the docs' screenshot (docs/tech-insights.png), when set. */
const SCREENSHOT = process.env.TECH_INSIGHTS_SCREENSHOT;

test("payment-service's scorecard grades the ops readiness facts", async ({
  page,
}) => {
  test.setTimeout(30_000);
  await signInAsGuest(page);
  await openComponent(page, 'payment-service');
  await page.getByRole('link', { name: 'Scorecard', exact: true }).click();

  // The retrievers run 15 s after the backend starts and store their facts
  // one after the other; until a check's facts are stored it is listed as
  // "No facts yet", so "Run again" until all nine are graded.
  const checks = page.getByRole('table', { name: 'Scorecard checks' });
  await expect(checks.getByRole('row')).toHaveCount(10); // a header, 9 checks
  const pending = checks.getByText('No facts yet');
  await expect(async () => {
    if ((await pending.count()) > 0) {
      await page.getByRole('button', { name: 'Run again' }).click();
    }
    await expect(pending).toHaveCount(0, { timeout: 1_000 });
  }).toPass({ timeout: 20_000 });

  const row = (name: string) =>
    checks.getByRole('row').filter({ hasText: name });
  // Set up from examples/: SLOs, runbooks, PagerDuty's three-level policy.
  await expect(row('SLOs defined')).toContainText('Passed');
  await expect(row('Runbooks present')).toContainText('Passed');
  await expect(row('On-call escalates three levels')).toContainText('Passed');
  await expect(row('On-call escalates three levels')).toContainText(
    'escalationLevels: 3',
  );
  // The events-queue backlog alarm has no runbook (the runbooks card says so too).
  await expect(row('Alarms link a runbook')).toContainText('Failed');
  await expect(row('Alarms link a runbook')).toContainText(
    'alarmsWithoutRunbook: 1',
  );
  await expect(page.getByText(/^\d+ of 9 checks passed$/)).toBeVisible();

  if (SCREENSHOT) {
    await page.screenshot({ path: SCREENSHOT, fullPage: true });
  }
});
