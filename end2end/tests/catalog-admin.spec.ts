/**
 * Catalogue management in the staff console (/admin/catalog, administrators only): a new
 * service starts as a draft that residents cannot see, is published and unpublished from the
 * catalogue list; a form with problems comes back with the error and what was typed; a
 * change of a published service's questions raises its form version while an application
 * already submitted keeps the questions it was made with; and a clerk may not use it.
 *
 * Every test creates services of its own under a fresh code, so tests do not depend on each
 * other and a rerun against the same database does not collide with an earlier one.
 */
import type { Locator, Page } from '@playwright/test';
import { expect, fillEveryQuestion, signIn, staffSignIn, test, waitForHydration } from './support';

/** A catalogue code no other test (or earlier run) has used: `MZ-T12345` plus a tail. */
function uniqueCode(): string {
  const tail = Math.floor(Math.random() * 36 * 36)
    .toString(36)
    .toUpperCase()
    .padStart(2, '0');
  return `MZ-T${Date.now() % 100000}${tail}`;
}

type MaterialRow = { zh: string; en?: string; form?: string; required?: boolean; note?: string };
type QuestionRow = {
  key: string;
  zh: string;
  en?: string;
  kind?: string;
  required?: boolean;
  options?: string[];
};
type ServiceInput = {
  code: string;
  name: string;
  summary?: string;
  audience?: string;
  department?: string;
  /** A category code; the form's first category when left out. */
  category?: string;
  promised?: number;
  legal?: number;
  online?: string;
  /** Codes of life events to tick. */
  lifeEvents?: string[];
  materials?: MaterialRow[];
  questions?: QuestionRow[];
};

/** A field of the service form by its `name` (numbered rows: `material_name_zh.0`, …). */
function field(form: Locator, name: string): Locator {
  return form.locator(`[name="${name}"]`);
}

/** The service form on the page. */
function serviceForm(page: Page): Locator {
  return page.getByTestId('service-form');
}

/** Fills the questions of a service form: material and question rows from row 0. */
async function fillRows(form: Locator, materials: MaterialRow[], questions: QuestionRow[]): Promise<void> {
  for (const [row, m] of materials.entries()) {
    await field(form, `material_name_zh.${row}`).fill(m.zh);
    await field(form, `material_name_en.${row}`).fill(m.en ?? '');
    await field(form, `material_form.${row}`).selectOption(m.form ?? 'copy');
    await field(form, `material_required.${row}`).setChecked(m.required ?? false);
    await field(form, `material_note.${row}`).fill(m.note ?? '');
  }
  for (const [row, q] of questions.entries()) {
    await field(form, `field_key.${row}`).fill(q.key);
    await field(form, `field_label_zh.${row}`).fill(q.zh);
    await field(form, `field_label_en.${row}`).fill(q.en ?? '');
    await field(form, `field_kind.${row}`).selectOption(q.kind ?? 'text');
    await field(form, `field_required.${row}`).setChecked(q.required ?? false);
    await field(form, `field_options.${row}`).fill((q.options ?? []).join('\n'));
  }
}

/** Opens the new-service form from the catalogue list and fills it (does not save). */
async function fillNewService(page: Page, service: ServiceInput): Promise<void> {
  await page.goto('/admin/catalog');
  await page.getByRole('link', { name: '新建事项', exact: true }).click();
  await expect(page).toHaveURL(/\/admin\/catalog\/services\/new$/);
  const form = serviceForm(page);
  await expect(form).toBeVisible();
  await waitForHydration(page);
  await expect(page.locator('#svc-code')).toBeEditable();
  await page.locator('#svc-code').fill(service.code);
  await page.locator('#svc-name').fill(service.name);
  await page.locator('#svc-name_en').fill(`Test service ${service.code}`);
  await page.locator('#svc-summary').fill(service.summary ?? `浏览器测试创建的事项 ${service.code}。`);
  await page.locator('#svc-audience').fill(service.audience ?? '本区户籍居民。');
  await page.locator('#svc-department').selectOption(service.department ?? 'mz');
  const category =
    service.category ?? (await page.locator('#svc-category option').first().getAttribute('value'))!;
  await page.locator('#svc-category').selectOption(category);
  await page.locator('#svc-promised').fill(String(service.promised ?? 3));
  await page.locator('#svc-legal').fill(String(service.legal ?? 10));
  await page.locator('#svc-fee').fill('0');
  await page.locator('#svc-online').selectOption(service.online ?? 'fully_online');
  for (const event of service.lifeEvents ?? []) {
    await page.locator(`#svc-le-${event}`).check();
  }
  await fillRows(form, service.materials ?? [], service.questions ?? []);
}

/** Saves the form on the page and waits for the saved service's page. */
async function saveService(page: Page, code: string): Promise<void> {
  await serviceForm(page).getByRole('button', { name: '保存', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/admin/catalog/services/${code}(\\?at=\\d+)?$`));
  await expect(page.getByTestId('console-done')).toHaveText('已保存。');
  await expect(page.getByTestId('console-error')).toHaveCount(0);
}

/** Creates a service through the console's form; the page is left on the saved service. */
async function createService(page: Page, service: ServiceInput): Promise<void> {
  await fillNewService(page, service);
  await saveService(page, service.code);
}

/** The service's row in the catalogue list. */
function catalogRow(page: Page, code: string): Locator {
  return page.locator(`[data-testid="catalog-services"] tr[data-code="${code}"]`);
}

/** Publishes or unpublishes the service with its button in the catalogue list. */
async function setStatus(page: Page, code: string, verb: 'publish' | 'unpublish'): Promise<void> {
  await page.goto('/admin/catalog');
  const row = catalogRow(page, code);
  const button = row.locator(`button[data-verb="${verb}"]`);
  await expect(button).toHaveText(verb === 'publish' ? '发布' : '下线');
  await button.click();
  await expect(page).toHaveURL(/\/admin\/catalog\?at=\d+$/);
  await expect(page.getByTestId('console-error')).toHaveCount(0);
  await expect(row).toHaveAttribute('data-status', verb === 'publish' ? 'published' : 'unpublished');
}

/** The HTTP status of the public service page, read by opening it. */
async function publicStatus(page: Page, code: string): Promise<number | undefined> {
  const response = await page.goto(`/services/${code}`);
  return response?.status();
}

/**
 * Signs a resident in with the first demo account of `mobiles` that works (a demo
 * resident without an account, or a child, has no password) and returns its mobile.
 */
async function signInResident(page: Page, mobiles: string[]): Promise<string> {
  for (const mobile of mobiles) {
    try {
      await signIn(page, mobile);
      return mobile;
    } catch {
      // Not an account: try the next one.
    }
  }
  throw new Error(`none of the demo accounts ${mobiles.join(', ')} could sign in`);
}

test('an administrator creates a draft service, publishes it and takes it off again', async ({
  openPage,
}) => {
  test.slow();
  const code = uniqueCode();
  const name = `测试事项${code}`;
  const material = `测试材料${code}`;
  const question = '是否首次申请';
  const admin = await openPage();
  await staffSignIn(admin, 'admin');
  await expect(
    admin.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '事项管理' }),
  ).toHaveAttribute('href', '/admin/catalog');

  await createService(admin, {
    code,
    name,
    department: 'mz',
    promised: 3,
    legal: 10,
    materials: [{ zh: material, en: 'Test material', form: 'original', required: true }],
    questions: [
      {
        key: 'first_time',
        zh: question,
        en: 'First application?',
        kind: 'choice',
        required: true,
        options: ['是|Yes', '否|No'],
      },
    ],
  });

  // The saved service is a draft at form version 1, and the form shows what was stored.
  await expect(admin.getByTestId('service-state')).toContainText('草稿');
  await expect(admin.getByTestId('form-version')).toHaveText('1');
  await expect(admin.locator('h1')).toHaveText(name);
  const form = serviceForm(admin);
  await expect(admin.locator('#svc-code')).toHaveValue(code);
  await expect(admin.locator('#svc-code')).not.toBeEditable();
  await expect(admin.locator('#svc-name')).toHaveValue(name);
  await expect(admin.locator('#svc-department')).toHaveValue('mz');
  await expect(admin.locator('#svc-promised')).toHaveValue('3');
  await expect(admin.locator('#svc-legal')).toHaveValue('10');
  await expect(admin.locator('#svc-online')).toHaveValue('fully_online');
  await expect(field(form, 'material_name_zh.0')).toHaveValue(material);
  await expect(field(form, 'material_form.0')).toHaveValue('original');
  await expect(field(form, 'material_required.0')).toBeChecked();
  await expect(field(form, 'field_key.0')).toHaveValue('first_time');
  await expect(field(form, 'field_label_zh.0')).toHaveValue(question);
  await expect(field(form, 'field_kind.0')).toHaveValue('choice');
  await expect(field(form, 'field_required.0')).toBeChecked();
  await expect(field(form, 'field_options.0')).toHaveValue('是|Yes\n否|No');
  // Two blank rows follow the stored ones.
  await expect(form.locator('[data-testid="materials"] .catalog-row')).toHaveCount(3);
  await expect(form.locator('[data-testid="questions"] .catalog-row')).toHaveCount(3);
  await expect(field(form, 'material_name_zh.1')).toHaveValue('');
  await expect(field(form, 'field_key.2')).toHaveValue('');

  // The catalogue lists it as a draft, linked to its form, with a publish button.
  await admin.goto('/admin/catalog');
  const row = catalogRow(admin, code);
  await expect(row).toHaveAttribute('data-status', 'draft');
  await expect(row.getByRole('link', { name: code, exact: true })).toHaveAttribute(
    'href',
    `/admin/catalog/services/${code}`,
  );
  await expect(row).toContainText(name);
  await expect(row).toContainText('草稿');
  await expect(row.locator('button[data-verb="unpublish"]')).toHaveCount(0);

  // Residents cannot see a draft.
  const resident = await openPage();
  expect(await publicStatus(resident, code)).toBe(404);
  await expect(resident.locator('article.service-detail')).toHaveCount(0);
  expect((await resident.request.get(`/api/v1/services/${code}`)).status()).toBe(404);

  // Published: the public page shows it, with its material and question.
  await setStatus(admin, code, 'publish');
  await expect(row).toContainText('已发布');
  await expect(row.locator('button[data-verb="publish"]')).toHaveCount(0);
  expect(await publicStatus(resident, code)).toBe(200);
  const article = resident.locator(`article.service-detail[data-service-code="${code}"]`);
  await expect(article.locator('h1')).toHaveText(name);
  const materials = article.locator('ol.materials > li.material');
  await expect(materials).toHaveCount(1);
  await expect(materials.first().locator('.material__name')).toHaveText(material);
  await expect(materials.first()).toContainText('必交');
  await expect(materials.first().locator('.material__form')).toHaveText('原件');
  await expect(article.locator('ul.form-fields')).toContainText(question);
  await expect(article.locator('.fact--time')).toContainText('3');
  await expect(article.getByRole('link', { name: '在线申请' })).toHaveAttribute('href', `/apply/${code}`);
  // The editor shows the new status.
  await admin.goto(`/admin/catalog/services/${code}`);
  await expect(admin.getByTestId('service-state')).toContainText('已发布');
  await expect(admin.getByTestId('form-version')).toHaveText('1');

  // Unpublished: gone from the public side again.
  await setStatus(admin, code, 'unpublish');
  await expect(catalogRow(admin, code)).toContainText('已下线');
  await expect(catalogRow(admin, code).locator('button[data-verb="publish"]')).toHaveText('发布');
  expect(await publicStatus(resident, code)).toBe(404);
  await expect(resident.locator('article.service-detail')).toHaveCount(0);
  expect((await resident.request.get(`/api/v1/services/${code}`)).status()).toBe(404);
});

test('a service form with problems comes back with the errors and what was typed', async ({ openPage }) => {
  const code = uniqueCode();
  const summary = `写错了的事项 ${code}`;
  const admin = await openPage();
  await staffSignIn(admin, 'admin');
  await fillNewService(admin, {
    code,
    name: '',
    summary,
    department: 'mz',
    promised: 3,
    legal: 10,
    lifeEvents: ['turning_60'],
    materials: [{ zh: '户口簿', required: true, form: 'original' }],
    questions: [
      { key: 'bad key', zh: '有空格的键', kind: 'choice', required: true, options: ['甲|A', '乙|B'] },
    ],
  });
  const form = serviceForm(admin);
  await form.getByRole('button', { name: '保存', exact: true }).click();

  // Back on the new-service form with the problems, field by field.
  await expect(admin).toHaveURL(/\/admin\/catalog\/services\/new\?at=\d+$/);
  const error = admin.locator('[data-testid="console-error"][data-error-code="ValidationFailed"]');
  await expect(error).toBeVisible();
  await expect(error).toContainText('填写的内容有误');
  await expect(error.locator('li', { hasText: /^name: / })).toHaveText('name: 此项必填。');
  await expect(error.locator('li', { hasText: /^form_fields\.0\.key: / })).toContainText('格式不正确');
  // Only those two: what was right is not reported.
  await expect(error.locator('li')).toHaveCount(2);
  await expect(admin.getByTestId('console-done')).toHaveCount(0);
  await expect(admin.getByTestId('service-state')).toHaveCount(0);

  // What was typed is still there.
  await expect(admin.locator('#svc-code')).toHaveValue(code);
  await expect(admin.locator('#svc-name')).toHaveValue('');
  await expect(admin.locator('#svc-name_en')).toHaveValue(`Test service ${code}`);
  await expect(admin.locator('#svc-summary')).toHaveValue(summary);
  await expect(admin.locator('#svc-audience')).toHaveValue('本区户籍居民。');
  await expect(admin.locator('#svc-department')).toHaveValue('mz');
  await expect(admin.locator('#svc-promised')).toHaveValue('3');
  await expect(admin.locator('#svc-legal')).toHaveValue('10');
  await expect(admin.locator('#svc-online')).toHaveValue('fully_online');
  await expect(admin.locator('#svc-le-turning_60')).toBeChecked();
  await expect(admin.locator('#svc-le-newborn')).not.toBeChecked();
  await expect(field(form, 'material_name_zh.0')).toHaveValue('户口簿');
  await expect(field(form, 'material_form.0')).toHaveValue('original');
  await expect(field(form, 'material_required.0')).toBeChecked();
  await expect(field(form, 'field_key.0')).toHaveValue('bad key');
  await expect(field(form, 'field_label_zh.0')).toHaveValue('有空格的键');
  await expect(field(form, 'field_kind.0')).toHaveValue('choice');
  await expect(field(form, 'field_required.0')).toBeChecked();
  await expect(field(form, 'field_options.0')).toHaveValue('甲|A\n乙|B');
  await expect(form.locator('[data-testid="questions"] .catalog-row')).toHaveCount(3);

  // Nothing was created.
  await admin.goto('/admin/catalog');
  await expect(admin.getByTestId('catalog-services').locator('tbody tr').first()).toBeVisible();
  await expect(catalogRow(admin, code)).toHaveCount(0);
  expect((await admin.goto(`/admin/catalog/services/${code}`))?.status()).toBe(404);
  expect((await admin.request.get(`/api/v1/services/${code}`)).status()).toBe(404);

  // Corrected, the same form saves.
  await fillNewService(admin, {
    code,
    name: `改正后的事项${code}`,
    summary,
    materials: [{ zh: '户口簿', required: true, form: 'original' }],
    questions: [{ key: 'good_key', zh: '没有空格的键', kind: 'text' }],
  });
  await saveService(admin, code);
  await expect(admin.getByTestId('service-state')).toContainText('草稿');
});

test('changing a published form raises its version; a submitted application keeps its questions', async ({
  page,
  openPage,
}) => {
  test.slow();
  const code = uniqueCode();
  const name = `表单版本测试${code}`;
  const key = 'purpose';
  const admin = await openPage();
  await staffSignIn(admin, 'admin');
  await createService(admin, {
    code,
    name,
    // Optional, so that the resident needs no upload.
    materials: [{ zh: '情况说明', form: 'copy', required: false }],
    questions: [{ key, zh: '旧问题', en: 'Old question', kind: 'text', required: true }],
  });
  await expect(admin.getByTestId('form-version')).toHaveText('1');
  await setStatus(admin, code, 'publish');

  // A resident applies with the form as it is now.
  await signInResident(page, ['13800000030', '13800000031', '13800000032', '13800000033', '13800000034']);
  await page.goto(`/apply/${code}`);
  await expect(page.locator(`article.apply[data-service-code="${code}"]`)).toBeVisible();
  await waitForHydration(page);
  await expect(page.locator(`label[for="field-${key}"]`)).toHaveText('旧问题');
  await fillEveryQuestion(page);
  await expect(page.locator(`[name="${key}"]`)).toHaveValue('测试');
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  const number = page.url().match(/MS-\d{8}-\d{6}/)![0];
  const answers = page.locator('dl.answers');
  await expect(answers.locator('dt', { hasText: '旧问题' })).toHaveCount(1);
  await expect(answers.locator('div', { hasText: '旧问题' }).locator('dd')).toHaveText('测试');

  // A change of the summary alone leaves the form version as it is.
  await admin.goto(`/admin/catalog/services/${code}`);
  await expect(admin.getByTestId('form-version')).toHaveText('1');
  const form = serviceForm(admin);
  await waitForHydration(admin);
  await admin.locator('#svc-summary').fill(`只改了简介 ${code}`);
  await saveService(admin, code);
  await expect(admin.locator('#svc-summary')).toHaveValue(`只改了简介 ${code}`);
  await expect(admin.getByTestId('form-version')).toHaveText('1');

  // The administrator renames the question: the form version goes up by one.
  await expect(field(form, 'field_label_zh.0')).toHaveValue('旧问题');
  await waitForHydration(admin);
  await field(form, 'field_label_zh.0').fill('新问题');
  await field(form, 'field_label_en.0').fill('New question');
  await saveService(admin, code);
  await expect(admin.getByTestId('form-version')).toHaveText('2');
  await expect(admin.getByTestId('service-state')).toContainText('已发布');
  await expect(field(serviceForm(admin), 'field_label_zh.0')).toHaveValue('新问题');
  await admin.goto('/admin/catalog');
  await expect(catalogRow(admin, code).locator('td').nth(4)).toHaveText('2');

  // The submitted application keeps the question it was answered under.
  await page.goto(`/me/applications/${number}`);
  await expect(page.locator('.application__number')).toHaveText(number);
  await expect(answers.locator('dt', { hasText: '旧问题' })).toHaveCount(1);
  await expect(answers.locator('div', { hasText: '旧问题' }).locator('dd')).toHaveText('测试');
  await expect(answers).not.toContainText('新问题');

  // The public page and a new application show the new question.
  await page.goto(`/services/${code}`);
  const questions = page.locator('article.service-detail ul.form-fields');
  await expect(questions).toContainText('新问题');
  await expect(questions).not.toContainText('旧问题');
  await page.goto(`/apply/${code}`);
  await expect(page.locator(`label[for="field-${key}"]`)).toHaveText('新问题');
  await expect(page.locator('article.apply')).not.toContainText('旧问题');
});

test('a clerk may not manage the catalogue', async ({ openPage }) => {
  const clerk = await openPage();
  await staffSignIn(clerk, 'mz_clerk');
  const nav = clerk.getByRole('navigation', { name: '工作台导航' });
  await expect(nav.getByRole('link', { name: '待办队列' })).toBeVisible();
  await expect(nav.getByRole('link', { name: '事项管理' })).toHaveCount(0);

  // Not by its address either.
  const response = await clerk.goto('/admin/catalog');
  expect(response?.status()).toBe(403);
  await expect(clerk.locator('[data-error-code="Forbidden"]')).toContainText('您无权查看或办理此事项。');
  await expect(clerk.getByTestId('catalog-services')).toHaveCount(0);
  await expect(clerk.getByRole('navigation', { name: '工作台导航' }).getByRole('link', { name: '事项管理' })).toHaveCount(0);
  const editor = await clerk.goto('/admin/catalog/services/new');
  expect(editor?.status()).toBe(403);
  await expect(clerk.getByTestId('service-form')).toHaveCount(0);

  // A form posted anyway (as from an old page) creates nothing.
  const code = uniqueCode();
  await clerk.evaluate((code) => {
    const form = document.createElement('form');
    form.method = 'post';
    form.action = '/admin/forms/catalog/services';
    const values: Record<string, string> = {
      code,
      name: `文员创建的事项${code}`,
      summary: '不应创建',
      audience: '任何人',
      department: 'mz',
      category: 'social_aid',
      promised_days: '1',
      legal_days: '1',
      fee_cents: '0',
      online_level: 'guide',
    };
    for (const [name, value] of Object.entries(values)) {
      const input = document.createElement('input');
      input.type = 'hidden';
      input.name = name;
      input.value = value;
      form.append(input);
    }
    document.body.append(form);
    form.submit();
  }, code);
  await expect(clerk).toHaveURL(/\/admin\/catalog\/services\/new\?at=\d+$/);
  await expect(clerk.locator('[data-error-code="Forbidden"]').first()).toBeVisible();
  await expect(clerk.getByTestId('console-done')).toHaveCount(0);

  const admin = await openPage();
  await staffSignIn(admin, 'admin');
  await admin.goto('/admin/catalog');
  await expect(admin.getByTestId('catalog-services').locator('tbody tr').first()).toBeVisible();
  await expect(catalogRow(admin, code)).toHaveCount(0);
});
