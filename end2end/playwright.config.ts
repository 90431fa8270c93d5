import { defineConfig, type Project } from '@playwright/test';

/**
 * Browser tests of Minsheng (民生).
 *
 * Each worker starts the real release server (`end2end/serve.sh`, from `tests/support.ts`) on
 * a port and a fresh PostgreSQL database of its own, which the server fills with its
 * deterministic demo data set: workers run side by side and never see each other's changes.
 * Build it first with `cargo leptos build --release`. Set MINSHENG_E2E_URL to test a server
 * that is already running instead (then one worker, and no server is started).
 *
 * Browsers are never downloaded: Chromium is Debian's (`apt-get install chromium`), or
 * the one CHROMIUM_PATH names.
 */
const externalUrl = process.env.MINSHENG_E2E_URL;

/**
 * Two workers on these two-core machines: a page test waits on the server and the browser in
 * turn, so two keep both cores busy. MINSHENG_E2E_WORKERS sets another number.
 */
const workers = externalUrl ? 1 : Number(process.env.MINSHENG_E2E_WORKERS ?? 2);

/** Debian's Chromium at a phone's width, for every project. */
const chromium: Project['use'] = {
  browserName: 'chromium',
  // Mobile first: most residents come on a phone.
  viewport: { width: 360, height: 740 },
  locale: 'zh-CN',
  launchOptions: {
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-quic',
      '--no-first-run',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
    ],
  },
};

export default defineConfig({
  testDir: './tests',
  // Tests are spread over the workers one by one, not file by file (the accessibility file
  // alone is a third of the suite).
  fullyParallel: true,
  workers,
  // Never retried: a test that fails once fails the run (a retry would hide a flaky test).
  retries: 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    locale: 'zh-CN',
    navigationTimeout: 15_000,
    actionTimeout: 10_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    { name: 'chromium', testIgnore: /lighthouse\.spec\.ts/, use: chromium },
    // Lighthouse scales what the page did on this machine to a slow phone, so it runs alone,
    // after everything else: a second worker's browser would count as the page's own work.
    { name: 'lighthouse', testMatch: /lighthouse\.spec\.ts/, dependencies: ['chromium'], use: chromium },
  ],
});
