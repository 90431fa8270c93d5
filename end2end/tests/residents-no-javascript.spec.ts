/**
 * The resident flow with JavaScript off (or the WASM failing to load): sign in, apply with an
 * attachment, be asked for a supplement, resubmit, and track it, all as plain
 * server-rendered forms.
 */
import {
  actAsStaff,
  PDF,
  answerQuestions,
  attachMaterials,
  expect,
  idNumber,
  register,
  serviceWithUploads,
  signIn,
  test,
} from './support';

test.use({ javaScriptEnabled: false });

test('apply, answer a supplement and track it without JavaScript', async ({ page }) => {
  await signIn(page, '13800000002');
  const service = await serviceWithUploads(page);
  await page.goto(`/apply/${service.code}`);

  // Submitting with nothing filled in: the problems come back, the draft is kept.
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/edit\?check=1/);
  await expect(page.locator('.error-summary h2')).toHaveText(/^错误：有 \d+ 处需要修改/);
  await expect(page.locator('.error-summary')).toContainText('请上传此项材料');

  await answerQuestions(page, service);
  await attachMaterials(page, service);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  const number = page.url().match(/MS-\d{8}-\d{6}/)![0];
  await expect(page.locator('.key-facts .chip')).toHaveText('已提交');

  // The department accepts and asks for a clearer copy of the first material.
  const material = service.materials.findIndex((m) => m.required && m.form !== 'exempt');
  actAsStaff(number, 'accept');
  actAsStaff(number, 'supplement', '--note', '请上传清晰的扫描件', '--materials', String(material));
  await page.reload();
  await expect(page.locator('.key-facts .chip')).toHaveText('待补正');
  await expect(page.locator('.supplement__note')).toHaveText('请上传清晰的扫描件');

  await page.getByRole('link', { name: '去补正材料' }).click();
  await expect(page.locator('.field--asked')).toHaveCount(1);
  await page
    .locator(`input[type="file"][name="material_${material}"]`)
    .setInputFiles({ name: '清晰版.pdf', mimeType: 'application/pdf', buffer: PDF });
  await page.getByRole('button', { name: '补正后重新提交' }).click();

  await expect(page).toHaveURL(new RegExp(`/me/applications/${number}`));
  await expect(page.locator('.key-facts .chip')).toHaveText('已受理');
  const steps = page.locator('.timeline__what');
  await expect(steps).toHaveText(['已提交', '已受理', '待补正', '已补正并重新提交']);
  await expect(page.locator('.file-list')).toContainText('清晰版.pdf');

  // My applications lists it with its due date.
  await page.goto('/me/applications');
  await expect(page.locator(`article[data-number="${number}"] .application-card__due`)).toContainText('承诺办结');
});

test('signing out ends the session', async ({ page }) => {
  await signIn(page, '13800000003');
  await page.getByRole('button', { name: '退出' }).click();
  await expect(page).toHaveURL('/');
  await page.goto('/me/applications');
  await expect(page).toHaveURL(/\/sign-in\?next=/);
});

test('register without JavaScript, problems first, then in', async ({ page }) => {
  const unique = (Date.now() + 7) % 100_000_000;
  await page.goto('/register');
  await page.getByLabel('姓名').fill('无脚本居民');
  await page.getByLabel('手机号码').fill('123');
  await page.getByRole('button', { name: '获取验证码' }).click();
  await expect(page.locator('.error-summary')).toContainText('手机号码');
  await register(page, {
    name: '无脚本居民',
    mobile: `137${String(unique).padStart(8, '0')}`,
    idNumber: idNumber(unique),
    password: 'a sentence I remember',
  });
  await expect(page).toHaveURL(/\/me\/applications$/);
  await expect(page.getByText('您还没有办件。')).toBeVisible();
});
