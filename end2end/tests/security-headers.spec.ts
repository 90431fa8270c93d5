/**
 * The Content-Security-Policy is on for every page of the suite (support.ts fails a test whose
 * browser refused anything under it). This file proves that the policy really binds: the
 * page's own scripts carry the answer's nonce and run (the WASM hydrates the page), while a
 * script without the nonce is refused.
 */
import { expect, expectNoReload, markNoReload, test, waitForHydration } from './support';

test('pages run their own scripts under the policy and refuse any other', async ({ browser, baseURL }) => {
  // A context of its own: the refusal this test provokes is the point, not a failure.
  const context = await browser.newContext({ baseURL, locale: 'zh-CN' });
  const page = await context.newPage();
  const refused: string[] = [];
  page.on('console', (message) => {
    if (/Content Security Policy/i.test(message.text())) refused.push(message.text());
  });

  const response = await page.goto('/services');
  const headers = response?.headers() ?? {};
  const nonce = /'nonce-([A-Za-z0-9_-]{16,})'/.exec(headers['content-security-policy'] ?? '')?.[1];
  expect(nonce, `a nonce in ${headers['content-security-policy']}`).toBeTruthy();
  expect(headers['x-content-type-options']).toBe('nosniff');
  expect(headers['cache-control']).toBe('no-store');
  // Every script with something to run (leptos_i18n leaves an empty placeholder).
  const nonces = await page.evaluate(() =>
    [...document.scripts].filter((script) => script.src || script.textContent?.trim()).map((script) => script.nonce),
  );
  expect(nonces.length).toBeGreaterThan(0);
  expect(nonces.every((value) => value === nonce), `${nonces} carry ${nonce}`).toBe(true);

  // The bundle ran, and so did the page's lazily loaded chunk: a search changes the results
  // in place.
  await waitForHydration(page);
  await markNoReload(page);
  const search = page.locator('#services-q');
  await search.fill('高龄');
  await search.press('Enter');
  await expect(page.locator('ul.service-list > li.service-card h3').filter({ hasText: '高龄津贴' }).first()).toBeVisible();
  expect(new URL(page.url()).searchParams.get('q')).toBe('高龄');
  await expectNoReload(page);
  expect(refused, 'nothing of the page was refused').toEqual([]);

  // A script without the nonce (what an injected one would be) does not run.
  await page.evaluate(() => {
    const script = document.createElement('script');
    script.textContent = 'window.__injected = true;';
    document.body.append(script);
  });
  expect(await page.evaluate(() => (window as unknown as { __injected?: boolean }).__injected)).toBeUndefined();
  await expect.poll(() => refused.length).toBeGreaterThan(0);
  await context.close();
});
