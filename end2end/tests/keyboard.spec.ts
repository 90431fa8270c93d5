/**
 * What axe cannot see (issue 7): signing in and applying with the keyboard alone, focus that
 * can be seen, sign-in with a password manager's fields and with paste, text-spacing
 * overrides (WCAG 1.4.12) that lose no text, and pages at 200 % zoom without sideways
 * scrolling, in the standard and the elderly mode.
 */
import { type Browser, type Page } from '@playwright/test';
import { DEMO_PASSWORD, expect, postSwitch, serviceWithoutUploads, test, waitForHydration } from './support';

/** Demo residents no other browser test signs in as: one applies by keyboard; the layout
 * tests switch the other's display mode back and forth. */
const RESIDENT = '13800000131';
const LAYOUT_RESIDENT = '13800000133';

/** Presses Tab until the focused element matches `selector`; fails after `limit` presses. */
async function tabTo(page: Page, selector: string, limit = 60): Promise<void> {
  for (let i = 0; i < limit; i += 1) {
    await page.keyboard.press('Tab');
    if (await page.evaluate((s) => document.activeElement?.matches(s) ?? false, selector)) return;
  }
  throw new Error(`nothing matching ${selector} within ${limit} presses of Tab`);
}

/** What the focused element is: tag, name, type and text. */
async function focused(page: Page): Promise<{ tag: string; name: string; type: string; text: string; id: string }> {
  return page.evaluate(() => {
    const element = document.activeElement as HTMLInputElement | null;
    return {
      tag: element?.tagName.toLowerCase() ?? '',
      name: element?.getAttribute('name') ?? '',
      type: element?.getAttribute('type') ?? '',
      text: element?.textContent?.trim() ?? '',
      id: element?.id ?? '',
    };
  });
}

/** Whether the focused element shows a focus indicator (outline or ring). */
async function focusIsVisible(page: Page): Promise<boolean> {
  return page.evaluate(() => {
    const element = document.activeElement;
    if (!element || element === document.body) return false;
    const style = getComputedStyle(element);
    const outline = style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) >= 2;
    return outline || style.boxShadow !== 'none';
  });
}

test('a resident signs in and applies with the keyboard alone', async ({ page, consoleErrors }) => {
  const code = await serviceWithoutUploads(page);
  await page.goto('/sign-in');
  await waitForHydration(page);

  // The first Tab reaches the skip link, which takes focus to the main content.
  await page.keyboard.press('Tab');
  expect((await focused(page)).text).toBe('跳到主要内容');
  expect(await focusIsVisible(page)).toBe(true);
  await page.keyboard.press('Enter');
  expect((await focused(page)).id).toBe('main');

  // From the main content, Tab reaches the account, then the password, then the button.
  await tabTo(page, 'input[autocomplete="username"]');
  expect(await focusIsVisible(page)).toBe(true);
  await page.keyboard.type(RESIDENT);
  await page.keyboard.press('Tab');
  expect((await focused(page)).type).toBe('password');
  await page.keyboard.type(DEMO_PASSWORD);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/me\/applications/);

  await page.goto(`/apply/${code}`);
  await waitForHydration(page);
  // Tab through the form, answering every empty question by typing, until the submit button.
  let submitReached = false;
  for (let i = 0; i < 80 && !submitReached; i += 1) {
    await page.keyboard.press('Tab');
    const at = await focused(page);
    expect(await focusIsVisible(page), `focus visible on ${at.tag} ${at.name} ${at.text}`).toBe(true);
    const value = await page.evaluate(() => (document.activeElement as HTMLInputElement).value ?? '');
    const readOnly = await page.evaluate(() => (document.activeElement as HTMLInputElement).readOnly === true);
    if (at.tag === 'select' && value === '') {
      await page.keyboard.press('ArrowDown');
      expect(await page.evaluate(() => (document.activeElement as HTMLSelectElement).value)).not.toBe('');
    } else if ((at.tag === 'input' || at.tag === 'textarea') && value === '' && !readOnly
      && !['hidden', 'file', 'checkbox', 'radio', 'submit'].includes(at.type)) {
      if (at.type === 'date') {
        // Chromium lays a date out in its own UI language (month, day, year here), not the
        // page's; each part moves on to the next when full.
        await page.keyboard.type('01012020');
        expect(await page.evaluate(() => (document.activeElement as HTMLInputElement).value)).toBe('2020-01-01');
      } else {
        const decimal = (await page.evaluate(() => document.activeElement?.getAttribute('inputmode'))) === 'decimal';
        await page.keyboard.type(decimal ? '1' : '键盘填写');
      }
    } else if (['checkbox', 'radio'].includes(at.type)) {
      const needed = await page.evaluate(() => {
        const input = document.activeElement as HTMLInputElement;
        const group = input.form?.querySelectorAll<HTMLInputElement>(`input[name="${input.name}"]`) ?? [];
        return input.required && !Array.from(group).some((other) => other.checked);
      });
      if (needed) await page.keyboard.press('Space');
    } else if (at.tag === 'button' && at.text === '提交申请') {
      submitReached = true;
    }
  }
  expect(submitReached, 'Tab reaches the submit button').toBe(true);
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  await expect(page.getByText('已提交').first()).toBeVisible();
  expect(consoleErrors).toEqual([]);
});

test('the error summary takes focus and its links take the keyboard to each field', async ({ page }) => {
  // The second step of registering, where Enter submits the registration itself (the
  // button asking for a new code comes after it).
  await page.goto('/register?step=code');
  await waitForHydration(page);
  await page.getByLabel('姓名').fill('王');
  await page.getByLabel('手机号码').fill('12345');
  await page.getByLabel('短信验证码').fill('12');
  await page.getByLabel('身份证号码').fill('110105');
  await page.getByLabel('密码').fill('1234');
  await page.getByLabel('密码').press('Enter');
  const summary = page.locator('.error-summary');
  await expect(summary).toBeFocused();
  await expect(summary.getByRole('heading')).toHaveText(/^错误：/);
  await page.keyboard.press('Tab');
  const link = await page.evaluate(() => document.activeElement?.getAttribute('href'));
  expect(link).toMatch(/^#field-/);
  await page.keyboard.press('Enter');
  expect(`#${(await focused(page)).id}`).toBe(link);
});

test('sign-in works with a password manager’s fields and with paste', async ({ page, context }) => {
  await page.goto('/sign-in');
  await waitForHydration(page);
  // What password managers look for: a real form with a username and a current password.
  const form = page.locator('form', { has: page.locator('input[type="password"]') });
  await expect(form).toHaveAttribute('method', 'post');
  const account = form.locator('input[autocomplete="username"]');
  const password = form.locator('input[type="password"][autocomplete="current-password"]');
  await expect(account).toHaveAttribute('name', /.+/);
  await expect(password).toHaveAttribute('name', /.+/);
  await expect(account).toHaveAccessibleName('手机号码或身份证号');

  // Paste into both (nothing blocks it), then sign in.
  await context.grantPermissions(['clipboard-read', 'clipboard-write']);
  for (const [field, text] of [[account, RESIDENT], [password, DEMO_PASSWORD]] as const) {
    await page.evaluate((value) => navigator.clipboard.writeText(value), text);
    await field.focus();
    await page.keyboard.press('ControlOrMeta+V');
    await expect(field).toHaveValue(text);
  }
  await page.keyboard.press('Enter');
  await expect(page).toHaveURL(/\/me\/applications/);

  // Registration asks for a new password, so managers offer to generate and save one.
  await page.context().clearCookies();
  await page.goto('/register?step=code');
  await expect(page.locator('input[type="password"]')).toHaveAttribute('autocomplete', 'new-password');
  await expect(page.getByLabel('短信验证码')).toHaveAttribute('autocomplete', 'one-time-code');
});

/** The text-spacing overrides of WCAG 1.4.12, as a user style sheet would apply them. */
/**
 * WCAG 1.4.12's text spacing, set on every element through the CSSOM as the standard
 * bookmarklet does: the Content-Security-Policy (rightly) refuses an injected <style>.
 */
async function overrideTextSpacing(page: Page): Promise<void> {
  await page.evaluate(() => {
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('*'))) {
      element.style.setProperty('line-height', '1.5', 'important');
      element.style.setProperty('letter-spacing', '0.12em', 'important');
      element.style.setProperty('word-spacing', '0.16em', 'important');
      if (element.tagName === 'P') element.style.setProperty('margin-bottom', '2em', 'important');
    }
  });
}

/** Elements whose text no longer fits where it is clipped (overflow hidden), and the page's overflow. */
async function clippedText(page: Page): Promise<{ clipped: string[]; overflow: number }> {
  return page.evaluate(() => {
    const clipped: string[] = [];
    for (const element of Array.from(document.querySelectorAll<HTMLElement>('body *'))) {
      const style = getComputedStyle(element);
      const hides = (value: string) => value === 'hidden' || value === 'clip';
      if (!element.textContent?.trim() || style.display === 'none' || style.visibility === 'hidden') continue;
      if (element.closest('.visually-hidden, .skip-link, .live-region, [aria-hidden="true"]')) continue;
      const cutX = hides(style.overflowX) && element.scrollWidth > element.clientWidth + 1;
      const cutY = hides(style.overflowY) && element.scrollHeight > element.clientHeight + 1;
      if (cutX || cutY) clipped.push(`${element.tagName.toLowerCase()}.${element.className}: ${element.textContent.trim().slice(0, 30)}`);
    }
    return { clipped, overflow: document.documentElement.scrollWidth - window.innerWidth };
  });
}

/** A page for a resident in a fresh context, signed in, in the given mode. */
async function residentPage(browser: Browser, baseURL: string | undefined, options: {
  width: number; height: number; deviceScaleFactor?: number; elderly: boolean;
}): Promise<Page> {
  const context = await browser.newContext({
    baseURL,
    locale: 'zh-CN',
    viewport: { width: options.width, height: options.height },
    deviceScaleFactor: options.deviceScaleFactor ?? 1,
  });
  const page = await context.newPage();
  await page.goto('/sign-in');
  await page.getByLabel('手机号码或身份证号').fill(LAYOUT_RESIDENT);
  await page.getByLabel('密码', { exact: true }).fill(DEMO_PASSWORD);
  await page.getByRole('button', { name: '登录', exact: true }).click();
  await expect(page).toHaveURL(/\/me\/applications/);
  await postSwitch(page, `/mode/${options.elderly ? 'elderly' : 'standard'}`);
  if (options.elderly) await expect(page.locator('html')).toHaveClass(/\belderly\b/);
  else await expect(page.locator('html')).not.toHaveClass(/\belderly\b/);
  return page;
}

/** The resident pages worth checking: home, search, a service, its form, my applications, one of them. */
async function routes(page: Page, code: string): Promise<string[]> {
  await page.goto('/me/applications');
  const links = page.locator('a[href^="/me/applications/MS-"]');
  const first = (await links.count()) > 0 ? await links.first().getAttribute('href') : null;
  return ['/', '/services?q=%E8%A1%A5%E8%B4%B4', `/services/${code}`, `/apply/${code}`, '/me/applications', first ?? '/me/messages', '/for-you', '/me/profile'];
}

for (const elderly of [false, true]) {
  const mode = elderly ? 'elderly' : 'standard';

  test(`text-spacing overrides lose no text at 360 px (${mode})`, async ({ browser, baseURL, page: probe }) => {
    test.slow();
    const code = await serviceWithoutUploads(probe);
    const page = await residentPage(browser, baseURL, { width: 360, height: 740, elderly });
    for (const route of await routes(page, code)) {
      await page.goto(route);
      await overrideTextSpacing(page);
      const { clipped, overflow } = await clippedText(page);
      expect(clipped, `${route}: text cut off`).toEqual([]);
      expect(overflow, `${route}: sideways scrolling`).toBeLessThanOrEqual(0);
    }
    await page.context().close();
  });

  test(`at 200 % zoom nothing scrolls sideways (${mode})`, async ({ browser, baseURL, page: probe }) => {
    test.slow();
    const code = await serviceWithoutUploads(probe);
    // A 1280 px wide window zoomed to 200 %: 640 CSS px at two device pixels each; and a
    // 720 px tablet zoomed the same (360 CSS px).
    for (const width of [640, 360]) {
      const page = await residentPage(browser, baseURL, { width, height: 400, deviceScaleFactor: 2, elderly });
      for (const route of await routes(page, code)) {
        await page.goto(route);
        const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
        expect(overflow, `${route} at ${width} CSS px`).toBeLessThanOrEqual(0);
        // The heading is there and whole, not cut at the side.
        const heading = await page.locator('h1').first().boundingBox();
        expect(heading, `${route}: a heading`).not.toBeNull();
        expect(heading!.x).toBeGreaterThanOrEqual(0);
        expect(heading!.x + heading!.width).toBeLessThanOrEqual(width);
      }
      await page.context().close();
    }
  });
}
