/**
 * Chinese and English: the switch is a form the server answers by setting the language
 * cookie and sending the reader back to the same page in the other language (the browser's
 * bundle carries no cookie code), and the choice is remembered for every later page.
 */
import { expect, test, waitForHydration } from './support';

const EN_TITLE = 'What do you need to do?';

test('the switch comes back to the same page in the other language, and back', async ({ page }) => {
  await page.goto('/services?q=%E8%80%81');
  await waitForHydration(page);
  const toggle = page.locator('button.lang-switch');
  await expect(toggle).toHaveText('English');

  await toggle.click();
  await expect(toggle).toHaveText('中文');
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  const url = new URL(page.url());
  expect(url.pathname + url.search).toBe('/services?q=%E8%80%81');

  await waitForHydration(page);
  await toggle.click();
  await expect(toggle).toHaveText('English');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
});

test('the chosen language is remembered across reloads and pages', async ({ page, context }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('button.lang-switch').click();
  await expect(page.locator('h1.hero__title')).toHaveText(EN_TITLE);
  expect((await context.cookies()).some((cookie) => cookie.value === 'en')).toBe(true);

  await page.reload();
  await expect(page.locator('h1.hero__title')).toHaveText(EN_TITLE);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // Server-rendered catalogue content follows too, and so do pages reached in the app.
  await page.goto('/services/MZ-0201');
  await expect(page.locator('article.service-detail h1')).toContainText('Old-age allowance');
  await expect(page.getByRole('heading', { name: 'Documents to provide' })).toBeVisible();
  await waitForHydration(page);
  await page.locator('a.brand').click();
  await expect(page.locator('h1.hero__title')).toHaveText(EN_TITLE);
});
