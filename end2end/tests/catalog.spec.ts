/**
 * The service catalogue as a resident uses it, with JavaScript: the home page, search,
 * filters that apply without reloading the page, a service's details, pagination and the
 * not-found answers.
 */
import {
  cardCodes,
  expect,
  expectNoReload,
  markNoReload,
  queryParam,
  readResultCount,
  resultCount,
  serviceCardNames,
  serviceCards,
  test,
  waitForHydration,
} from './support';

const PAGE_SIZE = 20;

test.describe('home page', () => {
  test('shows topics, life events, departments and popular services from the database', async ({
    page,
  }) => {
    await page.goto('/');
    await expect(page.locator('h1.hero__title')).toHaveText('我要办事');

    await expect(page.getByRole('heading', { level: 2, name: '按主题找服务' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: '按人生事件找服务' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: '按部门找服务' })).toBeVisible();
    await expect(page.getByRole('heading', { level: 2, name: '热门服务' })).toBeVisible();

    await expect(page.locator('a.tile[href^="/services?category="]').first()).toBeVisible();
    await expect(page.locator('a.tile[href="/services?life_event=newborn"]')).toBeVisible();
    const departments = page.locator('a.tile[href^="/services?department="]');
    // At least six departments: the sixth tile exists and shows.
    await expect(departments.nth(5)).toBeVisible();
    await expect(departments.filter({ hasText: '民政局' })).toHaveCount(1);

    const popular = serviceCards(page);
    await expect(popular.first()).toBeVisible();
    await expect(popular.first()).toHaveAttribute('data-service-code', /\S/);
    const firstLink = popular.first().locator('h3.service-card__name a');
    await expect(firstLink).toHaveText(/\S/);
    await expect(firstLink).toHaveAttribute('href', /^\/services\/\S+$/);
  });

  test('loads and hydrates without console errors', async ({ page, consoleErrors }) => {
    await page.goto('/');
    await waitForHydration(page);
    await expect(serviceCards(page).first()).toBeVisible();
    expect(consoleErrors).toEqual([]);
  });

  test('search from the home page lands on the results for the words', async ({ page }) => {
    await page.goto('/');
    await page.locator('#home-q').fill('生育');
    await page.locator('form.search-box[action="/services"] button[type="submit"]').click();

    await expect(page).toHaveURL(/\/services\?q=/);
    expect(queryParam(page, 'q')).toBe('生育');
    await expect(page.locator('#services-q')).toHaveValue('生育');
    await expect(page.locator('p.results__count')).toHaveText(/共找到\s*[1-9]\d*\s*项服务/);
    await expect(serviceCardNames(page).filter({ hasText: '生育' }).first()).toBeVisible();
    await expect(page.getByText('没有找到符合条件的服务')).toHaveCount(0);
  });
});

test.describe('results page after hydration', () => {
  test('a new search changes the results without reloading the page', async ({ page }) => {
    await page.goto(`/services?q=${encodeURIComponent('生育')}`);
    await expect(serviceCardNames(page).filter({ hasText: '生育' }).first()).toBeVisible();
    await waitForHydration(page);
    const before = await cardCodes(page);
    await markNoReload(page);

    const search = page.locator('#services-q');
    await search.fill('高龄');
    await search.press('Enter');

    await expect.poll(() => queryParam(page, 'q')).toBe('高龄');
    await expect(serviceCardNames(page).filter({ hasText: '高龄津贴' }).first()).toBeVisible();
    await expect.poll(() => cardCodes(page)).not.toBe(before);
    await expect(page.locator('p.results__count')).toHaveText(/共找到\s*[1-9]\d*\s*项服务/);
    await expectNoReload(page);
  });

  test('choosing a department narrows the list without reloading the page', async ({ page }) => {
    await page.goto('/services');
    await waitForHydration(page);
    const total = await readResultCount(page);
    expect(total).toBeGreaterThan(0);

    const department = page.locator('#filter-department');
    const label = (await department.locator('option[value="mz"]').textContent())?.trim() ?? '';
    expect(label).toContain('民政');
    await markNoReload(page);

    await department.selectOption('mz');

    await expect.poll(() => queryParam(page, 'department')).toBe('mz');
    await expect.poll(() => resultCount(page)).toBeLessThan(total);
    await expect(serviceCards(page).first()).toBeVisible();
    // Every card left is from the chosen department.
    await expect(
      serviceCards(page).locator('.service-card__department').filter({ hasNotText: label }),
    ).toHaveCount(0);
    await expect(department).toHaveValue('mz');
    await expectNoReload(page);
  });

  test('the next page link shows the following services', async ({ page }) => {
    await page.goto('/services');
    const total = await readResultCount(page);
    expect(total, 'the demo catalogue fills more than one page').toBeGreaterThan(PAGE_SIZE);
    await expect(serviceCards(page)).toHaveCount(PAGE_SIZE);
    const firstCode = await serviceCards(page).first().getAttribute('data-service-code');
    expect(firstCode).toBeTruthy();

    const next = page.locator('nav.pagination a[rel="next"]');
    await expect(next).toBeVisible();
    await expect(page.locator('nav.pagination a[rel="prev"]')).toHaveCount(0);
    await next.click();

    await expect.poll(() => queryParam(page, 'page')).toBe('2');
    await expect(serviceCards(page).first()).not.toHaveAttribute(
      'data-service-code',
      firstCode as string,
    );
    await expect(serviceCards(page)).toHaveCount(Math.min(PAGE_SIZE, total - PAGE_SIZE));
    await expect(page.locator('nav.pagination a[rel="prev"]')).toBeVisible();
  });
});

test.describe('service details', () => {
  test('shows the key facts, the materials and the form of 高龄津贴', async ({ page }) => {
    const response = await page.goto('/services/MZ-0201');
    expect(response?.status()).toBe(200);

    const article = page.locator('article.service-detail[data-service-code="MZ-0201"]');
    await expect(article).toBeVisible();
    await expect(article.locator('h1')).toContainText('高龄津贴');

    const facts = article.locator('dl.key-facts');
    await expect(facts.locator('dt', { hasText: '承诺时限' })).toBeVisible();
    await expect(facts.locator('dd.fact--time')).toHaveText(/5\s*个工作日/);
    await expect(facts.locator('dt', { hasText: '收费' })).toBeVisible();
    await expect(facts.locator('dd.fact--fee')).toContainText('免费');
    await expect(facts.locator('dt', { hasText: '网办深度' })).toBeVisible();
    await expect(facts.locator('dd.fact--online')).toHaveText(/\S/);

    await expect(article.getByRole('heading', { name: '申请材料' })).toBeVisible();
    const materials = article.locator('ol.materials > li.material');
    await expect(materials.first()).toBeVisible();
    await expect(materials.first().locator('.material__name')).toHaveText(/\S/);

    await expect(article.getByRole('heading', { name: '需要填写的信息' })).toBeVisible();
    await expect(article.locator('ul.form-fields > li').first()).toBeVisible();
  });

  test('an unknown service shows an alert and answers 404', async ({ page }) => {
    const response = await page.goto('/services/NOPE-0000');
    await expect(page.locator('div.notice--error[role="alert"]')).toBeVisible();
    await expect(page.locator('article.service-detail')).toHaveCount(0);
    expect(response?.status()).toBe(404);
  });

  test('an unknown page answers 404 with a way home', async ({ page }) => {
    const response = await page.goto('/nope');
    await expect(page.locator('h1')).toHaveText('页面不存在');
    await expect(page.getByRole('link', { name: '返回首页' })).toHaveAttribute('href', '/');
    expect(response?.status()).toBe(404);
  });
});
