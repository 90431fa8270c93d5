/**
 * Satisfaction figures in the browser: the public page (no sign-in) on a 360 px phone shows
 * every department's figures as cards that never scroll sideways, and says "fewer than 10
 * ratings" instead of a number where too few stand behind it; the month picker works as a
 * plain form; a supervisor's console figures page shows the month's department ranking.
 *
 * The figures come from the demo data, so the tests read the JSON API for what to expect
 * rather than assuming numbers.
 */
import type { Page } from '@playwright/test';
import { expect, staffSignIn, test, waitForHydration } from './support';

type PublicFigures = {
  suppressed: boolean;
  ratings: number | null;
  satisfaction_rate: number | null;
};
type PublicRow = { code: string; name: { zh: string }; figures: PublicFigures };
type PublicSatisfaction = {
  month: string;
  months: string[];
  departments: PublicRow[];
  services: PublicRow[];
};

const SUPPRESSED_TEXT = '评价少于 10 条，不公布';

async function publicFigures(page: Page, month?: string): Promise<PublicSatisfaction> {
  const query = month ? `?month=${month}` : '';
  const response = await page.request.get(`/api/v1/satisfaction${query}`);
  expect(response.status()).toBe(200);
  return response.json();
}

/** "93.5%" as the page writes a rate. */
function percent(rate: number): string {
  const text = (rate * 100).toFixed(1);
  return `${text.endsWith('.0') ? text.slice(0, -2) : text}%`;
}

/** The page's elements wider than the screen (none expected). */
async function horizontalOverflow(page: Page): Promise<{ scrollWidth: number; innerWidth: number; wide: string[] }> {
  return page.evaluate(() => {
    const width = window.innerWidth;
    const wide = Array.from(document.querySelectorAll<HTMLElement>('body *'))
      .filter((el) => el.getBoundingClientRect().right > width + 0.5)
      .slice(0, 5)
      .map((el) => {
        const classes =
          el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
        return `${el.tagName.toLowerCase()}${classes} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`;
      });
    return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide };
  });
}

test('the public figures fit a 360 px phone, department by department', async ({ page, consoleErrors }) => {
  expect(page.viewportSize()?.width).toBe(360);
  const expected = await publicFigures(page);
  await page.goto('/');
  // Reached from every page's footer, without signing in.
  await page.getByTestId('footer-satisfaction').click();
  await expect(page).toHaveURL(/\/satisfaction$/);
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: '服务满意度' })).toBeVisible();

  const cards = page.locator('[data-testid="public-departments"] > li.service-card');
  await expect(cards).toHaveCount(expected.departments.length);
  for (const row of expected.departments) {
    const card = page.locator(`[data-testid="public-departments"] > li[data-code="${row.code}"]`);
    await expect(card.locator('h3')).toHaveText(row.name.zh);
    if (row.figures.suppressed) {
      await expect(card).toContainText(SUPPRESSED_TEXT);
      await expect(card.locator('[data-figure]')).toHaveCount(0);
    } else {
      await expect(card.locator('[data-figure="ratings"]')).toHaveText(String(row.figures.ratings));
      await expect(card.locator('[data-figure="satisfaction_rate"]')).toHaveText(
        percent(row.figures.satisfaction_rate ?? 0),
      );
    }
  }

  const layout = await horizontalOverflow(page);
  expect(
    layout.scrollWidth,
    `page is wider than the screen; widest offenders: ${layout.wide.join(', ') || 'none found'}`,
  ).toBeLessThanOrEqual(layout.innerWidth);
  expect(consoleErrors).toEqual([]);
});

test('a month with too few ratings says so instead of showing numbers', async ({ page }) => {
  // The newest month of the picker that has a suppressed entry (a month without ratings
  // suppresses every department).
  const current = await publicFigures(page);
  let month: PublicSatisfaction | undefined;
  for (const m of current.months) {
    const figures = await publicFigures(page, m);
    if ([...figures.departments, ...figures.services].some((r) => r.figures.suppressed)) {
      month = figures;
      break;
    }
  }
  expect(month, 'a month with a suppressed figure').toBeDefined();
  const chosen = month!;

  // The month picker is a plain GET form.
  await page.goto('/satisfaction');
  await page.getByLabel('月份').selectOption(chosen.month);
  await page.getByRole('button', { name: '查询' }).click();
  await expect(page).toHaveURL(new RegExp(`month=${chosen.month}`));
  await expect(page.getByTestId('satisfaction-month-label')).toHaveText(chosen.month);

  const suppressed = [...chosen.departments, ...chosen.services].find((r) => r.figures.suppressed)!;
  const card = page.locator(`li.service-card[data-code="${suppressed.code}"]`).first();
  await expect(card).toContainText(SUPPRESSED_TEXT);
  await expect(card.locator('[data-figure]')).toHaveCount(0);
  await expect(card).toHaveAttribute('data-suppressed', 'true');

  const layout = await horizontalOverflow(page);
  expect(layout.scrollWidth, layout.wide.join(', ')).toBeLessThanOrEqual(layout.innerWidth);
});

test('a supervisor sees the month’s department ranking', async ({ openPage }) => {
  const page = await openPage();
  await staffSignIn(page, 'supervisor');
  await page.getByRole('link', { name: '满意度数据', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/figures$/);
  await waitForHydration(page);

  const api = await page.request.get('/api/v1/staff/figures');
  expect(api.status()).toBe(200);
  const figures = await api.json();
  const entries: { rank: number | null; department: { zh: string } }[] = figures.ranking.entries;

  const ranking = page.getByTestId('figures-ranking');
  await expect(ranking.getByRole('heading', { level: 2 })).toHaveText(`${figures.ranking.month} 部门满意度排名`);
  const rows = ranking.locator('tbody tr');
  // A supervisor sees every department: the ranked ones first, then the unranked.
  await expect(rows).toHaveCount(entries.length);
  for (const [i, entry] of entries.entries()) {
    await expect(rows.nth(i).locator('th')).toHaveText(entry.department.zh);
    await expect(rows.nth(i).locator('td').first()).toHaveText(entry.rank === null ? '不参与排名' : String(entry.rank));
  }
  // Every department has a row in the figures table, with a link to narrow to it.
  await expect(page.locator('[data-testid="figures-departments"] tbody tr')).toHaveCount(figures.departments.length);
  const first = figures.departments[0];
  await page
    .locator(`[data-testid="figures-departments"] tr[data-department="${first.code}"]`)
    .getByRole('link', { name: '只看此部门' })
    .click();
  await expect(page).toHaveURL(new RegExp(`department=${first.id}`));
  await expect(page.locator('[data-testid="figures-departments"] tbody tr')).toHaveCount(1);
  // The ranking still compares every department.
  await expect(page.getByTestId('figures-ranking').locator('tbody tr')).toHaveCount(entries.length);
});
