/**
 * The portal without JavaScript (old phones, data saver, blocked scripts): search, filters
 * and the language switch are plain links and GET forms that the server answers.
 */
import { expect, queryParam, readResultCount, serviceCardNames, serviceCards, test } from './support';

test.use({ javaScriptEnabled: false });

test('search from the home page is a plain GET form', async ({ page }) => {
  await page.goto('/');
  await expect(page.locator('h1.hero__title')).toHaveText('我要办事');
  await page.locator('#home-q').fill('生育');
  await page.locator('form.search-box[action="/services"] button[type="submit"]').click();

  await expect(page).toHaveURL(/\/services\?q=/);
  expect(queryParam(page, 'q')).toBe('生育');
  await expect(page.locator('p.results__count')).toHaveText(/共找到\s*[1-9]\d*\s*项服务/);
  await expect(serviceCardNames(page).filter({ hasText: '生育' }).first()).toBeVisible();
});

test('the filters apply with the form button', async ({ page }) => {
  await page.goto('/services');
  const total = await readResultCount(page);

  const form = page.locator('form.filters');
  const label =
    (await form.locator('#filter-department option[value="mz"]').textContent())?.trim() ?? '';
  await form.locator('#filter-department').selectOption('mz');
  // Without JavaScript the <noscript> "筛选" button shows; the search button would do too.
  const apply = form.locator('button[type="submit"]').filter({ visible: true }).last();
  await expect(apply).toBeVisible();
  await apply.click();

  await expect(page).toHaveURL(/[?&]department=mz\b/);
  const filtered = await readResultCount(page);
  expect(filtered).toBeGreaterThan(0);
  expect(filtered).toBeLessThan(total);
  await expect(
    serviceCards(page).locator('.service-card__department').filter({ hasNotText: label }),
  ).toHaveCount(0);
  await expect(page.locator('#filter-department')).toHaveValue('mz');
});

test('the language switch is a form that works without JavaScript', async ({ page }) => {
  await page.goto(`/services?q=${encodeURIComponent('生育')}`);
  const toggle = page.locator('button.lang-switch');
  await expect(toggle).toHaveText('English');
  await toggle.click();

  // Back on the same page, now in English.
  await expect(page).toHaveURL(/\/services\?q=/);
  expect(queryParam(page, 'q')).toBe('生育');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  await expect(page.locator('nav.site-nav')).toContainText('Services');
  await expect(page.locator('p.results__count')).toHaveText(/[1-9]\d*\s*services found/);
  await expect(toggle).toHaveText('中文');

  await toggle.click();
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expect(page.locator('p.results__count')).toHaveText(/共找到\s*[1-9]\d*\s*项服务/);
});
