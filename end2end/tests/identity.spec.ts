/**
 * Proving who one is, in the browser: a forgotten password reset with a code from the
 * outbox; a claim of a register record made with another number than the register's, which
 * waits until a window clerk confirms the person in the console; and an administrator
 * disabling a staff account and enabling it again.
 */
import {
  DEMO_PASSWORD,
  codeSentTo,
  expect,
  maskedMobile,
  register,
  signIn,
  staffSignIn,
  test,
  waitForHydration,
} from './support';

test('a forgotten password is reset with a code, and the new one signs in', async ({ page, consoleErrors }) => {
  // Resident 11 of the demo data: nobody else's test signs in as them.
  const mobile = '13800000011';
  await page.goto('/sign-in');
  await page.getByRole('link', { name: '重设密码' }).click();
  await expect(page).toHaveURL(/\/password-reset$/);
  await waitForHydration(page);
  await page.getByLabel('手机号码').fill(mobile);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.getByTestId('code-sent')).toContainText(maskedMobile(mobile));
  await expect(page.getByLabel('手机号码')).toHaveValue(mobile);
  await page.getByLabel('短信验证码').fill(codeSentTo(mobile));
  await page.getByLabel('新密码').fill('a new sentence to remember');
  await page.getByRole('button', { name: '设置新密码' }).click();
  await expect(page).toHaveURL(/\/sign-in\?reset=1$/);
  await expect(page.getByTestId('password-reset-done')).toBeVisible();
  await signIn(page, mobile, 'a new sentence to remember');
  expect(consoleErrors).toEqual([]);
});

test('a claim with another number waits for the window, where a clerk confirms the person', async ({
  page,
  openPage,
}) => {
  // Demo resident 202 is in the register with a number but has no account. The window
  // clerk reads the name and ID number off the card; here the supervisor's console does.
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  const record = await (await supervisor.request.get('/api/v1/staff/residents/202')).json();
  const revealed = await supervisor.request.post('/api/v1/staff/residents/202/reveal', {
    data: { field: 'id_number', reason: '窗口核验身份的测试' },
  });
  const idNumber: string = (await revealed.json()).value;

  const mobile = `139${String(Date.now() % 100_000_000).padStart(8, '0')}`;
  const password = 'the claimed record password';
  await register(page, { name: record.name, mobile, idNumber, password });
  await expect(page).toHaveURL(/\/register\/identity-check$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('请到窗口核验身份');
  await page.goto('/sign-in');
  await page.getByLabel('手机号码或身份证号').fill(mobile);
  await page.getByLabel('密码').fill(password);
  await page.getByRole('button', { name: '登录' }).click();
  await expect(page.locator('.error-summary')).toContainText('等待身份核验');

  const clerk = await openPage();
  await staffSignIn(clerk, 'mz_clerk');
  await clerk.getByRole('link', { name: '身份核验' }).click();
  await expect(clerk).toHaveURL(/\/admin\/identity-checks$/);
  await clerk.getByLabel('身份证号码（按证件输入）').fill(idNumber);
  await clerk.getByRole('button', { name: '查找认领' }).click();
  const claim = clerk.getByTestId('pending-claim');
  await expect(claim).toContainText(record.name);
  await expect(claim).toContainText(maskedMobile(mobile));
  await claim.getByRole('button', { name: '核验通过，开通账号' }).click();
  await expect(clerk.getByTestId('console-done')).toBeVisible();

  await signIn(page, mobile, password);
  await expect(page).toHaveURL(/\/me\/applications/);
});

test('an administrator disables a staff account and enables it again', async ({ page, openPage }) => {
  await staffSignIn(page, 'admin');
  await page.goto('/admin/sessions');
  const row = page.getByTestId('staff-accounts').locator('tr[data-username="yb_reviewer"]');
  await row.getByRole('button', { name: '停用' }).click();
  await expect(page.getByTestId('console-done')).toBeVisible();
  await expect(row).toContainText('已停用');

  const colleague = await openPage();
  await colleague.goto('/admin/sign-in');
  await colleague.getByLabel('用户名').fill('yb_reviewer');
  await colleague.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await colleague.getByRole('button', { name: '登录' }).click();
  await expect(colleague.getByRole('alert')).toBeVisible();
  await expect(colleague).toHaveURL(/\/admin\/sign-in/);

  await row.getByRole('button', { name: '启用' }).click();
  await expect(row).toContainText('在用');
  await staffSignIn(colleague, 'yb_reviewer');
});
