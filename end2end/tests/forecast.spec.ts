/**
 * The backlog forecast (积压预测) in the browser: a supervisor reaches it from the console's
 * navigation after hydration (its code is a chunk loaded then), reads every service's figures
 * as the API gives them with the model's assumptions, and follows an overdue figure to those
 * cases in the queue. A clerk has no link to it and gets no figures.
 */
import { expect, staffSignIn, test, waitForHydration } from './support';

type Row = {
  service_code: string;
  counts: { overdue: number; due: number[] };
  outlook: { pace: number; will_be_overdue: number; needed: number };
};

test('a supervisor reads the forecast and follows the overdue cases to the queue', async ({ openPage }) => {
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await waitForHydration(supervisor);
  const nav = supervisor.getByRole('navigation', { name: '工作台导航' });
  await nav.getByRole('link', { name: '积压预测', exact: true }).click();
  await expect(supervisor).toHaveURL(/\/admin\/forecast$/);

  const table = supervisor.getByTestId('forecast-table');
  await expect(table.locator('caption')).toHaveText('各事项的积压与预测（预计超期最多的在前）');
  await expect(supervisor.getByTestId('forecast-assumptions').locator('li')).toHaveCount(3);

  // What the page shows is what the API answers, row for row and in the same order.
  const response = await supervisor.request.get('/api/v1/staff/forecast');
  expect(response.status()).toBe(200);
  const rows: Row[] = (await response.json()).rows;
  expect(rows.length).toBeGreaterThan(0);
  const shown = supervisor.getByTestId('forecast-row');
  await expect(shown).toHaveCount(rows.length);
  for (const [index, row] of rows.slice(0, 5).entries()) {
    const line = shown.nth(index);
    await expect(line).toHaveAttribute('data-service', row.service_code);
    await expect(line.getByTestId('forecast-overdue')).toHaveText(String(row.counts.overdue));
    await expect(line.getByTestId('forecast-late')).toHaveText(String(row.outlook.will_be_overdue));
    // The figure, then whether the pace keeps up: "3 需加快".
    await expect(line.getByTestId('forecast-needed')).toHaveText(new RegExp(`^${row.outlook.needed}\\s`));
  }
  const expected = rows.reduce((sum, row) => sum + row.outlook.will_be_overdue, 0);
  await expect(supervisor.getByTestId('forecast-summary')).toContainText(`将有 ${expected} 件`);

  // The overdue figure of the first row opens the queue filtered to those cases.
  const first = rows[0];
  await shown.first().getByTestId('forecast-overdue').getByRole('link').click();
  await expect(supervisor).toHaveURL(new RegExp(`/admin/queue\\?service=${first.service_code}&department=\\d+&due=overdue$`));
  await expect(supervisor.getByTestId('queue-total').locator('strong')).toHaveText(String(first.counts.overdue));
});

test('a clerk has no forecast', async ({ openPage }) => {
  const clerk = await openPage();
  await staffSignIn(clerk, 'mz_clerk');
  await waitForHydration(clerk);
  const nav = clerk.getByRole('navigation', { name: '工作台导航' });
  await expect(nav.getByRole('link', { name: '积压预测', exact: true })).toHaveCount(0);
  await clerk.goto('/admin/forecast');
  await expect(clerk.getByTestId('forecast-table')).toHaveCount(0);
  await expect(clerk.locator('main [role="alert"]')).toBeVisible();
  expect((await clerk.request.get('/api/v1/staff/forecast')).status()).toBe(403);
});
