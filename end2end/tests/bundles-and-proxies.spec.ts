/**
 * One-stop packages (一件事) and applying on someone's behalf (代办), in the browser.
 */
import {
  actAsStaff,
  PUSH_CROSSES_PROCESSES,
  attachEveryMaterial,
  expect,
  fillEveryQuestion,
  signIn,
  test,
  waitForHydration,
} from './support';

/** The code of a published bundle, from a service that belongs to one. */
async function aBundle(page: import('@playwright/test').Page): Promise<string> {
  const list = await (await page.request.get('/api/v1/services?page_size=50')).json();
  for (const item of list.items as { code: string }[]) {
    const service = await (await page.request.get(`/api/v1/services/${item.code}`)).json();
    if (service.bundles.length > 0) return service.bundles[0].code as string;
  }
  throw new Error('no bundle in the demo catalogue');
}

test('a bundle is one form and shows each department’s progress', async ({ page }) => {
  await signIn(page, '13800000007');
  const bundle = await aBundle(page);
  await page.goto(`/apply/bundle/${bundle}`);
  await expect(page.locator('.notice').first()).toContainText('一件事一次办');
  // Every question appears once, however many services share it.
  const names = await page.locator('fieldset.fieldset [name]').evaluateAll((els) =>
    els.map((el) => el.getAttribute('name')).filter((n) => n && !n.startsWith('material_')),
  );
  expect(new Set(names).size).toBe(names.length);
  await fillEveryQuestion(page);
  await attachEveryMaterial(page);
  await page.getByRole('button', { name: '提交申请' }).click();
  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  const number = page.url().match(/MS-\d{8}-\d{6}/)![0];
  const tasks = page.locator('.task-list > .task');
  const count = await tasks.count();
  expect(count).toBeGreaterThanOrEqual(2);
  await expect(tasks.locator('.chip')).toHaveText(Array(count).fill('已提交'));

  if (PUSH_CROSSES_PROCESSES) {
    await waitForHydration(page);
    await page.locator('[data-live="connected"]').waitFor({ state: 'attached' });
    actAsStaff(number, 'accept');
    await expect(tasks.first().locator('.chip')).toHaveText('已受理');
    await expect(tasks.nth(1).locator('.chip')).toHaveText('已提交');
  }
});

test('a household member applies on a resident’s behalf once consent is given', async ({ browser }) => {
  // Resident 5 and the first registered adult of their household.
  const member = await browser.newPage();
  await signIn(member, '13800000005');
  const profile = await (await member.request.get('/api/v1/me/profile')).json();
  let relative: { member_id: number; name: string } | undefined;
  for (const candidate of profile.household as { member_id: number; name: string }[]) {
    const probe = await member.request.post('/api/v1/session', {
      data: { account: String(13_800_000_000 + candidate.member_id), password: 'minsheng-demo' },
    });
    if (probe.ok()) {
      relative = candidate;
      break;
    }
  }
  expect(relative, 'a registered adult shares resident 5’s household').toBeTruthy();
  // The probe above signed the page in as the relative; back to resident 5.
  await signIn(member, '13800000005');
  await member.goto('/me/profile');
  const row = member.locator('.household__member', { hasText: relative!.name });
  await row.getByRole('button', { name: '允许代办' }).click();
  await expect(member.locator('.household__member', { hasText: relative!.name })).toContainText('可以代我办理');

  const proxy = await browser.newPage();
  await signIn(proxy, String(13_800_000_000 + relative!.member_id));
  const list = await (await proxy.request.get('/api/v1/services?page_size=5')).json();
  await proxy.goto(`/apply/${list.items[0].code}`);
  await proxy.getByRole('link', { name: profile.name }).click();
  await expect(proxy.getByTestId('on-behalf')).toContainText(profile.name);
  await expect(proxy.locator('fieldset.fieldset').first()).toContainText(profile.name);
  await fillEveryQuestion(proxy);
  await attachEveryMaterial(proxy);
  await proxy.getByRole('button', { name: '提交申请' }).click();
  await expect(proxy).toHaveURL(/submitted=1/);
  await expect(proxy.locator('.key-facts')).toContainText(profile.name);

  // The resident sees who applied for them.
  const number = proxy.url().match(/MS-\d{8}-\d{6}/)![0];
  await member.goto(`/me/applications/${number}`);
  await expect(member.locator('.key-facts')).toContainText(relative!.name);
});
