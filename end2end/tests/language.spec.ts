/**
 * Chinese and English, with JavaScript: the switch changes the page in place and the choice
 * is remembered (cookie) for the next page load.
 */
import { expect, expectNoReload, markNoReload, test, waitForHydration } from './support';

const ZH_TITLE = '我要办事';
const EN_TITLE = 'What do you need to do?';

test('the switch changes the language in place and back', async ({ page }) => {
  await page.goto('/');
  const title = page.locator('h1.hero__title');
  const toggle = page.locator('button.lang-switch');
  await expect(title).toHaveText(ZH_TITLE);
  await expect(toggle).toHaveText('English');
  await waitForHydration(page);
  await markNoReload(page);

  await toggle.click();
  await expect(title).toHaveText(EN_TITLE);
  await expect(toggle).toHaveText('中文');
  await expect(page.getByRole('heading', { level: 2, name: 'Popular services' })).toBeVisible();
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');
  expect(new URL(page.url()).pathname).toBe('/');
  await expectNoReload(page);

  await toggle.click();
  await expect(title).toHaveText(ZH_TITLE);
  await expect(toggle).toHaveText('English');
  await expect(page.locator('html')).toHaveAttribute('lang', 'zh-CN');
  await expectNoReload(page);
});

test('the chosen language is remembered across reloads and pages', async ({ page, context }) => {
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('button.lang-switch').click();
  await expect(page.locator('h1.hero__title')).toHaveText(EN_TITLE);
  // The choice is stored in a cookie; wait until it is written before reloading.
  await expect
    .poll(async () => (await context.cookies()).some((cookie) => cookie.value === 'en'))
    .toBe(true);

  await page.reload();
  await expect(page.locator('h1.hero__title')).toHaveText(EN_TITLE);
  await expect(page.locator('html')).toHaveAttribute('lang', 'en');

  // Server-rendered catalogue content follows too.
  await page.goto('/services/MZ-0201');
  await expect(page.locator('article.service-detail h1')).toContainText('Old-age allowance');
  await expect(page.getByRole('heading', { name: 'Documents to provide' })).toBeVisible();
});
