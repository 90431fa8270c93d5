/**
 * A resident's one-stop flow in the browser: register, sign in, apply with an attachment,
 * see it in "my applications" with its due date, and watch a staff-side change arrive on the
 * open timeline without a reload.
 */
import {
  actAsStaff,
  PUSH_CROSSES_PROCESSES,
  answerQuestions,
  attachMaterials,
  expect,
  expectNoReload,
  idNumber,
  register,
  markNoReload,
  serviceWithUploads,
  signIn,
  test,
  waitForHydration,
} from './support';

test('a new resident proves the number with a code, registers and lands on "my applications"', async ({ page, consoleErrors }) => {
  const unique = Date.now() % 100_000_000;
  await register(page, {
    name: '测试居民',
    mobile: `139${String(unique).padStart(8, '0')}`,
    idNumber: idNumber(unique),
    password: 'a sentence I remember',
  });
  await expect(page).toHaveURL(/\/me\/applications$/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我的办件');
  await expect(page.getByText('您还没有办件。')).toBeVisible();
  await expect(page.getByRole('link', { name: '我的资料' })).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('registration problems are listed at the top and next to each field', async ({ page }) => {
  await page.goto('/register');
  await page.getByLabel('姓名').fill('测试居民');
  await page.getByLabel('手机号码').fill('12345');
  await page.getByRole('button', { name: '获取验证码' }).click();
  const summary = page.locator('.error-summary');
  await expect(summary).toBeVisible();
  await expect(summary.getByRole('heading')).toHaveText(/^错误：/);
  await expect(summary.getByRole('link', { name: /手机号码/ })).toHaveAttribute('href', '#field-mobile');
  await expect(page.locator('#field-mobile')).toHaveAttribute('aria-invalid', 'true');

  const mobile = `139${String((Date.now() + 3) % 100_000_000).padStart(8, '0')}`;
  await page.getByLabel('手机号码').fill(mobile);
  await page.getByRole('button', { name: '获取验证码' }).click();
  await page.getByLabel('短信验证码').fill('000000');
  await page.getByLabel('身份证号码').fill('110105194912310021');
  await page.getByLabel('密码').fill('12345678');
  await page.getByRole('button', { name: '注册并登录' }).click();
  await expect(summary.getByRole('link', { name: /身份证号码/ })).toHaveAttribute('href', '#field-id_number');
  await expect(page.locator('#field-password-error')).toContainText('太常见');
  // What was typed is kept, except secrets.
  await expect(page.getByLabel('姓名')).toHaveValue('测试居民');
  await expect(page.getByLabel('手机号码')).toHaveValue(mobile);
  await expect(page.getByLabel('身份证号码')).toHaveValue('');
});

test('a resident applies with an attachment and sees it with its due date', async ({ page, consoleErrors }) => {
  await signIn(page, '13800000001');
  const service = await serviceWithUploads(page);
  await page.goto(`/apply/${service.code}`);
  await waitForHydration(page);
  await expect(page.locator('form[enctype="multipart/form-data"]')).toBeVisible();
  // Prefilled from the profile ("fill once").
  await expect(page.locator('[name="applicant_mobile"]')).toHaveValue('13800000001');
  await answerQuestions(page, service);
  await attachMaterials(page, service);
  await page.getByRole('button', { name: '提交申请' }).click();

  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  const number = page.url().match(/MS-\d{8}-\d{6}/)![0];
  await expect(page.locator('.application__number')).toHaveText(number);
  await expect(page.locator('.key-facts .chip')).toHaveText('已提交');
  await expect(page.locator('.application__due')).toContainText('受理后');
  await expect(page.locator('.timeline__item')).toHaveCount(1);
  await expect(page.locator('.file-list a').first()).toHaveAttribute('href', /\/api\/v1\/me\/attachments\/\d+/);

  await page.getByRole('link', { name: '返回我的办件' }).click();
  const card = page.locator(`article.application-card[data-number="${number}"]`);
  await expect(card).toBeVisible();
  await expect(card.locator('.chip')).toHaveText('已提交');
  expect(consoleErrors).toEqual([]);
});

test('a staff-side change appears on the open timeline within a second, without a reload', async ({ page }) => {
  test.skip(!PUSH_CROSSES_PROCESSES, 'needs the PostgreSQL e2e server');
  await signIn(page, '13800000001');
  const service = await serviceWithUploads(page);
  await page.goto(`/apply/${service.code}`);
  await answerQuestions(page, service);
  await attachMaterials(page, service);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/submitted=1/);
  const number = page.url().match(/MS-\d{8}-\d{6}/)![0];
  await waitForHydration(page);
  await page.locator('[data-live="connected"]').waitFor({ state: 'attached' });
  await markNoReload(page);
  const unreadBefore = Number((await page.locator('[data-testid="unread-badge"]').textContent())?.match(/\d+/)?.[0] ?? 0);

  actAsStaff(number, 'accept');
  await expect(page.locator('.timeline__item').last().locator('.timeline__what')).toHaveText('已受理', {
    timeout: 1_500,
  });
  await expect(page.locator('.key-facts .chip')).toHaveText('已受理');
  await expect(page.locator('.application__due time')).toBeVisible();
  await expect(page.locator('[data-testid="unread-badge"]')).toContainText(String(unreadBefore + 1));
  await expect(page.locator('.live-region')).toContainText(number);
  await expectNoReload(page);
});

test('a draft saves itself and resumes on another device', async ({ page, browser }) => {
  await signIn(page, '13800000006');
  const service = await serviceWithUploads(page);
  await page.goto(`/apply/${service.code}`);
  await waitForHydration(page);
  const text = service.form_fields.find((f) => f.kind === 'text' && !f.key.startsWith('applicant_'));
  expect(text, 'the service asks a text question of its own').toBeTruthy();
  await page.locator(`[name="${text!.key}"]`).fill('自动保存的回答');
  await page.locator(`[name="${text!.key}"]`).blur();
  await expect(page.getByTestId('autosave')).toContainText('草稿已自动保存于');

  // Another device: a fresh browser context, the same account.
  const other = await browser.newContext({ viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const phone = await other.newPage();
  await signIn(phone, '13800000006');
  await phone.goto(`/apply/${service.code}`);
  await expect(phone.locator(`[name="${text!.key}"]`)).toHaveValue('自动保存的回答');
  await expect(phone.locator('.apply__number')).toHaveText(/MS-\d{8}-\d{6}/);
  // A draft is not an application yet: "my applications" shows it as a draft.
  await phone.goto('/me/applications');
  await expect(phone.locator('article.application-card .chip').first()).toHaveText('草稿');
  await other.close();
});

test('signing out everywhere ends the session on every device', async ({ page, openPage }) => {
  const mobile = '13800000078';
  await signIn(page, mobile);
  const borrowed = await openPage();
  await signIn(borrowed, mobile);

  await page.goto('/me/profile');
  const section = page.getByTestId('sign-out-everywhere');
  await expect(section.getByRole('heading', { level: 2 })).toHaveText('登录设备');
  await section.getByRole('button', { name: '在所有设备上退出登录' }).click();
  await expect(page).toHaveURL(/\/sign-in$/);

  // The other device is signed out too: its next page asks it to sign in.
  await borrowed.goto('/me/applications');
  await expect(borrowed).toHaveURL(/\/sign-in/);
  await page.goto('/me/applications');
  await expect(page).toHaveURL(/\/sign-in/);
});
