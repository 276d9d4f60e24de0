import { defineConfig } from '@playwright/test';

/**
 * End-to-end tests of the portal in Debian's Chromium. `npm test` (and
 * `node scripts/portal.mjs e2e`) builds the app, starts the fakes and the
 * backend, and points PLAYWRIGHT_URL at it. Playwright never downloads a
 * browser here: it drives the system Chromium.
 */
export default defineConfig({
  testDir: './tests',
  timeout: 120_000,
  expect: { timeout: 30_000 },
  fullyParallel: false,
  workers: 1,
  forbidOnly: !!process.env.CI,
  retries: 0,
  reporter: [['list']],
  outputDir: '../../node_modules/.cache/e2e-test-results',
  use: {
    baseURL: process.env.PLAYWRIGHT_URL ?? 'http://localhost:3000',
    screenshot: 'only-on-failure',
    trace: 'off',
    launchOptions: {
      executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
      args: [
        '--headless',
        '--no-sandbox',
        '--disable-gpu',
        '--disable-background-networking',
        '--disable-component-update',
        '--disable-sync',
        '--no-first-run',
      ],
    },
  },
});
