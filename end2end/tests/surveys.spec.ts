/**
 * Surveys (满意度调查) in the browser: a department head builds a survey of the residents who
 * used one of the department's services on a given day, with a five-point and a free-text
 * question, and opens it at once; a resident who used that service that day finds it under
 * /me/surveys (linked from the messages page), answers it, is thanked; the head sees the
 * answer in the results.
 *
 * The service and the day come from the showcase resident's own applications (the demo data
 * dates them relative to the day of loading), so the test does not depend on fixed dates.
 * The survey's title is unique, so a rerun against the same database finds its own survey.
 */
import { expect, signIn, staffSignIn, test, waitForHydration } from './support';

/** The demo's showcase resident: an application in each state. */
const RESIDENT = '13800000001';

type Summary = {
  number: string;
  is_bundle: boolean;
  submitted_at: string | null;
  for_name: string | null;
};

/** The China date (UTC+8) of an instant, as `YYYY-MM-DD`. */
function chinaDate(iso: string): string {
  return new Date(new Date(iso).getTime() + 8 * 3600 * 1000).toISOString().slice(0, 10);
}

test('a head surveys the users of a service and reads a resident’s answer', async ({
  page,
  openPage,
  consoleErrors,
}) => {
  test.slow();
  // Which service the resident used, on which day, and whose it is.
  await signIn(page, RESIDENT);
  const applications: Summary[] = await (await page.request.get('/api/v1/me/applications')).json();
  const used = applications.find((a) => !a.is_bundle && a.submitted_at && !a.for_name);
  expect(used, 'the showcase resident has a submitted application of their own').toBeTruthy();
  const detail = await (await page.request.get(`/api/v1/me/applications/${used!.number}`)).json();
  const code: string = detail.service_code;
  const service = await (await page.request.get(`/api/v1/services/${code}`)).json();
  const department: string = service.department.code;
  const day = chinaDate(used!.submitted_at!);
  const title = `办理回访 ${Date.now().toString(36)}`;
  const suggestion = `希望材料清单再清楚些 ${Math.floor(Math.random() * 1e6)}`;

  // The head builds the survey with the plain builder form.
  const head = await openPage();
  await staffSignIn(head, `${department}_head`);
  await head.getByRole('link', { name: '满意度调查', exact: true }).click();
  await expect(head).toHaveURL(/\/admin\/surveys$/);
  await head.getByRole('link', { name: '新建调查', exact: true }).click();
  await expect(head).toHaveURL(/\/admin\/surveys\/new$/);
  const form = head.getByTestId('survey-form');
  await expect(form).toBeVisible();
  await waitForHydration(head);
  await form.locator('#survey-title').fill(title);
  await form.locator('#audience-service-users').check();
  await form.locator('#survey-service').selectOption(code);
  await form.locator('#survey-from').fill(day);
  await form.locator('#survey-to').fill(day);
  await form.locator('[name="q_text.0"]').fill('您对这次办理的总体满意度');
  await form.locator('[name="q_kind.0"]').selectOption('five_point');
  await form.locator('[name="q_required.0"]').check();
  await form.locator('[name="q_text.1"]').fill('您还有什么建议？');
  await form.locator('[name="q_kind.1"]').selectOption('free_text');
  await form.locator('[name="q_required.1"]').uncheck();
  await form.getByRole('button', { name: '保存', exact: true }).click();
  await expect(head).toHaveURL(/\/admin\/surveys\/\d+(\?at=\d+)?$/);
  await expect(head.getByTestId('console-done')).toBeVisible();
  await expect(head.getByTestId('console-error')).toHaveCount(0);
  const id = head.url().match(/\/admin\/surveys\/(\d+)/)![1];
  await expect(head.getByTestId('survey-status')).toHaveText('草稿');
  await expect(head.getByTestId('survey-question')).toHaveCount(2);

  // Open it now.
  const schedule = head.getByTestId('survey-schedule');
  await schedule.locator('#when-now').check();
  await schedule.getByRole('button', { name: '发布', exact: true }).click();
  await expect(head.getByTestId('survey-status')).toHaveText('进行中');
  await expect(head.getByTestId('response-count')).toHaveText('0');
  const audience = Number(await head.getByTestId('audience-size').textContent());
  expect(audience).toBeGreaterThanOrEqual(1);

  // The resident finds it from the messages page and answers it.
  await page.goto('/me/messages');
  await page.getByTestId('my-surveys-link').click();
  await expect(page).toHaveURL(/\/me\/surveys$/);
  const card = page.locator(`[data-survey-id="${id}"]`);
  await expect(card).toContainText(title);
  await card.getByRole('link', { name: '去回答', exact: true }).click();
  await expect(page).toHaveURL(new RegExp(`/me/surveys/${id}$`));
  const answer = page.getByTestId('survey-answer');
  await expect(answer).toBeVisible();
  await waitForHydration(page);
  await answer.getByLabel('4 满意', { exact: true }).check();
  await answer.locator('textarea').fill(suggestion);
  await answer.getByRole('button', { name: '提交', exact: true }).click();
  await expect(page.getByTestId('survey-thanks')).toBeVisible();
  // Answered: it leaves the list, and the survey says so.
  await page.goto('/me/surveys');
  await expect(page.locator(`[data-survey-id="${id}"]`)).toHaveCount(0);
  await page.goto(`/me/surveys/${id}`);
  await expect(page.getByTestId('survey-answered')).toBeVisible();

  // The head sees the answer in the results.
  await head.goto(`/admin/surveys/${id}`);
  await expect(head.getByTestId('response-count')).toHaveText('1');
  const scale = head.locator('[data-testid="survey-question"][data-kind="five_point"]');
  await expect(scale.locator('li[data-value="4"]')).toHaveAttribute('data-count', '1');
  await expect(scale.getByTestId('survey-mean')).toHaveText('4.00');
  await expect(head.getByTestId('survey-texts')).toContainText(suggestion);
  // One response is a small cell: its district and its age band show "< 10" and no mean.
  for (const table of ['survey-by-district', 'survey-by-age']) {
    const rows = head.getByTestId(table).locator('tbody tr');
    await expect(rows).toHaveCount(1);
    await expect(rows.first().locator('td')).toHaveText(['< 10', '—']);
  }
  await head.goto('/admin/surveys');
  await expect(head.locator(`tr[data-survey-id="${id}"] [data-testid="survey-responses"]`)).toHaveText('1');

  expect(consoleErrors).toEqual([]);
});

test('a head surveys a saved segment and its members are the audience', async ({ openPage }) => {
  const head = await openPage();
  await staffSignIn(head, 'mz_head');
  const name = `独居老人 ${Date.now().toString(36)}`;
  const rule = { all: [{ is: { kind: 'age', min: 70, max: null } }, { is: { kind: 'lives_alone' } }] };
  const saved = await head.request.post('/api/v1/staff/segments', { data: { name, rule } });
  expect(saved.status()).toBe(201);
  const preview = await (await head.request.post('/api/v1/staff/segments/preview', { data: rule })).json();
  expect(preview.count.exact, 'enough old people live alone to be counted exactly').toBeGreaterThanOrEqual(10);

  // From the saved segments, "对它发起调查" opens a new survey with the segment chosen.
  await head.goto('/admin/segments');
  const savedId = String((await saved.json()).summary.id);
  await head.getByTestId('saved-segments').locator('li', { hasText: name }).getByRole('link', { name: '对它发起调查' }).click();
  await expect(head).toHaveURL(new RegExp(`/admin/surveys/new\\?segment=${savedId}$`));
  const form = head.getByTestId('survey-form');
  await expect(form).toBeVisible();
  await waitForHydration(head);
  await expect(form.locator('#audience-segment')).toBeChecked();
  await expect(form.locator('#survey-segment')).toHaveValue(savedId);
  await form.locator('#survey-title').fill(`独居老人回访 ${Date.now().toString(36)}`);
  await form.locator('[name="q_text.0"]').fill('您对上门服务的总体满意度');
  await form.locator('[name="q_kind.0"]').selectOption('five_point');
  await form.getByRole('button', { name: '保存', exact: true }).click();
  await expect(head.getByTestId('console-done')).toBeVisible();
  await expect(head.getByTestId('survey-state')).toContainText(`人群“${name}”中的居民`);

  const schedule = head.getByTestId('survey-schedule');
  await schedule.locator('#when-now').check();
  await schedule.getByRole('button', { name: '发布', exact: true }).click();
  await expect(head.getByTestId('survey-status')).toHaveText('进行中');
  await expect(head.getByTestId('audience-size')).toHaveText(String(preview.count.exact));
});
