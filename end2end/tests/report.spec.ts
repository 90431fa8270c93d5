/**
 * The monthly report (月度报告) in the browser: a supervisor reaches it from the console's
 * navigation, reads last month's volumes as the API gives them, narrows it to one
 * department with the filter, moves to another month by its link and downloads the CSV.
 * Printed (print media, the width of an A4 page inside its margins) it shows the report
 * alone, and nothing is wider than the paper. A clerk has no link to it and gets no report.
 */
import { expect, staffSignIn, test, waitForHydration } from './support';

type Volume = { received: number; decided: number; on_time: number; with_deadline: number; completed: number };
type Month = { month: string; received: number; decided: number };
type Report = {
  month: string;
  trend: Month[];
  months: string[];
  volumes: { department_id: number; code: string; volume: Volume }[];
  volume_total: Volume;
  department_choices: { value: string; label: { zh: string } }[];
};

/** A4 is 210 mm wide; less the page's 12 mm margins, 186 mm at 96 px per inch. */
const A4_PRINT_WIDTH = Math.floor((186 / 25.4) * 96);

test('a supervisor reads, narrows and downloads the monthly report', async ({ openPage }) => {
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await waitForHydration(supervisor);
  const nav = supervisor.getByRole('navigation', { name: '工作台导航' });
  await nav.getByRole('link', { name: '月度报告', exact: true }).click();
  await expect(supervisor).toHaveURL(/\/admin\/reports$/);

  // The last complete month, figure for figure as the API answers it.
  const report = supervisor.getByTestId('monthly-report');
  const month = await report.getAttribute('data-month');
  expect(month).toMatch(/^\d{4}-\d{2}$/);
  await expect(supervisor.getByRole('heading', { level: 1 })).toHaveText(`${month} 月度报告`);
  await expect(supervisor.getByTestId('report-scope')).toContainText('全部部门');
  const response = await supervisor.request.get(`/api/v1/staff/reports/${month}`);
  expect(response.status()).toBe(200);
  const body: Report = await response.json();
  const rows = supervisor.getByTestId('report-volumes').locator('tbody tr');
  await expect(rows).toHaveCount(body.volumes.length);
  for (const { code, volume } of body.volumes) {
    const row = supervisor.getByTestId('report-volumes').locator(`tr[data-department="${code}"]`);
    await expect(row.locator('[data-figure="received"]')).toHaveText(String(volume.received));
    await expect(row.locator('[data-figure="decided"]')).toHaveText(String(volume.decided));
    await expect(row.locator('[data-figure="on_time"]')).toHaveText(`${volume.on_time} / ${volume.with_deadline}`);
  }
  await expect(supervisor.getByTestId('report-volume-total').locator('[data-figure="received"]'))
    .toHaveText(String(body.volume_total.received));

  // The trend: two charts named by their captions, their figures in a table on request.
  const trend = supervisor.getByTestId('report-trend');
  await expect(trend.getByRole('img', { name: '每月受理与审结件数' })).toBeVisible();
  await expect(trend.getByRole('img', { name: '每月按时审结率与满意率（%）' })).toBeVisible();
  await expect(supervisor.getByTestId('trend-volumes').locator('svg.chart .chart__mark')).toHaveCount(24);
  const table = supervisor.getByTestId('trend-table');
  await expect(table).toBeHidden();
  await trend.getByText('查看数据表').click();
  await expect(table.locator('tbody tr')).toHaveCount(12);
  for (const m of body.trend) {
    const row = table.locator(`tr[data-month="${m.month}"]`);
    await expect(row.locator('[data-figure="received"]')).toHaveText(String(m.received));
    await expect(row.locator('[data-figure="decided"]')).toHaveText(String(m.decided));
  }

  // One department: the filter is a GET form.
  const first = body.department_choices[0];
  await supervisor.getByLabel('部门', { exact: true }).selectOption(first.value);
  await supervisor.getByRole('button', { name: '查询' }).click();
  await expect(supervisor).toHaveURL(new RegExp(`/admin/reports/${month}\\?department=${first.value}$`));
  await expect(supervisor.getByTestId('report-scope')).toContainText(first.label.zh);
  await expect(rows).toHaveCount(1);

  // The CSV of what is shown.
  const csvLink = supervisor.getByTestId('report-csv');
  await expect(csvLink).toHaveAttribute('href', `/api/v1/staff/reports/${month}/csv?department=${first.value}`);
  const csv = await supervisor.request.get((await csvLink.getAttribute('href')) ?? '');
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text.split('\r\n')[0]).toBe('\u{feff}month,section,department,item,measure,value');
  expect(text).toContain(`${month},volume,${first.label.zh},,received,`);

  // The current month, so far.
  const current = body.months[0];
  await supervisor.getByRole('navigation', { name: '选择月份' }).getByRole('link', { name: current, exact: true }).click();
  await expect(supervisor).toHaveURL(new RegExp(`/admin/reports/${current}\\?department=${first.value}$`));
  await expect(supervisor.getByTestId('report-partial')).toBeVisible();
  await expect(supervisor.getByRole('heading', { level: 1 })).toHaveText(`${current} 月度报告`);
});

test('the report prints on the width of an A4 page with nothing cut', async ({ openPage }) => {
  const page = await openPage({ viewport: { width: A4_PRINT_WIDTH, height: 1000 } });
  await staffSignIn(page, 'supervisor');
  await page.goto('/admin/reports');
  await waitForHydration(page);
  await page.emulateMedia({ media: 'print' });

  // Only the report: no navigation, month links, filter or footer.
  await expect(page.locator('.site-header')).toBeHidden();
  await expect(page.locator('.site-footer')).toBeHidden();
  await expect(page.locator('.report__tools')).toBeHidden();
  await expect(page.getByTestId('report-volumes')).toBeVisible();

  // Nothing reaches past the paper's right edge: no table, cell or line of text.
  const overflowing = await page.evaluate((width) => {
    const report = document.querySelector('[data-testid="monthly-report"]');
    if (!report) return ['no report'];
    const wide: string[] = [];
    if (document.documentElement.scrollWidth > width) wide.push(`page ${document.documentElement.scrollWidth}px`);
    for (const element of report.querySelectorAll<HTMLElement>('*')) {
      const box = element.getBoundingClientRect();
      if (box.width > 0 && box.right > width + 0.5) wide.push(`${element.tagName} ${element.textContent?.slice(0, 30)} ends at ${box.right}`);
      if (element.scrollWidth > element.clientWidth + 1 && element.clientWidth > 0) wide.push(`${element.tagName} cut`);
    }
    return wide;
  }, A4_PRINT_WIDTH);
  expect(overflowing).toEqual([]);

  // Chromium's own print to A4 gives a PDF of the report.
  const pdf = await page.pdf({ format: 'A4', printBackground: false });
  expect(pdf.subarray(0, 5).toString()).toBe('%PDF-');
  expect(pdf.length).toBeGreaterThan(10_000);
});

test('a clerk has no report', async ({ openPage }) => {
  const clerk = await openPage();
  await staffSignIn(clerk, 'mz_clerk');
  await waitForHydration(clerk);
  const nav = clerk.getByRole('navigation', { name: '工作台导航' });
  await expect(nav.getByRole('link', { name: '月度报告', exact: true })).toHaveCount(0);
  await clerk.goto('/admin/reports');
  await expect(clerk.getByTestId('monthly-report')).toHaveCount(0);
  await expect(clerk.locator('main [role="alert"]')).toBeVisible();
  expect((await clerk.request.get('/api/v1/staff/reports/2026-11')).status()).toBe(403);
});
