import { defineConfig } from '@playwright/test';

/**
 * Browser tests of Minsheng (民生).
 *
 * By default the suite starts the real release server (`end2end/serve.sh`) on a fresh
 * SQLite database that the server fills with its deterministic demo data set. Build it
 * first with `cargo leptos build --release`. Set MINSHENG_E2E_URL to test a server that
 * is already running instead; then no server is started.
 *
 * Browsers are never downloaded: Chromium is Debian's (`apt-get install chromium`), or
 * the one CHROMIUM_PATH names.
 */
const externalUrl = process.env.MINSHENG_E2E_URL;
const baseURL = externalUrl ?? 'http://127.0.0.1:3100';

export default defineConfig({
  testDir: './tests',
  fullyParallel: false,
  // Two cores: the server and one browser are all this machine runs well at once.
  workers: 1,
  retries: process.env.CI ? 1 : 0,
  forbidOnly: !!process.env.CI,
  reporter: 'list',
  timeout: 30_000,
  expect: { timeout: 10_000 },
  use: {
    baseURL,
    locale: 'zh-CN',
    navigationTimeout: 15_000,
    actionTimeout: 10_000,
    trace: 'retain-on-failure',
    screenshot: 'only-on-failure',
  },
  projects: [
    {
      name: 'chromium',
      use: {
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
      },
    },
  ],
  webServer: externalUrl
    ? undefined
    : {
        command: 'bash end2end/serve.sh',
        cwd: '..',
        url: 'http://127.0.0.1:3100/healthz',
        timeout: 120_000,
        reuseExistingServer: false,
        stdout: 'pipe',
        stderr: 'pipe',
        // The server finishes in-flight requests on SIGTERM; give it a moment.
        gracefulShutdown: { signal: 'SIGTERM', timeout: 5_000 },
      },
});
