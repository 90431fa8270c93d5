/**
 * Elderly mode (长辈版): switched on from the home page or found by searching its other names,
 * remembered per device and per account, offered once to residents aged 60 and over; large
 * type, large controls, high contrast, nothing wider than a 320 px screen; the help block;
 * reading a page aloud. Works without JavaScript: the server renders the mode.
 */
import { type Page } from '@playwright/test';
import { expect, postSwitch, register, serviceWithoutUploads, test, waitForHydration } from './support';

/** A valid resident ID number of someone born in 1955 (aged 60+). */
function olderIdNumber(sequence: number): string {
  const base = `1101051955${String((sequence % 9) + 1).padStart(2, '0')}15${String(sequence % 1000).padStart(3, '0')}`;
  const weights = [7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2];
  const sum = [...base].reduce((acc, digit, i) => acc + Number(digit) * weights[i], 0);
  return base + '10X98765432'[sum % 11];
}

/** Registers a new resident born in 1955; returns the mobile number. */
async function registerOlderResident(page: Page): Promise<string> {
  const unique = (Date.now() + Math.floor(Math.random() * 1000)) % 100_000_000;
  const mobile = `137${String(unique).padStart(8, '0')}`;
  await register(page, {
    name: '王秀兰',
    mobile,
    idNumber: olderIdNumber(unique),
    password: 'my grandson set this up',
  });
  await expect(page).toHaveURL(/\/me\/applications$/);
  return mobile;
}

/** WCAG contrast ratio of an element's text colour on the first opaque background behind it. */
async function contrastOf(page: Page, selector: string): Promise<number> {
  return page.locator(selector).first().evaluate((element) => {
    const rgb = (value: string) => (value.match(/[\d.]+/g) ?? []).map(Number);
    const luminance = ([r, g, b]: number[]) => {
      const channel = (c: number) => {
        const s = c / 255;
        return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
      };
      return 0.2126 * channel(r) + 0.7152 * channel(g) + 0.0722 * channel(b);
    };
    let node: Element | null = element;
    let background = [255, 255, 255];
    while (node) {
      const value = rgb(getComputedStyle(node).backgroundColor);
      if (value.length >= 3 && (value.length < 4 || value[3] === 1)) {
        background = value.slice(0, 3);
        break;
      }
      node = node.parentElement;
    }
    const text = luminance(rgb(getComputedStyle(element).color));
    const behind = luminance(background);
    return (Math.max(text, behind) + 0.05) / (Math.min(text, behind) + 0.05);
  });
}

async function expectNoHorizontalScroll(page: Page): Promise<void> {
  const overflow = await page.evaluate(() => document.documentElement.scrollWidth - window.innerWidth);
  expect(overflow).toBeLessThanOrEqual(0);
}

test('the home page switches to elderly mode: large type, large controls, help', async ({ page, consoleErrors }) => {
  await page.setViewportSize({ width: 320, height: 740 });
  await page.goto('/');
  await waitForHydration(page);
  await page.locator('.hero').getByTestId('mode-switch').click();
  await expect(page.locator('html')).toHaveClass(/\belderly\b/);
  await waitForHydration(page);

  const heading = page.getByRole('heading', { level: 1 });
  await expect(heading).toHaveText('长辈版 · 常用服务');
  const px = (value: string) => Number.parseFloat(value);
  expect(px(await heading.evaluate((h) => getComputedStyle(h).fontSize))).toBeGreaterThanOrEqual(30);
  const intro = page.locator('.hero p').first();
  const [size, lineHeight, spacing] = await intro.evaluate((p) => {
    const style = getComputedStyle(p);
    return [style.fontSize, style.lineHeight, style.marginBottom];
  });
  expect(px(size)).toBeGreaterThanOrEqual(20);
  expect(px(lineHeight) / px(size)).toBeGreaterThanOrEqual(1.5);
  expect(px(spacing)).toBeGreaterThanOrEqual(1.3 * px(lineHeight));
  expect(await contrastOf(page, '.hero p')).toBeGreaterThanOrEqual(7);
  expect(await contrastOf(page, '.big-tile__name')).toBeGreaterThanOrEqual(7);

  // Fewer, larger choices: the services older residents use most, applications, messages, help.
  await expect(page.getByTestId('elderly-services').locator('a').first()).toBeVisible();
  await expect(page.getByRole('link', { name: /我的办件/ }).last()).toBeVisible();
  const help = page.getByTestId('help-block');
  await expect(help.getByRole('link', { name: /12345/ })).toHaveAttribute('href', 'tel:12345');
  await expect(help).toContainText('代您办理');

  // Every control of the page is at least 60 × 60 CSS px.
  const small = await page.evaluate(() =>
    [...document.querySelectorAll('main a, main button, main input, main select, header a, header button, .help-block a')]
      .filter((element) => (element as HTMLElement).offsetParent !== null)
      .map((element) => ({ text: (element.textContent ?? '').trim().slice(0, 20), box: element.getBoundingClientRect() }))
      .filter(({ box }) => box.width < 60 || box.height < 60)
      .map(({ text, box }) => `${text} ${Math.round(box.width)}×${Math.round(box.height)}`),
  );
  expect(small).toEqual([]);
  await expectNoHorizontalScroll(page);

  // And back.
  await page.locator('header').getByTestId('mode-switch').click();
  await expect(page.locator('html')).not.toHaveClass(/\belderly\b/);
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('我要办事');
  expect(consoleErrors).toEqual([]);
});

test('searching 关怀版 finds elderly mode, and it works without JavaScript', async ({ browser }) => {
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 320, height: 740 }, locale: 'zh-CN' });
  const page = await context.newPage();
  await page.goto('/');
  await page.getByRole('searchbox').fill('关怀版');
  await page.getByRole('button', { name: '搜索' }).click();
  const result = page.getByTestId('elderly-mode-result');
  await expect(result).toContainText('长辈版');
  await result.getByTestId('mode-switch').click();
  await expect(page.locator('html')).toHaveClass(/\belderly\b/);
  await expect(page).toHaveURL(/\/services\?q=/);
  // A page of the portal in elderly mode, without JavaScript, at 320 px.
  await page.goto('/services');
  expect(Number.parseFloat(await page.locator('body').evaluate((b) => getComputedStyle(b).fontSize))).toBeGreaterThanOrEqual(20);
  await expectNoHorizontalScroll(page);
  await expect(page.getByTestId('help-block')).toBeVisible();
  // The device remembers it.
  await page.goto('/');
  await expect(page.getByRole('heading', { level: 1 })).toHaveText('长辈版 · 常用服务');
  await context.close();
});

test('a resident aged 60+ is offered elderly mode once, and the account remembers it', async ({ page, browser }) => {
  const mobile = await registerOlderResident(page);
  const offer = page.getByTestId('elderly-offer');
  await expect(offer).toBeVisible();
  await offer.getByRole('button', { name: '切换到长辈版' }).click();
  await expect(page.locator('html')).toHaveClass(/\belderly\b/);
  await expect(page.getByTestId('elderly-offer')).toHaveCount(0);

  // Another device: signing in brings the account's mode along.
  const other = await browser.newContext({ locale: 'zh-CN', viewport: { width: 360, height: 740 } });
  const phone = await other.newPage();
  await phone.goto('/sign-in');
  await expect(phone.locator('html')).not.toHaveClass(/\belderly\b/);
  await phone.getByLabel('手机号码或身份证号').fill(mobile);
  await phone.getByLabel('密码', { exact: true }).fill('my grandson set this up');
  await phone.getByRole('button', { name: '登录', exact: true }).click();
  await expect(phone).toHaveURL(/\/me\/applications/);
  await expect(phone.locator('html')).toHaveClass(/\belderly\b/);
  await expect(phone.getByTestId('elderly-offer')).toHaveCount(0);

  // Declining on a second older account: not asked again.
  const third = await browser.newContext({ locale: 'zh-CN' });
  const another = await third.newPage();
  await registerOlderResident(another);
  await another.getByTestId('elderly-offer').getByRole('button', { name: '不用了，谢谢' }).click();
  await expect(another.locator('html')).not.toHaveClass(/\belderly\b/);
  await another.goto('/me/messages');
  await expect(another.getByTestId('elderly-offer')).toHaveCount(0);
  await other.close();
  await third.close();
});

test('a page is read aloud in its language, and stops', async ({ page }) => {
  await page.addInitScript(() => {
    const spoken: { text: string; lang: string }[] = [];
    let cancelled = 0;
    Object.defineProperty(window, 'speechSynthesis', {
      configurable: true,
      value: {
        speak: (utterance: SpeechSynthesisUtterance) => spoken.push({ text: utterance.text, lang: utterance.lang }),
        cancel: () => {
          cancelled += 1;
        },
      },
    });
    Object.assign(window, { __speech: () => ({ spoken, cancelled }) });
  });
  await page.goto('/services');
  await waitForHydration(page);
  const button = page.getByTestId('read-aloud');
  await expect(button).toHaveText('朗读本页');
  await button.click();
  await expect(button).toHaveText('停止朗读');
  await expect(button).toHaveAttribute('aria-pressed', 'true');
  const speech = await page.evaluate(() => (window as unknown as { __speech: () => { spoken: { text: string; lang: string }[] } }).__speech());
  expect(speech.spoken).toHaveLength(1);
  expect(speech.spoken[0].lang).toBe('zh-CN');
  expect(speech.spoken[0].text).toContain('办事服务');
  await button.click();
  await expect(button).toHaveText('朗读本页');
});

test('without speech synthesis there is no read-aloud button', async ({ page }) => {
  await page.addInitScript(() => {
    Object.defineProperty(window, 'speechSynthesis', { configurable: true, get: () => { throw new Error('no speech'); } });
  });
  await page.goto('/');
  await waitForHydration(page);
  await expect(page.getByTestId('read-aloud')).toBeHidden();
});

test('applying in elderly mode: one question per page, taken back to correct, with the keyboard and without JavaScript', async ({ browser, page }) => {
  const code = await serviceWithoutUploads(page);
  const context = await browser.newContext({ javaScriptEnabled: false, viewport: { width: 360, height: 740 }, locale: 'zh-CN' });
  const resident = await context.newPage();
  await registerOlderResident(resident);
  await postSwitch(resident, '/mode/elderly');
  await expect(resident.locator('html')).toHaveClass(/\belderly\b/);

  await resident.goto(`/apply/${code}`);
  const progress = resident.getByTestId('step-progress');
  await expect(progress).toHaveText(/^第 1 步，共 \d+ 步$/);
  const total = Number((await progress.textContent())?.match(/共 (\d+) 步/)?.[1]);
  expect(total).toBeGreaterThan(1);
  for (let step = 1; step < total; step += 1) {
    await expect(progress).toHaveText(`第 ${step} 步，共 ${total} 步`);
    await expect(resident.locator('form .field')).toHaveCount(1); // one question per page
    await expectNoHorizontalScroll(resident);
    // Answer what is still empty, as a resident would.
    const select = resident.locator('form select');
    if ((await select.count()) > 0 && (await select.inputValue()) === '') {
      await select.selectOption({ index: 1 });
    }
    const text = resident.locator('form input:not([type="hidden"]):not([type="file"]), form textarea');
    if ((await text.count()) > 0 && (await text.inputValue()) === '') {
      const kind = await text.getAttribute('type');
      const inputmode = await text.getAttribute('inputmode');
      await text.fill(kind === 'date' ? '2020-01-01' : inputmode === 'decimal' ? '1' : '测试');
    }
    await resident.getByRole('button', { name: '下一步' }).press('Enter');
  }
  await expect(progress).toHaveText(`第 ${total} 步，共 ${total} 步`);
  await expect(resident.getByRole('heading', { name: '请核对您填写的内容' })).toBeVisible();
  // Back goes to the previous step, and on again.
  await resident.getByTestId('step-back').press('Enter');
  await expect(progress).toHaveText(`第 ${total - 1} 步，共 ${total} 步`);
  await resident.getByRole('button', { name: '下一步' }).press('Enter');
  await resident.getByRole('button', { name: '确认无误，提交申请' }).press('Enter');
  await expect(resident).toHaveURL(/\/me\/applications\/MS-\d{8}-\d{6}\?submitted=1$/);
  await expect(resident.getByText('已提交').first()).toBeVisible();
  await expectNoHorizontalScroll(resident);

  // Within ten minutes it can be taken back, corrected and submitted again.
  const number = resident.url().match(/MS-\d{8}-\d{6}/)?.[0];
  await expect(resident.getByTestId('take-back')).toContainText('提交后 10 分钟内');
  await resident.getByRole('button', { name: '撤回修改' }).press('Enter');
  await expect(resident).toHaveURL(new RegExp(`/me/applications/${number}/edit\\?step=check$`));
  const check = resident.getByTestId('check-answers');
  await expect(check).toBeVisible();
  const answered = check.locator('div', { has: resident.locator('dd span', { hasText: /^测试$/ }) }).first();
  await answered.getByRole('link', { name: '修改' }).press('Enter');
  await expect(progress).toHaveText(/^第 \d+ 步，共 \d+ 步$/);
  await resident.locator('form input:not([type="hidden"]), form textarea').fill('测试（已改正）');
  for (let step = 0; step < total && (await check.count()) === 0; step += 1) {
    await resident.getByRole('button', { name: '下一步' }).press('Enter');
  }
  await expect(check).toContainText('测试（已改正）');
  await resident.getByRole('button', { name: '确认无误，提交申请' }).press('Enter');
  await expect(resident).toHaveURL(new RegExp(`/me/applications/${number}\\?submitted=1$`));
  await expect(resident.getByTestId('timeline')).toContainText('已撤回修改');
  await expect(resident.getByText('测试（已改正）')).toBeVisible();
  await context.close();
});
