/**
 * Shared helpers for the browser tests: a `test` that knows when the WASM has hydrated the
 * page, collects console errors, and small readers of what the resident sees.
 */
import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import {
  test as base,
  expect,
  type BrowserContext,
  type BrowserContextOptions,
  type ConsoleMessage,
  type Locator,
  type Page,
} from '@playwright/test';

declare global {
  interface Window {
    /** Set by a test before an action that must not reload the page. */
    __noReload?: number;
  }
}

/**
 * The server a worker's tests run against, with the database it serves (`server case` acts on
 * the same one).
 */
type Server = { baseURL: string; databaseUrl: string };

/** Set to test a server that is already running (then the suite runs one worker, on it). */
const externalUrl = process.env.MINSHENG_E2E_URL;

/** Waits until the server answers `/healthz`, or fails after `timeout` ms. */
async function waitUntilHealthy(baseURL: string, child: ChildProcess, timeout: number): Promise<void> {
  const deadline = Date.now() + timeout;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) throw new Error(`the e2e server exited with ${child.exitCode}`);
    try {
      if ((await fetch(`${baseURL}/healthz`)).ok) return;
    } catch {
      // Not listening yet.
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`the e2e server at ${baseURL} was not healthy after ${timeout} ms`);
}

/**
 * Starts the release server for one worker (`end2end/serve.sh`): its own port and its own
 * fresh database, so that workers run side by side without seeing each other's changes.
 */
async function startServer(index: number): Promise<{ server: Server; stop: () => Promise<void> }> {
  const port = 3100 + index;
  const sqlite = process.env.MINSHENG_E2E_SQLITE === '1';
  const database = `minsheng_e2e_${index}`;
  const child = spawn('bash', ['end2end/serve.sh'], {
    cwd: '..',
    env: { ...process.env, MINSHENG_E2E_PORT: String(port), MINSHENG_E2E_PG_DB: database },
    stdio: ['ignore', 'inherit', 'inherit'],
  });
  const baseURL = `http://127.0.0.1:${port}`;
  const stop = async () => {
    if (child.exitCode !== null) return;
    const exited = new Promise((resolve) => child.once('exit', resolve));
    // The server finishes in-flight requests on SIGTERM.
    child.kill('SIGTERM');
    const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
    await exited;
    clearTimeout(timer);
  };
  try {
    await waitUntilHealthy(baseURL, child, 120_000);
  } catch (error) {
    await stop();
    throw error;
  }
  const databaseUrl = sqlite
    ? `sqlite://${process.env.TMPDIR ?? '/tmp'}/minsheng-e2e/port-${port}/e2e.db?mode=rwc`
    : `postgres://postgres@127.0.0.1:5432/${database}`;
  return { server: { baseURL, databaseUrl }, stop };
}

/**
 * Collects what the browser refused under the server's Content-Security-Policy (and any
 * header it could not read) in a browser context: every test runs with the policy on, and
 * ends by asserting that nothing was refused.
 */
function watchSecurityPolicy(context: BrowserContext): string[] {
  const refused: string[] = [];
  context.on('console', (message: ConsoleMessage) => {
    const text = message.text();
    if (/Content Security Policy|Permissions-Policy/i.test(text)) {
      refused.push(`${text} (${message.page()?.url() ?? 'no page'})`);
    }
  });
  return refused;
}

type WorkerFixtures = {
  /** This worker's server. */
  server: Server;
};

type Fixtures = {
  /** Console errors and uncaught page errors seen so far in this test. */
  consoleErrors: string[];
  /**
   * Opens a page in a new browser context of its own (its own cookies: a second person, or
   * staff next to a resident), tracking hydration like `page`. Desktop-sized by default;
   * every context is closed when the test ends.
   */
  openPage: (options?: BrowserContextOptions) => Promise<Page>;
};

export const test = base.extend<Fixtures, WorkerFixtures>({
  server: [
    // eslint-disable-next-line no-empty-pattern
    async ({}, use, workerInfo) => {
      if (externalUrl) {
        await use({ baseURL: externalUrl, databaseUrl: process.env.MINSHENG_E2E_DATABASE_URL ?? '' });
        return;
      }
      const { server, stop } = await startServer(workerInfo.parallelIndex);
      // What `actAsStaff` acts on: this worker process's server's database.
      process.env.MINSHENG_E2E_DATABASE_URL = server.databaseUrl;
      try {
        await use(server);
      } finally {
        await stop();
      }
    },
    { scope: 'worker', timeout: 150_000 },
  ],
  baseURL: async ({ server }, use) => {
    await use(server.baseURL);
  },
  context: async ({ context }, use) => {
    const refused = watchSecurityPolicy(context);
    await use(context);
    expect(refused, 'the Content-Security-Policy refused something').toEqual([]);
  },
  consoleErrors: async ({ page }, use) => {
    const errors: string[] = [];
    page.on('console', (message) => {
      if (message.type() === 'error') {
        const where = message.location().url;
        errors.push(`console.error: ${message.text()}${where ? ` (${where})` : ''}`);
      }
    });
    page.on('pageerror', (error) => errors.push(`page error: ${error.message}`));
    await use(errors);
  },
  openPage: async ({ browser, baseURL }, use) => {
    const contexts: { close(): Promise<void> }[] = [];
    const refused: string[][] = [];
    await use(async (options = {}) => {
      const context = await browser.newContext({
        baseURL,
        locale: 'zh-CN',
        viewport: { width: 1280, height: 800 },
        ...options,
      });
      contexts.push(context);
      refused.push(watchSecurityPolicy(context));
      return context.newPage();
    });
    for (const context of contexts) await context.close();
    expect(refused.flat(), 'the Content-Security-Policy refused something').toEqual([]);
  },
});

export { expect };

/**
 * Waits until Leptos has hydrated the whole page: the main WASM and the page's own chunk
 * loaded, every view alive (the app marks `<html data-hydrated>` then, frontend/src/lib.rs).
 */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => document.documentElement.hasAttribute('data-hydrated'), undefined, {
    timeout: 15_000,
  });
}

/** Puts a marker on `window` that a full page load would wipe. */
export async function markNoReload(page: Page): Promise<void> {
  await page.evaluate(() => {
    window.__noReload = 1;
  });
}

/** Asserts the marker from {@link markNoReload} is still there: the page was not reloaded. */
export async function expectNoReload(page: Page): Promise<void> {
  const marker = await page.evaluate(() => window.__noReload);
  expect(marker, 'the page was reloaded; expected a client-side navigation').toBe(1);
}

/** The result cards on a list page. */
export function serviceCards(page: Page): Locator {
  return page.locator('ul.service-list > li.service-card');
}

/** The names of the result cards. */
export function serviceCardNames(page: Page): Locator {
  return serviceCards(page).locator('h3.service-card__name');
}

/**
 * The number in the results count ("共找到 57 项服务" / "57 services found"), or NaN while
 * it is not on the page; meant for `expect.poll`.
 */
export async function resultCount(page: Page): Promise<number> {
  const text = await page
    .locator('p.results__count')
    .first()
    .textContent({ timeout: 1_000 })
    .catch(() => null);
  const match = text?.match(/\d+/);
  return match ? Number(match[0]) : Number.NaN;
}

/** Waits for the results count to show and returns its number. */
export async function readResultCount(page: Page): Promise<number> {
  await expect(page.locator('p.results__count')).toHaveText(/\d+/);
  return resultCount(page);
}

/** The value of one query parameter of the page's current URL. */
export function queryParam(page: Page, name: string): string | null {
  return new URL(page.url()).searchParams.get(name);
}

/** The data-service-code of every card on the page, in order, joined with spaces. */
export async function cardCodes(page: Page): Promise<string> {
  const codes = await serviceCards(page).evaluateAll((cards) =>
    cards.map((card) => card.getAttribute('data-service-code') ?? ''),
  );
  return codes.join(' ');
}

/**
 * Sets the language or the mode as the switch's form does (`POST /lang/en`, `POST
 * /mode/elderly`), then opens `next`. From a blank page, so that no page still hydrating
 * writes its own language back into the cookie (leptos_i18n keeps it in step with the page).
 */
export async function postSwitch(page: Page, action: string, next = '/'): Promise<void> {
  await page.goto('about:blank');
  const response = await page.request.post(action, { form: { next }, maxRedirects: 0 });
  expect(response.status(), `POST ${action}`).toBe(303);
  expect(response.headers()['location']).toBe(next);
  await page.goto(next);
}

/** The password of every demo account. */
export const DEMO_PASSWORD = 'minsheng-demo';

/** Whether the server runs on PostgreSQL, so pushes from another process reach pages. */
export const PUSH_CROSSES_PROCESSES = process.env.MINSHENG_E2E_SQLITE !== '1';

/** Signs in through the sign-in page, as a resident would. */
export async function signIn(page: Page, account: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/sign-in');
  await page.getByLabel('手机号码或身份证号').fill(account);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await submitFromPassword(page);
  await expect(page).toHaveURL(/\/me\/applications/);
}

/** A valid resident ID number (GB 11643 check character) for a made-up birth date. */
export function idNumber(sequence: number): string {
  const month = String((sequence % 9) + 1).padStart(2, '0');
  const base = `1101051985${month}15${String(sequence % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return base + '10X98765432'[sum % 11];
}

type Field = { key: string; kind: string; required: boolean; options?: { zh: string }[] };
type Material = { required: boolean; form: string };
export type Service = { code: string; form_fields: Field[]; materials: Material[] };

/** A published service with questions and at least one material to upload. */
export async function serviceWithUploads(page: Page): Promise<Service> {
  const list = await (await page.request.get('/api/v1/services?page_size=50')).json();
  for (const item of list.items as { code: string }[]) {
    const service: Service = await (await page.request.get(`/api/v1/services/${item.code}`)).json();
    const uploads = service.materials.some((m) => m.required && m.form !== 'exempt');
    const questions = service.form_fields.some((f) => f.required);
    if (uploads && questions) return service;
  }
  throw new Error('no service with uploads in the demo catalogue');
}

/** Answers every question of the service's form on the page. */
export async function answerQuestions(page: Page, service: Service): Promise<void> {
  // The applicant's name and ID number come from the account; the form only shows them.
  const locked = ['applicant_name', 'applicant_id_number'];
  for (const field of service.form_fields.filter((f) => !locked.includes(f.key))) {
    const input = page.locator(`[name="${field.key}"]`);
    switch (field.kind) {
      case 'choice':
        await input.selectOption(field.options?.[0]?.zh ?? '');
        break;
      case 'date':
        await input.fill('2026-01-15');
        break;
      case 'number':
        await input.fill('3');
        break;
      case 'id_number':
        await input.fill('11010519491231002X');
        break;
      case 'phone':
        await input.fill('13800000009');
        break;
      case 'address':
        await input.fill('西湖区文三路 1 号');
        break;
      case 'text':
        await input.fill('测试');
        break;
      default:
        break;
    }
  }
}

export const PDF = Buffer.from('%PDF-1.4\n1 0 obj <<>> endobj\ntrailer <<>>\n%%EOF\n');

/** Attaches a small PDF to every required material. */
export async function attachMaterials(page: Page, service: Service): Promise<void> {
  for (const [index, material] of service.materials.entries()) {
    if (material.required && material.form !== 'exempt') {
      await page
        .locator(`input[type="file"][name="material_${index}"]`)
        .setInputFiles({ name: `材料${index}.pdf`, mimeType: 'application/pdf', buffer: PDF });
    }
  }
}

/** Fills every question of the form on the page by its kind of input (any service or bundle). */
export async function fillEveryQuestion(page: Page): Promise<void> {
  const questions = page.locator('fieldset.fieldset').nth(1);
  for (const select of await questions.locator('select').all()) {
    const value = await select.locator('option').nth(1).getAttribute('value');
    if (value) await select.selectOption(value);
  }
  for (const area of await questions.locator('textarea').all()) {
    await area.fill('西湖区文三路 1 号');
  }
  for (const input of await questions.locator('input').all()) {
    const type = await input.getAttribute('type');
    const mode = await input.getAttribute('inputmode');
    const id = (await input.getAttribute('id')) ?? '';
    const label = (await questions.locator(`label[for="${id}"]`).textContent()) ?? '';
    if (type === 'date') await input.fill('2026-01-15');
    else if (type === 'tel') await input.fill('13800000009');
    else if (mode === 'decimal') await input.fill('3');
    else if (label.includes('身份证') || label.includes('公民身份号码')) await input.fill('11010519491231002X');
    else if (type === 'text') await input.fill('测试');
  }
}

/** Attaches a small PDF to every material of the form on the page. */
export async function attachEveryMaterial(page: Page): Promise<void> {
  const inputs = await page.locator('input[type="file"]').all();
  for (const [index, input] of inputs.entries()) {
    await input.setInputFiles({ name: `材料${index}.pdf`, mimeType: 'application/pdf', buffer: PDF });
  }
}

/**
 * Acts on an application as staff from another process (`server case`), on the database of
 * the test's server: on PostgreSQL the push reaches the open page through the database.
 */
export function actAsStaff(number: string, action: string, ...args: string[]): void {
  const databaseUrl = process.env.MINSHENG_E2E_DATABASE_URL;
  if (!databaseUrl) throw new Error('no e2e server has started in this worker');
  execFileSync('../target/release/server', ['case', number, action, ...args], {
    env: { ...process.env, DATABASE_URL: databaseUrl, RUST_LOG: 'warn' },
    stdio: 'pipe',
  });
}

/**
 * The one-time code of the newest text message to `mobile`, read from the outbox of the
 * test's server (`server sms-outbox`), as the resident reads it on their phone.
 */
export function codeSentTo(mobile: string): string {
  const databaseUrl = process.env.MINSHENG_E2E_DATABASE_URL;
  if (!databaseUrl) throw new Error('no e2e server has started in this worker');
  const message = execFileSync('../target/release/server', ['sms-outbox', mobile], {
    env: { ...process.env, DATABASE_URL: databaseUrl, RUST_LOG: 'warn' },
    stdio: 'pipe',
  }).toString();
  const code = message.match(/\d{6}/)?.[0];
  if (!code) throw new Error(`no code in the newest message to ${mobile}: ${message}`);
  return code;
}

/** 138****0001, as the pages show a number a code went to. */
export function maskedMobile(mobile: string): string {
  return `${mobile.slice(0, 3)}****${mobile.slice(7)}`;
}

export type NewResident = { name: string; mobile: string; idNumber: string; password: string };

/**
 * Registers through the register page's two steps: name and number, the code from the
 * outbox, then the ID number and a password. Ends where the form sends the browser.
 */
export async function register(page: Page, resident: NewResident): Promise<void> {
  await page.goto('/register');
  await page.getByLabel('姓名').fill(resident.name);
  await page.getByLabel('手机号码').fill(resident.mobile);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByTestId('code-sent')).toContainText(maskedMobile(resident.mobile));
  await page.getByLabel('短信验证码').fill(codeSentTo(resident.mobile));
  await page.getByLabel('身份证号码').fill(resident.idNumber);
  await page.getByLabel('密码').fill(resident.password);
  await page.getByRole('button', { name: '注册并登录' }).click();
}

/** Signs in to the staff console through its sign-in page (its own cookie, `ms_staff`). */
export async function staffSignIn(page: Page, username: string, password = DEMO_PASSWORD): Promise<void> {
  await page.goto('/admin/sign-in');
  await page.getByLabel('用户名').fill(username);
  await page.getByLabel('密码', { exact: true }).fill(password);
  await submitFromPassword(page);
  await expect(page).toHaveURL(/\/admin(\?.*)?$/);
}

/**
 * Submits a sign-in form with Enter in its password field, as many people do. The helpers
 * sign in before the page has hydrated, and hydration shows the read-aloud button above the
 * main content, which moves the form down: a click aimed at the sign-in button just before
 * that lands beside it (seen once: no request was sent). Enter submits the form wherever
 * it is. Clicking the button itself is tested where the page has settled.
 */
async function submitFromPassword(page: Page): Promise<void> {
  await page.getByLabel('密码', { exact: true }).press('Enter');
}

/** A published service whose materials need no upload (so it can be applied for in full). */
export async function serviceWithoutUploads(page: Page): Promise<string> {
  const list = await (await page.request.get('/api/v1/services?page_size=50')).json();
  for (const item of list.items as { code: string }[]) {
    const service = await (await page.request.get(`/api/v1/services/${item.code}`)).json();
    const uploads = (service.materials as Material[]).some((m) => m.required && m.form !== 'exempt');
    if (!uploads && ['one_visit', 'fully_online'].includes(service.online_level)) return item.code;
  }
  throw new Error('no service without uploads in the demo catalogue');
}
