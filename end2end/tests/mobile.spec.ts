/**
 * Residents are mostly on phones: at 360 CSS pixels wide nothing may scroll sideways.
 */
import { expect, test } from './support';

const PAGES = [
  { path: '/', ready: 'ul.service-list > li.service-card' },
  { path: '/services', ready: 'ul.service-list > li.service-card' },
  { path: `/services?q=${encodeURIComponent('生育')}`, ready: 'ul.service-list > li.service-card' },
  { path: '/services/MZ-0201', ready: 'ol.materials > li.material' },
];

for (const { path, ready } of PAGES) {
  test(`no horizontal scroll at 360px on ${decodeURIComponent(path)}`, async ({ page }) => {
    expect(page.viewportSize()?.width).toBe(360);
    await page.goto(path);
    await expect(page.locator(ready).first()).toBeVisible();

    const layout = await page.evaluate(() => {
      const width = window.innerWidth;
      const wide = Array.from(document.querySelectorAll<HTMLElement>('body *'))
        .filter((el) => el.getBoundingClientRect().right > width + 0.5)
        .slice(0, 5)
        .map((el) => {
          const classes = el.className && typeof el.className === 'string' ? `.${el.className.trim().split(/\s+/).join('.')}` : '';
          return `${el.tagName.toLowerCase()}${classes} (right edge ${Math.round(el.getBoundingClientRect().right)}px)`;
        });
      return { scrollWidth: document.documentElement.scrollWidth, innerWidth: width, wide };
    });
    expect(
      layout.scrollWidth,
      `page is wider than the screen; widest offenders: ${layout.wide.join(', ') || 'none found'}`,
    ).toBeLessThanOrEqual(layout.innerWidth);
  });
}
