/**
 * Rating a finished application (好差评) and the closed loop behind a bad review: the resident
 * rates a completed application, a bad review opens a rectification that the department
 * answers in the console, the resident re-rates the answer, an unsatisfied re-rating goes to
 * a supervisor, and the supervisor's resolution reaches the resident. A rating without a
 * score is refused with a clear error and stores nothing; the block fits a 360 px phone.
 *
 * Each test submits a fresh application and has the department's head take it to completion
 * through the staff JSON API (as the console does), so tests do not depend on each other or
 * on the demo data's ratings. Staff and residents have separate cookies: every person has a
 * browser context of their own (`openPage`).
 */
import type { BrowserContextOptions, Page } from '@playwright/test';
import {
  answerQuestions,
  attachMaterials,
  expect,
  serviceWithUploads,
  signIn,
  staffSignIn,
  test,
  waitForHydration,
  type Service,
} from './support';

type ServiceWithDepartment = Service & {
  name: { zh: string };
  department: { code: string; name: { zh: string } };
};

type Applied = { number: string; service: ServiceWithDepartment };

/** A text that appears nowhere else, to find one's own comment, answer or note. */
function unique(label: string): string {
  return `${label}-${Date.now().toString(36)}${Math.floor(Math.random() * 1e6).toString(36)}`;
}

/**
 * Signs the resident in, applies for a service that has questions and uploads, and returns
 * the new application's number and the service (with its department).
 */
async function applyAs(page: Page, mobile: string): Promise<Applied> {
  await signIn(page, mobile);
  const found = await serviceWithUploads(page);
  const service: ServiceWithDepartment = await (await page.request.get(`/api/v1/services/${found.code}`)).json();
  await page.goto(`/apply/${service.code}`);
  await answerQuestions(page, service);
  await attachMaterials(page, service);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  const number = page.url().match(/MS-\d{8}-\d{6}/)![0];
  return { number, service };
}

/**
 * The department's head (who may accept, approve and complete) takes the application to
 * completion through the staff API, signed in in a browser context of their own.
 */
async function completeAsHead(
  openPage: (options?: BrowserContextOptions) => Promise<Page>,
  applied: Applied,
): Promise<void> {
  const head = await openPage();
  await staffSignIn(head, `${applied.service.department.code}_head`);
  for (const action of ['accept', 'approve', 'complete']) {
    const response = await head.request.post(`/api/v1/staff/cases/${applied.number}/actions`, {
      data: { action },
    });
    expect(response.status(), `${action} ${applied.number}: ${await response.text()}`).toBe(200);
  }
}

/** What the resident's ratings API says of the application's one task. */
async function ratingState(page: Page, number: string): Promise<string> {
  const response = await page.request.get(`/api/v1/me/applications/${number}/ratings`);
  expect(response.status()).toBe(200);
  const prompts = (await response.json()) as { state: string }[];
  expect(prompts).toHaveLength(1);
  return prompts[0].state;
}

/** Which row of the list: by the rated application (only supervisors see it) or by id. */
type Row = { number: string } | { id: string };

/**
 * Opens the console's list of bad reviews from the header, picks the tab of `status` (the
 * default list is capped; a tab holds fewer), and opens the case of `row`. Returns the
 * rectification's id.
 */
async function openRectification(staff: Page, which: Row, status: string): Promise<string> {
  await staff
    .getByRole('navigation', { name: '工作台导航' })
    .getByRole('link', { name: '差评整改', exact: true })
    .click();
  await expect(staff).toHaveURL(/\/admin\/rectifications$/);
  await expect(staff.getByRole('heading', { level: 1, name: '差评整改' })).toBeVisible();
  await staff.locator(`nav.filter-tabs a[data-status="${status}"]`).click();
  await expect(staff).toHaveURL(new RegExp(`/admin/rectifications\\?status=${status}$`));
  const attribute = 'number' in which ? `data-number="${which.number}"` : `data-id="${which.id}"`;
  const row = staff.locator(`[data-testid="rectification-list"] li[${attribute}]`);
  await expect(row).toHaveCount(1);
  await expect(row).toHaveAttribute('data-status', status);
  await row.getByRole('link').click();
  await expect(staff).toHaveURL(/\/admin\/rectifications\/\d+$/);
  await expect(staff.locator('.rectification-case')).toBeVisible();
  return staff.url().match(/\/admin\/rectifications\/(\d+)$/)![1];
}

/** The page's width against the screen's, naming the widest offenders. */
async function expectNoSidewaysScroll(page: Page): Promise<void> {
  const layout = await page.evaluate(() => {
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
  expect(layout.innerWidth).toBe(360);
  expect(
    layout.scrollWidth,
    `page is wider than the screen; widest offenders: ${layout.wide.join(', ') || 'none found'}`,
  ).toBeLessThanOrEqual(360);
}

test('a resident rates a completed application one star; the department answers; the resident re-rates and it escalates; a supervisor resolves it', async ({
  openPage,
}) => {
  test.slow();
  const resident = await openPage();
  const applied = await applyAs(resident, '13800000040');
  const { number, service } = applied;
  const residentName: string = (await (await resident.request.get('/api/v1/me/profile')).json()).name;
  expect(residentName.length).toBeGreaterThan(0);
  await completeAsHead(openPage, applied);

  // The completed application invites a rating.
  await resident.goto(`/me/applications/${number}`);
  await waitForHydration(resident);
  await expect(resident.locator('.key-facts .chip')).toHaveText('已办结');
  const section = resident.locator('section#rating');
  await expect(section.getByRole('heading', { name: '评价这次办事' })).toBeVisible();
  const form = resident.getByTestId('rating-form');
  await expect(form).toBeVisible();
  await expect(form).toContainText('评价是自愿的，不影响办理结果');
  await expect(form.locator('input[name="score"]')).toHaveCount(5);

  // One star, a bad tag, a sub-score and a comment.
  const comment = unique('材料清单和窗口要求不一致');
  await form.getByLabel('非常不满意', { exact: true }).check();
  await form.getByLabel('办事指南准确性').selectOption({ label: '非常不满意' });
  await form.getByLabel('材料清单不准确').check();
  await form.getByLabel('留言（可选）').fill(comment);
  await form.getByRole('button', { name: '提交评价' }).click();
  await expect(resident).toHaveURL(new RegExp(`/me/applications/${number}\\?rated=1`));
  await expect(resident.getByRole('status').filter({ hasText: '感谢您的评价。' })).toBeVisible();
  const given = resident.getByTestId('given-rating');
  await expect(given).toHaveAttribute('data-score', '1');
  await expect(given.locator('.given-rating__score')).toHaveText('非常不满意');
  await expect(given.locator('.chips')).toContainText('材料清单不准确');
  await expect(given.locator('.given-rating__comment')).toHaveText(comment);
  await expect(resident.getByTestId('rating-form')).toHaveCount(0);
  // A bad review opens a rectification for the department.
  let rectification = resident.getByTestId('rectification');
  await expect(rectification).toHaveAttribute('data-status', 'open');
  await expect(rectification.locator('.rectification__status .chip')).toHaveText('待整改');
  await expect(rectification).toContainText('部门须答复的期限：');
  await expect(resident.getByTestId('feedback-form')).toHaveCount(0);
  expect(await ratingState(resident, number)).toBe('rated');

  // The department's clerk finds it among the open ones and answers it; neither the rater's
  // name nor the rated application (which would tell it) is theirs to see.
  const id = await rectification.getAttribute('data-id');
  expect(id).toMatch(/^\d+$/);
  const clerk = await openPage();
  await staffSignIn(clerk, `${service.department.code}_clerk`);
  await openRectification(clerk, { id: id! }, 'open');
  expect(await clerk.content(), 'the application number is not in the clerk’s page').not.toContain(number);
  await expect(clerk.getByTestId('rectification-status')).toHaveText('待整改');
  await expect(clerk.getByTestId('rectification-score')).toContainText('非常不满意');
  await expect(clerk.getByTestId('rating-comment')).toHaveText(comment);
  await expect(clerk.locator('.rectification-case')).toContainText('材料清单不准确');
  await expect(clerk.getByTestId('rater')).toHaveText('（仅督查人员可见）');
  expect(await clerk.content(), 'the rater’s name is not in the clerk’s page').not.toContain(residentName);
  await expect(clerk.getByTestId('decide-form')).toHaveCount(0);

  const answer = unique('已更正办事指南中的材料清单，并对窗口人员进行提醒');
  const answerForm = clerk.getByTestId('answer-form');
  await answerForm.getByLabel('立行立改').check();
  await answerForm.locator('#field-answer').fill(answer);
  await answerForm.getByRole('button', { name: '提交答复' }).click();
  await expect(clerk.getByTestId('console-done')).toBeVisible();
  await expect(clerk.getByTestId('rectification-status')).toHaveText('已答复，待评价');
  await expect(clerk.locator('.rectification-case')).toHaveAttribute('data-status', 'answered');
  await expect(clerk.locator('.rectification-case')).toContainText(answer);
  await expect(clerk.getByTestId('answer-form')).toHaveCount(0);
  await expect(clerk.getByTestId('appeal-form')).toHaveCount(0);

  // The resident reads the answer and is not satisfied: it goes to a supervisor.
  await resident.goto(`/me/applications/${number}`);
  rectification = resident.getByTestId('rectification');
  await expect(rectification).toHaveAttribute('data-status', 'answered');
  await expect(rectification.locator('.rectification__answer')).toHaveText(answer);
  await expect(rectification).toContainText('立行立改');
  const feedback = resident.getByTestId('feedback-form');
  await expect(feedback).toContainText('您对部门的答复满意吗？');
  const residentComment = unique('窗口仍然要求多交一份材料');
  await feedback.getByLabel('不满意', { exact: true }).check();
  await feedback.getByLabel('留言（可选）').fill(residentComment);
  await feedback.getByRole('button', { name: '提交', exact: true }).click();
  await expect(resident).toHaveURL(new RegExp(`/me/applications/${number}\\?rated=1`));
  rectification = resident.getByTestId('rectification');
  await expect(rectification).toHaveAttribute('data-status', 'escalated');
  await expect(rectification.locator('.rectification__status .chip')).toHaveText('已升级督办');
  await expect(rectification.locator('.rectification__feedback')).toContainText('不满意');
  await expect(resident.getByTestId('feedback-form')).toHaveCount(0);

  // The supervisor sees who rated, the whole story, and resolves it.
  const supervisor = await openPage();
  await staffSignIn(supervisor, 'supervisor');
  await openRectification(supervisor, { number }, 'escalated');
  await expect(supervisor.getByTestId('rectification-status')).toHaveText('已升级督办');
  await expect(supervisor.getByTestId('rater')).toHaveText(residentName);
  await expect(supervisor.getByTestId('rating-comment')).toHaveText(comment);
  await expect(supervisor.locator('.rectification-case')).toContainText(answer);
  await expect(supervisor.getByTestId('resident-feedback')).toHaveText('不满意');
  await expect(supervisor.locator('.rectification-case')).toContainText(residentComment);
  await expect(supervisor.getByTestId('answer-form')).toHaveCount(0);
  const decide = supervisor.getByTestId('decide-form');
  await expect(decide.locator('button[data-decision]')).toHaveCount(2);
  const note = unique('已约谈窗口负责人，材料清单以办事指南为准，不得另行要求');
  await decide.locator('#field-note').fill(note);
  await decide.locator('button[data-decision="resolve"]').click();
  await expect(supervisor.getByTestId('console-done')).toBeVisible();
  await expect(supervisor.getByTestId('rectification-status')).toHaveText('已办结');
  await expect(supervisor.locator('.rectification-case')).toHaveAttribute('data-status', 'closed');
  await expect(supervisor.locator('.rectification-case')).toContainText(note);
  await expect(supervisor.getByTestId('decide-form')).toHaveCount(0);

  // The resident sees the resolution.
  await resident.goto(`/me/applications/${number}`);
  rectification = resident.getByTestId('rectification');
  await expect(rectification).toHaveAttribute('data-status', 'closed');
  await expect(rectification).toContainText('督查处理结果：');
  await expect(rectification).toContainText(note);
  await expect(resident.getByTestId('feedback-form')).toHaveCount(0);
  await expect(resident.getByTestId('given-rating')).toHaveAttribute('data-score', '1');
});

test('a rating without a score is refused with a clear error and nothing is stored', async ({ openPage }) => {
  test.slow();
  // Without JavaScript the form is a plain HTML post, checked by the server alone.
  const resident = await openPage({ javaScriptEnabled: false });
  const applied = await applyAs(resident, '13800000043');
  const { number } = applied;
  await completeAsHead(openPage, applied);

  await resident.goto(`/me/applications/${number}`);
  const form = resident.getByTestId('rating-form');
  await expect(form).toBeVisible();
  const comment = unique('忘了选满意度');
  await form.getByLabel('办事效率').selectOption({ label: '满意' });
  await form.getByLabel('办得快').check();
  await form.getByLabel('留言（可选）').fill(comment);
  // The browser would refuse the post itself (`required`); the server must refuse it too.
  await expect(form.locator('input[name="score"][required]')).toHaveCount(5);
  await form.locator('input[name="score"]').evaluateAll((inputs) => {
    for (const input of inputs) input.removeAttribute('required');
  });
  await form.getByRole('button', { name: '提交评价' }).click();

  await expect(resident).toHaveURL(new RegExp(`/me/applications/${number}\\?retry=\\d+`));
  const summary = resident.locator('#rating .error-summary');
  await expect(summary).toBeVisible();
  await expect(summary.locator('h2')).toHaveText(/^错误：有 1 处需要修改/);
  const problem = summary.getByRole('link', { name: '总体满意度：此项必填。' });
  await expect(problem).toBeVisible();
  await expect(problem).toHaveAttribute('href', '#field-score');
  await expect(resident.locator('#field-score')).toBeVisible();
  // Nothing was stored: the form is still there, with what was typed.
  await expect(resident.getByTestId('given-rating')).toHaveCount(0);
  await expect(resident.getByTestId('rectification')).toHaveCount(0);
  await expect(resident.getByRole('status').filter({ hasText: '感谢您的评价。' })).toHaveCount(0);
  await expect(form).toBeVisible();
  await expect(form.getByLabel('留言（可选）')).toHaveValue(comment);
  await expect(form.getByLabel('办事效率')).toHaveValue('4');
  expect(await ratingState(resident, number)).toBe('invited');

  // The error shows once; with a score the rating goes through.
  await form.getByLabel('满意', { exact: true }).check();
  await form.getByRole('button', { name: '提交评价' }).click();
  await expect(resident).toHaveURL(new RegExp(`/me/applications/${number}\\?rated=1`));
  await expect(resident.locator('.error-summary')).toHaveCount(0);
  const given = resident.getByTestId('given-rating');
  await expect(given).toHaveAttribute('data-score', '4');
  await expect(given.locator('.given-rating__comment')).toHaveText(comment);
  // A good review opens no rectification.
  await expect(resident.getByTestId('rectification')).toHaveCount(0);
  expect(await ratingState(resident, number)).toBe('rated');
});

test('the rating block works at 360 px without horizontal scrolling', async ({ page, openPage, consoleErrors }) => {
  test.slow();
  await page.setViewportSize({ width: 360, height: 740 });
  const applied = await applyAs(page, '13800000044');
  const { number } = applied;
  await completeAsHead(openPage, applied);

  await page.goto(`/me/applications/${number}`);
  await waitForHydration(page);
  const form = page.getByTestId('rating-form');
  await expect(form).toBeVisible();
  // Every choice is on the screen and can be tapped.
  const levels = ['非常不满意', '不满意', '基本满意', '满意', '非常满意'];
  for (const [index, label] of levels.entries()) {
    const option = form.locator(`label.score-choice__option[data-score="${index + 1}"]`);
    await expect(option).toHaveText(label);
    await option.scrollIntoViewIfNeeded();
    const box = await option.boundingBox();
    expect(box, `the choice ${label} is laid out`).not.toBeNull();
    expect(box!.x).toBeGreaterThanOrEqual(0);
    expect(box!.x + box!.width, `the choice ${label} fits the screen`).toBeLessThanOrEqual(360.5);
  }
  await expectNoSidewaysScroll(page);

  // A bad review: the given rating and the rectification fit too.
  await form.getByLabel('不满意', { exact: true }).check();
  await form.getByLabel('办理时间长').check();
  await form.getByLabel('多次跑腿').check();
  await form.getByLabel('留言（可选）').fill(unique('手机上评价：来回跑了三次才办好，希望一次告知清楚所需材料'));
  await form.getByRole('button', { name: '提交评价' }).click();
  await expect(page).toHaveURL(new RegExp(`/me/applications/${number}\\?rated=1`));
  await expect(page.getByTestId('given-rating')).toHaveAttribute('data-score', '2');
  await expect(page.getByTestId('rectification')).toHaveAttribute('data-status', 'open');
  await waitForHydration(page);
  await expectNoSidewaysScroll(page);
  expect(consoleErrors).toEqual([]);
});
