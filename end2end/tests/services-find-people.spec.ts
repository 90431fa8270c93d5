/**
 * Services find people (事项找人) in the browser, the "done when": a supervisor builds
 * the segment "aged 60+ living alone in 西湖区" with form controls and sees its count and
 * breakdown change as she edits, saves it, and sends a campaign for a service; a demo
 * resident in that segment who has "为您推荐" open sees the recommendation arrive without
 * reloading, with its reason, applies with the form prefilled, and the campaign's figures
 * count the application. Also: the builder works without JavaScript.
 *
 * 林辉 (13800000124) is one of the demo's 60+ residents living alone in 西湖区 with an account
 * and consent to proactive messages; no other browser test uses him. RS-0206 (pension
 * eligibility certification) is a service he never applied for.
 */
import { expect, signIn, staffSignIn, test, waitForHydration } from './support';

const RESIDENT = '13800000124';
const SERVICE = 'RS-0206';

test('a supervisor’s campaign reaches a resident live, who applies from it', async ({
  page,
  openPage,
  consoleErrors,
}) => {
  test.slow();
  // The resident has the "for you" page open.
  await signIn(page, RESIDENT);
  await page.goto('/for-you');
  await waitForHydration(page);
  await expect(page.getByRole('heading', { level: 1, name: '为您推荐' })).toBeVisible();
  await expect(page.locator('[data-testid="unread-badge"][data-live="connected"]')).toBeAttached();

  // The supervisor builds the segment with form controls; the preview follows the edit.
  const staff = await openPage();
  await staffSignIn(staff, 'supervisor');
  await staff.getByRole('link', { name: '人群圈选', exact: true }).click();
  await expect(staff).toHaveURL(/\/admin\/segments$/);
  await waitForHydration(staff);
  const builder = staff.getByTestId('segment-builder');
  await builder.getByLabel('年龄不小于').fill('60');
  await builder.getByLabel('年龄不小于').press('Tab');
  const count = staff.getByTestId('segment-count');
  await expect(count).toBeVisible();
  const everyone60 = Number(await count.textContent());
  expect(everyone60).toBeGreaterThan(0);
  await builder.getByLabel('独居（户内无其他成员）').check();
  await expect(count).not.toHaveText(String(everyone60));
  const aloneCitywide = Number(await count.textContent());
  expect(aloneCitywide).toBeGreaterThanOrEqual(10);
  expect(aloneCitywide).toBeLessThan(everyone60);
  // Ages: nobody under 60; names masked in the sample, ages only as bands.
  await expect(staff.getByTestId('segment-ages').locator('tbody tr').first()).toContainText('0');
  const sample = staff.getByTestId('segment-sample');
  const sampleNames = await sample.locator('tbody tr td:first-child').allTextContents();
  expect(sampleNames.length).toBeGreaterThan(0);
  for (const name of sampleNames) expect(name).toMatch(/^.\*+$/);
  for (const band of await sample.locator('tbody tr td:nth-child(2)').allTextContents()) {
    expect(band).toMatch(/^(60–69岁|70–79岁|80岁及以上)$/);
  }
  // In one district they are few: the count says "< 10" and no sample names them.
  await builder.getByLabel('居住地区').selectOption({ label: '西湖区' });
  await expect(staff.getByTestId('segment-districts').locator('tbody tr')).toHaveCount(1);
  await expect(staff.getByTestId('segment-districts')).toContainText('西湖区');
  await expect(count).toHaveText('< 10');
  await expect(sample.locator('tbody tr')).toHaveCount(0);
  const fewerThanTen = 9;

  const segmentName = `西湖区独居老人 ${Date.now().toString(36)}`;
  const save = staff.getByTestId('segment-save');
  await save.getByLabel('人群名称').fill(segmentName);
  await save.getByRole('button', { name: '保存人群' }).click();
  await expect(staff.getByTestId('console-done')).toBeVisible();
  const saved = staff.getByTestId('saved-segments').locator('li', { hasText: segmentName });
  await expect(saved).toBeVisible();
  await saved.getByRole('link', { name: '用它发起推送' }).click();
  await expect(staff).toHaveURL(/\/admin\/campaigns\?segment=\d+$/);

  // The campaign: a draft with its dry-run count, then sent.
  const campaignName = `养老金资格认证提醒 ${Date.now().toString(36)}`;
  const form = staff.getByTestId('campaign-new');
  await form.getByLabel('推送名称').fill(campaignName);
  await expect(form.getByLabel('目标人群')).toHaveValue(/\d+/);
  await form.getByLabel('推荐事项').selectOption(SERVICE);
  await form.getByRole('button', { name: '创建推送（草稿）' }).click();
  const row = staff.getByTestId('campaigns').locator('tr', { hasText: campaignName });
  await expect(row).toHaveAttribute('data-status', 'draft');
  const audience = Number(await row.getByTestId('campaign-audience').textContent());
  expect(audience).toBeGreaterThan(0);
  expect(audience).toBeLessThanOrEqual(fewerThanTen);
  const sentAt = Date.now();
  await row.getByRole('button', { name: '提交发送' }).click();
  await expect(staff.getByTestId('console-done')).toBeVisible();

  // The resident's page shows it without a reload, with the reason.
  const card = page.locator(`#service-${SERVICE}`);
  await expect(card).toBeVisible({ timeout: 5_000 });
  const seenAfter = Date.now() - sentAt;
  // Screen readers hear it: the page's polite live region says what arrived.
  const live = page.locator('.live-region');
  await expect(live).toHaveAttribute('aria-live', 'polite');
  await expect(live).toContainText('为您推荐：');
  // Sending happens in the background; by now it is over.
  await staff.reload();
  await expect(staff.getByTestId('campaigns').locator('tr', { hasText: campaignName })).toHaveAttribute('data-status', 'sent');
  test.info().annotations.push({ type: 'push latency (ms, incl. the console round trip)', description: String(seenAfter) });
  await expect(card.getByTestId('recommendation-reason')).toHaveText(/^因为您年满60周岁、居住在西湖区，并独居/);

  // One tap to apply: the form comes prefilled from the record.
  await card.getByRole('button', { name: '去办理' }).click();
  await expect(page).toHaveURL(new RegExp(`/apply/${SERVICE}\\?from=recommendation-\\d+$`));
  await waitForHydration(page);
  await expect(page.locator('[name="applicant_mobile"]')).toHaveValue(RESIDENT);
  await page.locator('[name="auth_method"]').selectOption('刷脸自助认证');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);

  // The campaign counts the application.
  await staff.reload();
  const after = staff.getByTestId('campaigns').locator('tr', { hasText: campaignName });
  await expect(after.getByTestId('campaign-applied')).toHaveText('1');

  // And it is no longer recommended.
  await page.goto('/for-you');
  await expect(page.locator(`#service-${SERVICE}`)).toHaveCount(0);
  expect(consoleErrors).toEqual([]);
});

test('the segment builder works without JavaScript', async ({ browser, baseURL }) => {
  const context = await browser.newContext({ baseURL, javaScriptEnabled: false, locale: 'zh-CN' });
  const page = await context.newPage();
  await staffSignIn(page, 'supervisor');
  await page.goto('/admin/segments');
  await page.getByLabel('年龄不小于').fill('80');
  await page.getByRole('button', { name: '更新圈选结果' }).click();
  await expect(page).toHaveURL(/age_min=80/);
  const count = Number(await page.getByTestId('segment-count').textContent());
  expect(count).toBeGreaterThan(0);
  // Bad input: a clear problem, no count.
  await page.getByLabel('年龄不小于').fill('90');
  await page.getByLabel('年龄不大于').fill('70');
  await page.getByRole('button', { name: '更新圈选结果' }).click();
  await expect(page.getByTestId('segment-problems')).toBeVisible();
  await expect(page.getByTestId('segment-count')).toHaveCount(0);
  await context.close();
});
