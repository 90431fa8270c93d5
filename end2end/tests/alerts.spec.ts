/**
 * Alerts (预警) in the browser: a supervisor reaches them from the console's navigation
 * after hydration (a chunk loaded then) and sees every open alert the API lists, in its
 * order, each level a word; the history is one tab away. Without JavaScript the supervisor
 * acknowledges an alert with a note through the plain form, and the page then shows the
 * acknowledgement and what was written. A clerk has no alerts. (Which department's head
 * sees which alert is the integration tests' matter.)
 */
import { expect, staffSignIn, test, waitForHydration } from './support';

type Alert = {
  id: number;
  rule: string;
  level: 'warning' | 'alarm';
  acknowledged?: { by: string; note: string };
};
type AlertList = { alerts: Alert[]; open: number; alarms: number };

const LEVEL = { warning: '预警', alarm: '告警' };

test('a supervisor reads the open alerts and their history', async ({ openPage }) => {
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await waitForHydration(supervisor);
  const nav = supervisor.getByRole('navigation', { name: '工作台导航' });
  await nav.getByRole('link', { name: '预警', exact: true }).click();
  await expect(supervisor).toHaveURL(/\/admin\/alerts$/);
  await expect(supervisor.getByRole('heading', { level: 1 })).toHaveText('预警');

  const response = await supervisor.request.get('/api/v1/staff/alerts');
  expect(response.status()).toBe(200);
  const body: AlertList = await response.json();
  // The demo's data set leaves work overdue and bad reviews waiting: there is something to see.
  expect(body.alerts.length).toBeGreaterThan(0);
  await expect(supervisor.getByTestId('alerts-summary')).toHaveText(
    `未关闭 ${body.open} 条，其中告警 ${body.alarms} 条。`,
  );
  const items = supervisor.getByTestId('alert');
  await expect(items).toHaveCount(body.alerts.length);
  for (const [index, alert] of body.alerts.slice(0, 5).entries()) {
    const item = items.nth(index);
    await expect(item).toHaveAttribute('data-id', String(alert.id));
    await expect(item.locator(`[data-level="${alert.level}"]`)).toHaveText(LEVEL[alert.level]);
    await expect(item.getByTestId('alert-evidence')).not.toBeEmpty();
  }

  await supervisor.getByRole('link', { name: '历史', exact: true }).click();
  await expect(supervisor).toHaveURL(/\/admin\/alerts\?state=closed$/);
  const history: AlertList = await (await supervisor.request.get('/api/v1/staff/alerts?state=closed')).json();
  if (history.alerts.length === 0) {
    await expect(supervisor.getByTestId('alerts-empty')).toHaveText('还没有已关闭的预警。');
  } else {
    await expect(supervisor.getByTestId('alert')).toHaveCount(history.alerts.length);
  }
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a supervisor acknowledges an alert with a note', async ({ openPage }) => {
    const supervisor = await openPage({ javaScriptEnabled: false });
    await staffSignIn(supervisor, 'supervisor');
    const open: AlertList = await (await supervisor.request.get('/api/v1/staff/alerts')).json();
    const alert = open.alerts.find((a) => !a.acknowledged);
    expect(alert, 'an alert waits for acknowledgement').toBeTruthy();

    await supervisor.goto('/admin/alerts');
    const item = supervisor.locator(`[data-testid="alert"][data-id="${alert!.id}"]`);
    await item.getByLabel('处理说明').fill('已安排专人本周内处理');
    await item.getByRole('button', { name: '确认预警' }).click();
    await expect(supervisor).toHaveURL(/\/admin\/alerts\?at=\d+$/);
    await expect(supervisor.getByTestId('console-done')).toBeVisible();
    const after = supervisor.locator(`[data-testid="alert"][data-id="${alert!.id}"]`);
    await expect(after.getByTestId('alert-acknowledged')).toContainText('已确认');
    await expect(after.getByTestId('alert-acknowledged')).toContainText('已安排专人本周内处理');
    await expect(after.getByRole('button', { name: '确认预警' })).toHaveCount(0);
    const now: AlertList = await (await supervisor.request.get('/api/v1/staff/alerts')).json();
    expect(now.alerts.find((a) => a.id === alert!.id)?.acknowledged?.note).toBe('已安排专人本周内处理');
  });
});

test('a clerk has no alerts', async ({ openPage }) => {
  const clerk = await openPage();
  await staffSignIn(clerk, 'mz_clerk');
  await waitForHydration(clerk);
  const nav = clerk.getByRole('navigation', { name: '工作台导航' });
  await expect(nav.getByRole('link', { name: '预警', exact: true })).toHaveCount(0);
  await clerk.goto('/admin/alerts');
  await expect(clerk.getByTestId('alert-list')).toHaveCount(0);
  await expect(clerk.locator('main [role="alert"]')).toBeVisible();
});
