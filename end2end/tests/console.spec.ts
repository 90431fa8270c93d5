/**
 * The staff console (/admin) in the browser: a case goes from the queue through accept,
 * supplement, approval and completion while the resident watches it arrive live; each role
 * sees only its scope; a stale page gets a conflict, never a silent overwrite; revealing a
 * resident's ID is recorded where the resident and the supervisor can see it; staff sessions
 * can be ended; and the console works without JavaScript.
 *
 * Staff and residents have separate cookies (`ms_staff` / `ms_session`), so every person in
 * a test has a browser context of their own (`openPage`). Each test submits a fresh
 * application, so tests do not depend on each other or on counts others change.
 */
import type { Page } from '@playwright/test';
import {
  PDF,
  PUSH_CROSSES_PROCESSES,
  answerQuestions,
  attachMaterials,
  expect,
  expectNoReload,
  markNoReload,
  postSwitch,
  serviceWithUploads,
  signIn,
  staffSignIn,
  test,
  waitForHydration,
  type Service,
} from './support';

/** Every department of the demo data, by the code in its staff usernames. */
const DEPARTMENTS = ['ga', 'mz', 'rs', 'wj', 'yb', 'zj', 'cl', 'jy'];

/** The clerk whose sessions the sessions test ends; no other test signs in as them. */
const SESSION_TEST_CLERK = 'cl_clerk';

type ServiceWithDepartment = Service & {
  name: { zh: string };
  department: { code: string; name: { zh: string } };
};

type Applied = { number: string; service: ServiceWithDepartment; material: number };

/** A text that appears nowhere else, to find one's own note or reason. */
function unique(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Signs the resident in, applies for a service that has questions and uploads, and returns
 * the new application's number, the service (with its department) and the index of the
 * first material that is uploaded. The page is left on the application's page.
 */
async function applyAs(page: Page, mobile: string): Promise<Applied> {
  await signIn(page, mobile);
  // These demo residents use elderly mode, which asks one question per page; the full form
  // is what this helper fills in (elderly.spec.ts covers the step-by-step one).
  await postSwitch(page, '/mode/standard', '/me/applications');
  const found = await serviceWithUploads(page);
  const service: ServiceWithDepartment = await (await page.request.get(`/api/v1/services/${found.code}`)).json();
  await page.goto(`/apply/${service.code}`);
  await answerQuestions(page, service);
  await attachMaterials(page, service);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  const number = page.url().match(/MS-\d{8}-\d{6}/)![0];
  const material = service.materials.findIndex((m) => m.required && m.form !== 'exempt');
  return { number, service, material };
}

/** A department other than `these`. */
function otherDepartment(...these: string[]): string {
  return DEPARTMENTS.find((code) => !these.includes(code))!;
}

/** The one task card of the case (the demo services are each one department's). */
function taskCard(page: Page) {
  return page.locator('.task-card').first();
}

/** The queue row of `number`, following the queue's pages until it shows. */
async function findInQueue(page: Page, number: string) {
  const row = page.locator(`[data-testid="queue"] tr[data-number="${number}"]`);
  await expect(page.getByTestId('queue-total')).toBeVisible();
  for (let pages = 0; (await row.count()) === 0 && pages < 20; pages++) {
    const next = page.locator('nav.pager a[rel="next"]');
    if ((await next.count()) === 0) break;
    await next.click();
    await expect(page).toHaveURL(new RegExp(`page=${pages + 2}`));
  }
  await expect(row).toBeVisible();
  return row;
}

/** The steps of the resident's timeline, in order. */
function residentSteps(page: Page) {
  return page.locator('[data-testid="timeline"] .timeline__item .timeline__what');
}

test('a case goes from the queue to completion while the resident watches it live', async ({
  page,
  openPage,
  consoleErrors,
}) => {
  test.skip(!PUSH_CROSSES_PROCESSES, 'needs the PostgreSQL e2e server');
  test.slow();
  // The resident applies and keeps the application open.
  const { number, service, material } = await applyAs(page, '13800000020');
  const department = service.department.code;
  await waitForHydration(page);
  await page.locator('[data-live="connected"]').waitFor({ state: 'attached' });
  await markNoReload(page);
  await expect(residentSteps(page)).toHaveText(['已提交']);

  // The department's clerk finds it among the submitted ones and opens it from the queue.
  const clerk = await openPage();
  await staffSignIn(clerk, `${department}_clerk`);
  await expect(clerk.getByTestId('console-me')).toContainText('窗口受理');
  await clerk.goto('/admin/queue');
  await expect(clerk.getByTestId('queue-filters')).toBeVisible();
  await clerk.locator('#q-status').selectOption({ label: '已提交' });
  await clerk.locator('#q-service').selectOption(service.code);
  await clerk.getByRole('button', { name: '筛选' }).click();
  await expect(clerk).toHaveURL(/status=submitted/);
  await expect(clerk.locator('#q-status')).toHaveValue('submitted');
  const row = await findInQueue(clerk, number);
  await expect(row.locator('.chip')).toHaveText('已提交');
  await row.locator('td').first().getByRole('link').click();
  await expect(clerk).toHaveURL(new RegExp(`/admin/cases/${number}$`));
  await expect(clerk.locator('.case__number')).toHaveText(number);
  await expect(clerk.getByTestId('masked-id')).toHaveText(/^\d{6}\*+\d{3}[\dX]$/);

  // Accept: the resident's page shows it without a reload.
  await expect(taskCard(clerk)).toHaveAttribute('data-status', 'submitted');
  await clerk.getByRole('button', { name: '受理', exact: true }).click();
  await expect(clerk.getByTestId('console-done')).toBeVisible();
  await expect(taskCard(clerk)).toHaveAttribute('data-status', 'accepted');
  await expect(residentSteps(page).last()).toHaveText('已受理');
  await expect(page.locator('.key-facts .chip')).toHaveText('已受理');

  // Ask for a clearer copy of the first material.
  const note = unique('请上传清晰的扫描件');
  const supplement = clerk.locator('form[data-action="request_supplement"]');
  await supplement.locator(`input[name="materials"][value="${material}"]`).check();
  await supplement.locator('textarea[name="note"]').fill(note);
  await supplement.getByRole('button', { name: '要求补正' }).click();
  await expect(clerk.getByTestId('console-done')).toBeVisible();
  await expect(taskCard(clerk)).toHaveAttribute('data-status', 'supplement_requested');
  await expect(page.locator('.supplement__note')).toHaveText(note);
  await expect(page.locator('.key-facts .chip')).toHaveText('待补正');
  await expect(residentSteps(page).last()).toHaveText('待补正');
  await expectNoReload(page);

  // The resident answers it in another tab; the open page follows.
  const edit = await page.context().newPage();
  await edit.goto(`/me/applications/${number}/edit`);
  await expect(edit.locator('.field--asked')).toHaveCount(1);
  await edit
    .locator(`input[type="file"][name="material_${material}"]`)
    .setInputFiles({ name: '清晰版.pdf', mimeType: 'application/pdf', buffer: PDF });
  await edit.getByRole('button', { name: '补正后重新提交' }).click();
  await expect(edit).toHaveURL(new RegExp(`/me/applications/${number}`));
  await edit.close();
  await expect(residentSteps(page).last()).toHaveText('已补正并重新提交');
  await expect(page.locator('.key-facts .chip')).toHaveText('已受理');
  await expect(page.locator('.supplement__note')).toHaveCount(0);

  // Notes: an internal one stays among staff, a public one reaches the resident.
  await clerk.reload();
  await expect(taskCard(clerk)).toHaveAttribute('data-status', 'accepted');
  const internalNote = unique('内部核查');
  const publicNote = unique('材料已收到');
  let comment = clerk.locator('form[data-action="comment"]');
  await comment.locator('textarea[name="text"]').fill(internalNote);
  await expect(comment.getByLabel('仅内部可见（不告知居民）')).toBeChecked();
  await comment.getByRole('button', { name: '添加留言' }).click();
  await expect(clerk.getByTestId('console-done')).toBeVisible();
  comment = clerk.locator('form[data-action="comment"]');
  await comment.locator('textarea[name="text"]').fill(publicNote);
  await comment.getByLabel('仅内部可见（不告知居民）').uncheck();
  await comment.getByRole('button', { name: '添加留言' }).click();
  await expect(clerk.getByTestId('console-done')).toBeVisible();
  const staffTimeline = clerk.getByTestId('staff-timeline');
  await expect(staffTimeline.locator('li[data-kind="comment"][data-internal="true"]')).toContainText(internalNote);
  await expect(staffTimeline.locator('li[data-kind="comment"][data-internal="false"]')).toContainText(publicNote);
  await expect(page.locator('[data-testid="timeline"] .timeline__comment', { hasText: publicNote })).toBeVisible();
  await expect(page.getByText(internalNote)).toHaveCount(0);

  // The department's reviewer approves.
  const reviewer = await openPage();
  await staffSignIn(reviewer, `${department}_reviewer`);
  await reviewer.goto(`/admin/cases/${number}`);
  await expect(taskCard(reviewer)).toHaveAttribute('data-status', 'accepted');
  await expect(reviewer.getByRole('button', { name: '受理', exact: true })).toHaveCount(0);
  await reviewer.locator('form[data-action="approve"]').getByRole('button', { name: '审核通过' }).click();
  await expect(reviewer.getByTestId('console-done')).toBeVisible();
  await expect(taskCard(reviewer)).toHaveAttribute('data-status', 'approved');
  await expect(residentSteps(page).last()).toHaveText('审核通过');

  // The clerk completes it.
  await clerk.reload();
  await clerk.getByRole('button', { name: '办结', exact: true }).click();
  await expect(clerk.getByTestId('console-done')).toBeVisible();
  await expect(taskCard(clerk)).toHaveAttribute('data-status', 'completed');
  await expect(residentSteps(page).last()).toHaveText('已办结');
  await expect(page.locator('.key-facts .chip')).toHaveText('已办结');

  // Every step arrived on the page the resident opened before they happened.
  await expect(residentSteps(page)).toHaveText([
    '已提交',
    '已受理',
    '待补正',
    '已补正并重新提交',
    '办理意见',
    '审核通过',
    '已办结',
  ]);
  await expectNoReload(page);
  await expect(page.getByText(internalNote)).toHaveCount(0);
  // Nor is the internal note in the page the server renders.
  await page.reload();
  await expect(residentSteps(page)).toHaveCount(7);
  await expect(page.getByText(publicNote)).toBeVisible();
  expect(await page.content()).not.toContain(internalNote);
  expect(consoleErrors).toEqual([]);
});

test('each role sees its own scope', async ({ page, openPage }) => {
  // A resident applies, then four staff sign in, each in a page of its own: 31-34 s on a slow
  // two-core machine, beyond the default 30 s that fits a one-page test.
  test.slow();
  const { number, service } = await applyAs(page, '13800000021');
  const department = service.department.code;
  const caseUrl = `/admin/cases/${number}`;

  // The department's clerk sees it and may accept it (the control for what follows).
  const clerk = await openPage();
  await staffSignIn(clerk, `${department}_clerk`);
  await clerk.goto(caseUrl);
  await expect(clerk.getByRole('button', { name: '受理', exact: true })).toBeVisible();
  const nav = clerk.getByRole('navigation', { name: '工作台导航' });
  await expect(nav.getByRole('link', { name: '待办队列' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '事项管理' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: '工作人员会话' })).toHaveCount(0);
  await expect(nav.getByRole('link', { name: '审计日志' })).toHaveCount(0);
  // The audit log is not for clerks, even by its address.
  const audit = await clerk.goto('/admin/audit');
  expect(audit?.status()).toBe(403);
  await expect(clerk.locator('[data-error-code="Forbidden"]')).toContainText('您无权查看或办理此事项。');
  await expect(clerk.getByTestId('audit')).toHaveCount(0);

  // Another department's clerk: the case is simply not there.
  const stranger = await openPage();
  await staffSignIn(stranger, `${otherDepartment(department, 'cl')}_clerk`);
  const response = await stranger.goto(caseUrl);
  expect(response?.status()).toBe(404);
  await expect(stranger.locator('[data-error-code="NotFound"]')).toContainText('未找到您要的内容。');
  await expect(stranger.locator('.task-card')).toHaveCount(0);
  await expect(stranger.getByText(number)).toHaveCount(0);

  // The supervisor sees every case but decides nothing.
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await expect(supervisor.getByTestId('console-me')).toContainText('督查');
  await supervisor.goto(caseUrl);
  await expect(supervisor.locator('.case__number')).toHaveText(number);
  await expect(taskCard(supervisor)).toHaveAttribute('data-status', 'submitted');
  await expect(supervisor.getByRole('button', { name: '受理', exact: true })).toHaveCount(0);
  await expect(supervisor.getByRole('button', { name: '审核通过' })).toHaveCount(0);
  await expect(supervisor.locator('form[data-action="approve"], form[data-action="reject"]')).toHaveCount(0);
  await expect(supervisor.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '审计日志' })).toBeVisible();

  // The administrator keeps the catalogue and the sessions.
  const admin = await openPage();
  await staffSignIn(admin, 'admin');
  const adminNav = admin.getByRole('navigation', { name: '工作台导航' });
  await expect(adminNav.getByRole('link', { name: '事项管理' })).toHaveAttribute('href', '/admin/catalog');
  await expect(adminNav.getByRole('link', { name: '工作人员会话' })).toHaveAttribute('href', '/admin/sessions');
  await expect(adminNav.getByRole('link', { name: '审计日志' })).toBeVisible();
  await expect(admin.getByTestId('console-me')).toContainText('管理员');
});

test('the console header links open their pages after hydration', async ({ openPage }) => {
  // Links in a hydrated page navigate on the client: the page's data comes from its server
  // function, not from a server-rendered page load.
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await waitForHydration(supervisor);
  await markNoReload(supervisor);
  const nav = supervisor.getByRole('navigation', { name: '工作台导航' });

  await nav.getByRole('link', { name: '待办队列', exact: true }).click();
  await expect(supervisor).toHaveURL(/\/admin\/queue$/);
  await expect(supervisor.getByTestId('queue-total')).toBeVisible();
  await expect(supervisor.locator('main [role="alert"]')).toHaveCount(0);

  await nav.getByRole('link', { name: '审计日志', exact: true }).click();
  await expect(supervisor).toHaveURL(/\/admin\/audit$/);
  await expect(supervisor.getByTestId('audit-total')).toBeVisible();
  await expect(supervisor.locator('main [role="alert"]')).toHaveCount(0);

  await nav.getByRole('link', { name: '居民', exact: true }).click();
  await expect(supervisor).toHaveURL(/\/admin\/residents$/);
  await expect(supervisor.getByRole('searchbox', { name: '身份证号、手机号码或姓名' })).toBeVisible();

  await nav.getByRole('link', { name: '工作台', exact: true }).click();
  await expect(supervisor.getByTestId('status-counts')).toBeVisible();
  await expectNoReload(supervisor);
});

test('a stale page gets a conflict with the current state, not a silent overwrite', async ({
  page,
  openPage,
}) => {
  const { number, service } = await applyAs(page, '13800000022');
  const department = service.department.code;
  const caseUrl = `/admin/cases/${number}`;

  const head = await openPage();
  await staffSignIn(head, `${department}_head`);
  await head.goto(caseUrl);
  await head.getByRole('button', { name: '受理', exact: true }).click();
  await expect(head.getByTestId('console-done')).toBeVisible();
  await expect(taskCard(head)).toHaveAttribute('data-status', 'accepted');

  // A reviewer opens the accepted case too; then the head approves it.
  const reviewer = await openPage();
  await staffSignIn(reviewer, `${department}_reviewer`);
  await reviewer.goto(caseUrl);
  await expect(taskCard(reviewer)).toHaveAttribute('data-status', 'accepted');
  await head.locator('form[data-action="approve"]').getByRole('button', { name: '审核通过' }).click();
  await expect(head.getByTestId('console-done')).toBeVisible();
  await expect(taskCard(head)).toHaveAttribute('data-status', 'approved');

  // The reviewer's page still offers to reject: doing so is refused as a conflict.
  const reason = unique('材料不符合要求');
  const reject = reviewer.locator('form[data-action="reject"]');
  await reject.locator('textarea[name="reason"]').fill(reason);
  await reject.getByRole('button', { name: '不予受理 / 不予批准' }).click();
  const error = reviewer.locator('[data-testid="console-error"][data-error-code="Conflict"]');
  await expect(error).toBeVisible();
  await expect(error).toContainText('其他同事刚刚处理了这件办件');
  await expect(reviewer.getByTestId('console-done')).toHaveCount(0);
  // The page shows where the case is now.
  await expect(taskCard(reviewer)).toHaveAttribute('data-status', 'approved');
  await expect(reviewer.locator('.case__meta .chip')).toHaveText('审核通过');
  await expect(reviewer.locator('form[data-action="reject"]')).toHaveCount(0);
  await expect(reviewer.getByTestId('staff-timeline').locator('li[data-kind="rejected"]')).toHaveCount(0);

  // Nothing was overwritten: the resident sees it approved.
  await page.goto(`/me/applications/${number}`);
  await expect(page.locator('.key-facts .chip')).toHaveText('审核通过');
  await expect(page.getByText(reason)).toHaveCount(0);
});

test('revealing a resident ID is recorded for the resident and the supervisor', async ({
  page,
  openPage,
}) => {
  const { number, service } = await applyAs(page, '13800000023');
  const department = service.department.code;
  const clerkName = `${department}_clerk`;

  const clerk = await openPage();
  await staffSignIn(clerk, clerkName);
  await clerk.goto(`/admin/cases/${number}`);
  const masked = (await clerk.getByTestId('masked-id').textContent())!.trim();
  expect(masked).toMatch(/^\d{6}\*+\d{3}[\dX]$/);
  await clerk.getByTestId('resident-link').click();
  await expect(clerk).toHaveURL(/\/admin\/residents\/\d+$/);
  const residentId = clerk.url().match(/\/admin\/residents\/(\d+)$/)![1];
  const idNumber = clerk.getByTestId('record-id-number');
  await expect(idNumber).toHaveText(masked);
  await expect(idNumber).toHaveAttribute('data-revealed', 'false');
  await expect(clerk.getByTestId('record-applications')).toContainText(number);

  // Reveal it, with a reason.
  const reason = unique('核对户籍信息');
  const reveal = clerk.getByTestId('reveal-form');
  await reveal.locator('#reveal-field').selectOption('id_number');
  await reveal.locator('#reveal-reason').fill(reason);
  await reveal.getByRole('button', { name: '查看完整信息' }).click();
  await expect(idNumber).toHaveAttribute('data-revealed', 'true');
  await expect(idNumber).toHaveText(/^\d{17}[\dX]$/);
  const full = (await idNumber.textContent())!.trim();
  expect(full.slice(0, 6)).toBe(masked.slice(0, 6));
  expect(full.slice(-4)).toBe(masked.slice(-4));
  // Shown once: the next visit masks it again.
  await clerk.reload();
  await expect(idNumber).toHaveAttribute('data-revealed', 'false');
  await expect(idNumber).toHaveText(masked);

  // The resident sees which department looked.
  await page.goto('/me/profile');
  await expect(page.getByRole('heading', { name: '谁查看过我的信息' })).toBeVisible();
  const accesses = page.getByTestId('record-accesses');
  const revealed = accesses.locator('li[data-action="resident.reveal_id_number"]');
  await expect(revealed.first()).toContainText(service.department.name.zh);
  await expect(revealed.first()).toContainText('查看了完整证件号或手机号');
  // Opening the case and the record are there too.
  await expect(accesses.locator('li[data-action="application.view"]').first()).toContainText(
    service.department.name.zh,
  );
  await expect(accesses.locator('li[data-action="resident.view"]').first()).toContainText('查看了档案');

  // The supervisor finds it in the audit log by who did it and what.
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await supervisor.goto('/admin/audit');
  const filters = supervisor.getByTestId('audit-filters');
  await filters.locator('#a-actor').fill(clerkName);
  await filters.locator('#a-action').fill('resident.reveal_id_number');
  await filters.getByRole('button', { name: '筛选' }).click();
  await expect(supervisor).toHaveURL(/action=resident\.reveal_id_number/);
  const rows = supervisor.locator('[data-testid="audit"] tbody tr');
  const entry = rows.filter({ hasText: reason });
  await expect(entry).toHaveCount(1);
  await expect(entry).toHaveAttribute('data-action', 'resident.reveal_id_number');
  await expect(entry).toContainText(clerkName);
  await expect(entry).toContainText(`居民 ${residentId}`);
  // Only what the filter asked for.
  for (const action of await rows.evaluateAll((trs) => trs.map((tr) => tr.getAttribute('data-action')))) {
    expect(action).toBe('resident.reveal_id_number');
  }
  await expect(supervisor.getByTestId('audit-csv')).toHaveAttribute(
    'href',
    new RegExp(`actor=${clerkName}.*action=resident\\.reveal_id_number`),
  );
  // The export holds the same entry.
  const csv = await supervisor.request.get((await supervisor.getByTestId('audit-csv').getAttribute('href'))!);
  expect(csv.status()).toBe(200);
  expect(csv.headers()['content-type']).toContain('text/csv');
  const text = await csv.text();
  expect(text).toContain(reason);
  expect(text).toContain('resident.reveal_id_number');
});

test('a wrong password is refused, and an ended session signs the clerk out', async ({ openPage }) => {
  const clerk = await openPage();
  await clerk.goto('/admin/sign-in');
  await clerk.getByLabel('用户名').fill(SESSION_TEST_CLERK);
  await clerk.getByLabel('密码', { exact: true }).fill('not-the-password');
  await clerk.getByRole('button', { name: '登录', exact: true }).click();
  await expect(clerk).toHaveURL(/\/admin\/sign-in\?.*error=invalid_credentials/);
  await expect(clerk.getByTestId('console-error')).toContainText('账号或密码不正确。');
  await expect(clerk.getByLabel('用户名')).toHaveValue(SESSION_TEST_CLERK);
  await expect(clerk.getByLabel('密码', { exact: true })).toHaveValue('');
  // Not signed in: the console sends them back to sign in.
  await clerk.goto('/admin/queue');
  await expect(clerk).toHaveURL(/\/admin\/sign-in\?next=/);

  await staffSignIn(clerk, SESSION_TEST_CLERK);
  await clerk.goto('/admin/queue');
  await expect(clerk.getByTestId('queue-filters')).toBeVisible();

  // An administrator ends the clerk's session(s).
  const admin = await openPage();
  await staffSignIn(admin, 'admin');
  await admin.getByRole('link', { name: '工作人员会话' }).click();
  await expect(admin).toHaveURL(/\/admin\/sessions/);
  const rows = admin.locator(`[data-testid="staff-sessions"] tr[data-username="${SESSION_TEST_CLERK}"]`);
  await expect(rows.first()).toBeVisible();
  await expect(admin.locator('[data-testid="staff-sessions"] tr[data-username="admin"]').first()).toBeVisible();
  for (let left = await rows.count(); left > 0; left = await rows.count()) {
    await rows.first().getByRole('button', { name: '结束会话' }).click();
    await expect(admin.getByTestId('console-done')).toBeVisible();
    await expect(rows).toHaveCount(left - 1);
  }
  // The administrator's own session is untouched.
  await expect(admin.getByTestId('staff-name')).toBeVisible();

  // The clerk's next page load goes to sign-in.
  await clerk.reload();
  await expect(clerk).toHaveURL(/\/admin\/sign-in/);
  await expect(clerk.getByLabel('用户名')).toBeVisible();
});

test.describe('without JavaScript', () => {
  test.use({ javaScriptEnabled: false });

  test('a clerk signs in and accepts a case through the plain forms', async ({ page, openPage }) => {
    const { number, service } = await applyAs(page, '13800000025');
    const clerk = await openPage({ javaScriptEnabled: false });
    await staffSignIn(clerk, `${service.department.code}_clerk`);
    await clerk.getByRole('link', { name: '待办队列', exact: true }).click();
    await expect(clerk).toHaveURL(/\/admin\/queue$/);
    await clerk.locator('#q-status').selectOption('submitted');
    await clerk.locator('#q-service').selectOption(service.code);
    await clerk.getByRole('button', { name: '筛选' }).click();
    await expect(clerk).toHaveURL(/\/admin\/queue\?status=submitted/);
    const row = await findInQueue(clerk, number);
    await row.getByRole('link', { name: number }).click();
    await expect(clerk).toHaveURL(new RegExp(`/admin/cases/${number}$`));
    await expect(clerk.locator('.case__meta .chip')).toHaveText('已提交');
    await clerk.getByRole('button', { name: '受理', exact: true }).click();
    await expect(clerk).toHaveURL(new RegExp(`/admin/cases/${number}\\?at=\\d+$`));
    await expect(clerk.getByTestId('console-done')).toBeVisible();
    await expect(clerk.locator('.case__meta .chip')).toHaveText('已受理');
    await expect(taskCard(clerk).locator('.chip').first()).toHaveText('已受理');
    await expect(clerk.getByTestId('staff-timeline').locator('li[data-kind="accepted"]')).toHaveCount(1);

    await page.reload();
    await expect(page.locator('.key-facts .chip')).toHaveText('已受理');
  });
});

test('a resident search posts what is searched and shows the hits masked', async ({ openPage }) => {
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await supervisor.goto('/admin/residents');
  await waitForHydration(supervisor);
  const mobile = '13800000001';
  await supervisor.getByLabel('身份证号、手机号码或姓名').fill(mobile);
  await supervisor.getByRole('search').getByRole('button').click();
  const hits = supervisor.getByTestId('resident-hits');
  await expect(hits.locator('tbody tr')).toHaveCount(1);
  await expect(hits).toContainText('138****0001');
  await expect(hits).not.toContainText(mobile);
  expect(supervisor.url(), 'the number is in no address').not.toContain(mobile);
  await expect(supervisor.locator('#resident-q')).toHaveValue(mobile);
});
