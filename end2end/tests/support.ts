/**
 * Shared helpers for the browser tests: a `test` that knows when the WASM has hydrated the
 * page, collects console errors, and small readers of what the resident sees.
 */
import { test as base, expect, type Locator, type Page } from '@playwright/test';

declare global {
  interface Window {
    /** Set by the init script below once the WASM module has been instantiated. */
    __minshengWasmReady?: boolean;
    /** Set by a test before an action that must not reload the page. */
    __noReload?: number;
  }
}

/**
 * Runs before any script of the page: notes when WebAssembly instantiation resolves.
 *
 * Leptos' hydration script does `init(wasm).then(() => mod.hydrate())`, and wasm-bindgen's
 * init resolves right after instantiation, all in one chain of microtasks. So once this flag
 * is seen from a later task (waitForFunction polls on animation frames), `hydrate()` has run.
 */
function trackWasmInstantiation(): void {
  window.__minshengWasmReady = false;
  const markReady = <T>(promise: Promise<T>): Promise<T> =>
    promise.then((result) => {
      window.__minshengWasmReady = true;
      return result;
    });
  const wasm = WebAssembly as unknown as Record<string, (...args: unknown[]) => Promise<unknown>>;
  for (const name of ['instantiate', 'instantiateStreaming']) {
    const original = wasm[name];
    if (typeof original === 'function') {
      wasm[name] = (...args: unknown[]) => markReady(original.apply(WebAssembly, args));
    }
  }
}

type Fixtures = {
  /** Console errors and uncaught page errors seen so far in this test. */
  consoleErrors: string[];
};

export const test = base.extend<Fixtures>({
  page: async ({ page }, use) => {
    await page.addInitScript(trackWasmInstantiation);
    await use(page);
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
});

export { expect };

/** Waits until the page's WASM has loaded and Leptos has hydrated it. */
export async function waitForHydration(page: Page): Promise<void> {
  await page.waitForLoadState('load');
  await page.waitForFunction(() => window.__minshengWasmReady === true, undefined, {
    timeout: 15_000,
  });
  // One more task, so that the microtasks after instantiation (hydrate()) have surely run.
  await page.evaluate(() => new Promise<void>((resolve) => setTimeout(resolve, 0)));
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
