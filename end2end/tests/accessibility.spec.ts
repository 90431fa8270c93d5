/**
 * Accessibility proof with axe: every main page of the portal, the resident's own pages and
 * the staff console must have no WCAG 2.2 A/AA violation that axe can detect, on a phone
 * (360 px) and a desktop (1280 px), in Chinese and in English.
 *
 * One test per (display mode, language, kind of user): the test signs in once (one browser
 * context per kind of user), sets the language cookie, then checks each route in a step of its
 * own. Each page is loaded once at 360 px, checked, widened to 1280 px (the layout is pure CSS
 * media queries, so the same DOM) and checked again. Failures are soft, so one run lists every
 * page that fails; every violation found also goes to `axe-violations.json` in the test's
 * output directory, and what axe could not decide alone (not asserted) to
 * `axe-needs-review.json`. The staff catalogue is checked as `admin`, the only role allowed in.
 */
import { writeFile } from 'node:fs/promises';
import AxeBuilder from '@axe-core/playwright';
import type { Page, TestInfo } from '@playwright/test';
import { expect, postSwitch, serviceWithUploads, signIn, staffSignIn, test, waitForHydration } from './support';

/** WCAG 2.0, 2.1 and 2.2, levels A and AA. */
const WCAG_TAGS = ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa'];

/** Phone first (most residents), then desktop. */
const WIDTHS = [
  { width: 360, height: 740 },
  { width: 1280, height: 800 },
] as const;

/** The languages, as `POST /lang/{locale}` takes them (it sets the language cookie). */
const LANGUAGES = ['zh-CN', 'en'] as const;
type Language = (typeof LANGUAGES)[number];

/**
 * Display modes every page is checked in.
 *
 * Elderly mode (长辈版) is this device's `ms_mode` cookie, which the server renders as
 * `html.elderly`. Set as a cookie only (not through /mode/elderly), so that the demo
 * accounts' own setting, which other specs rely on, stays as it is.
 */
const MODES = ['standard', 'elderly'] as const;
type Mode = (typeof MODES)[number];

/** Switches the page's context to `mode` before any route is loaded. */
async function useMode(page: Page, mode: Mode): Promise<void> {
  switch (mode) {
    case 'standard':
      return; // The default: nothing to switch.
    case 'elderly': {
      const url = new URL(page.url());
      await page.context().addCookies([{ name: 'ms_mode', value: 'elderly', url: url.origin }]);
      await page.goto('/');
      await expect(page.locator('html')).toHaveClass(/\belderly\b/);
      return;
    }
  }
}

/** The demo's showcase resident: applications in every state, messages, a profile. */
const RESIDENT = '13800000001';
/** The staff account that sees every console page but the catalogue (all departments). */
const STAFF = 'supervisor';
/** The only role that may open the catalogue editor (a supervisor gets 403 there). */
const CATALOGUE_ADMIN = 'admin';

type Kind = 'portal' | 'resident' | 'console' | 'catalogue';
/** A route to check: a fixed path, or one found on the site (a real service, application). */
type Route = { name: string; path: string | ((page: Page) => Promise<string>) };

/** A real service code, taken from the first card of the /services page. */
async function firstListedService(page: Page): Promise<string> {
  await page.goto('/services');
  const card = page.locator('ul.service-list > li.service-card').first();
  await expect(card).toBeVisible();
  const code = await card.getAttribute('data-service-code');
  expect(code, 'the first service card has no data-service-code').toBeTruthy();
  return `/services/${code}`;
}

/** The resident's first application in their list. */
async function firstApplication(page: Page): Promise<string> {
  await page.goto('/me/applications');
  const link = page.locator('article.application-card h2 a').first();
  await expect(link).toBeVisible();
  const href = await link.getAttribute('href');
  expect(href, 'the first application card has no link').toMatch(/^\/me\/applications\/MS-/);
  return href!;
}

/** The application form of a service with questions and uploads (the fullest form). */
async function applyForm(page: Page): Promise<string> {
  const service = await serviceWithUploads(page);
  return `/apply/${service.code}`;
}

const ROUTES: Record<Kind, Route[]> = {
  portal: [
    { name: 'home', path: '/' },
    { name: 'services', path: '/services' },
    { name: 'service detail', path: firstListedService },
    { name: 'sign in', path: '/sign-in' },
    { name: 'register', path: '/register' },
    { name: 'register, second step', path: '/register?step=code' },
    { name: 'identity check', path: '/register/identity-check' },
    { name: 'password reset', path: '/password-reset?step=code' },
    { name: 'satisfaction', path: '/satisfaction' },
  ],
  resident: [
    { name: 'my applications', path: '/me/applications' },
    { name: 'an application', path: firstApplication },
    { name: 'messages', path: '/me/messages' },
    { name: 'profile', path: '/me/profile' },
    { name: 'for you', path: '/for-you' },
    { name: 'apply form', path: applyForm },
  ],
  console: [
    { name: 'console home', path: '/admin' },
    { name: 'queue', path: '/admin/queue' },
    { name: 'residents', path: '/admin/residents' },
    { name: 'figures', path: '/admin/figures' },
    { name: 'alerts', path: '/admin/alerts' },
    { name: 'backlog forecast', path: '/admin/forecast' },
    { name: 'policy simulation', path: '/admin/simulation' },
    { name: 'monthly report', path: '/admin/reports' },
    { name: 'policy simulation, two drafts', path: '/admin/simulation?a_age_min=70&a_lives_alone=on&a_amount=200&b_age_min=80&b_amount=300&b_similar=1' },
    { name: 'segments', path: '/admin/segments' },
    { name: 'campaigns', path: '/admin/campaigns' },
    { name: 'rectifications', path: '/admin/rectifications' },
    { name: 'surveys', path: '/admin/surveys' },
    { name: 'survey builder', path: '/admin/surveys/new' },
    { name: 'audit log', path: '/admin/audit' },
    { name: 'identity checks', path: '/admin/identity-checks' },
  ],
  catalogue: [
    { name: 'catalogue', path: '/admin/catalog' },
    { name: 'staff sessions and accounts', path: '/admin/sessions' },
  ],
};

/** Signs the page's context in as the kind of user (in Chinese, before the language switch). */
async function signInAs(page: Page, kind: Kind): Promise<void> {
  if (kind === 'resident') await signIn(page, RESIDENT);
  if (kind === 'console') await staffSignIn(page, STAFF);
  if (kind === 'catalogue') await staffSignIn(page, CATALOGUE_ADMIN);
}

/** Sets the language cookie the way the no-JavaScript switch does. */
async function useLanguage(page: Page, language: Language): Promise<void> {
  await postSwitch(page, `/lang/${language}`);
  await expect(page.locator('html')).toHaveAttribute('lang', language);
  await waitForHydration(page);
}

type AxeResults = Awaited<ReturnType<AxeBuilder['analyze']>>;
type Violation = AxeResults['violations'][number];

/** One violation of one rule on one page at one width, as kept for the report. */
type Found = {
  mode: Mode;
  language: Language;
  kind: Kind;
  route: string;
  path: string;
  width: number;
  id: string;
  impact: string | null | undefined;
  help: string;
  helpUrl: string;
  nodes: { target: string[]; html: string; failureSummary: string | undefined }[];
};

/** An axe target as text: one selector, or a path through shadow roots / frames. */
function selector(part: Violation['nodes'][number]['target'][number]): string {
  return Array.isArray(part) ? part.join(' >>> ') : String(part);
}

type Where = Omit<Found, 'id' | 'impact' | 'help' | 'helpUrl' | 'nodes'>;

function toFound(base: Where, v: Violation): Found {
  return {
    ...base,
    id: v.id,
    impact: v.impact,
    help: v.help,
    helpUrl: v.helpUrl,
    nodes: v.nodes.map((node) => ({
      target: node.target.map(selector),
      html: node.html,
      failureSummary: node.failureSummary,
    })),
  };
}

/** A readable account of the violations of one page: by rule, then by width. */
function summarize(where: string, found: Found[]): string {
  const byRule = new Map<string, Found[]>();
  for (const f of found) byRule.set(f.id, [...(byRule.get(f.id) ?? []), f]);
  const lines = [`${where}: ${byRule.size} axe rule(s) violated`];
  for (const [id, list] of byRule) {
    const first = list[0];
    lines.push(`  ${id} [${first.impact ?? 'n/a'}] ${first.help}`);
    lines.push(`    ${first.helpUrl}`);
    for (const f of list) {
      const targets = f.nodes.slice(0, 3).map((n) => n.target.join(' | '));
      const more = f.nodes.length > 3 ? ` (+${f.nodes.length - 3} more)` : '';
      lines.push(`    ${f.width}px: ${f.nodes.length} element(s): ${targets.join(' ; ')}${more}`);
    }
    const summary = first.nodes[0]?.failureSummary;
    if (summary) {
      lines.push(`    axe says (first element): ${summary.replace(/\s*\n\s*/g, ' / ')}`);
    }
  }
  return lines.join('\n');
}

/** Waits two animation frames, so that a resize has been laid out and painted. */
async function settle(page: Page): Promise<void> {
  await page.evaluate(
    () => new Promise<void>((resolve) => requestAnimationFrame(() => requestAnimationFrame(() => resolve()))),
  );
}

/**
 * Writes what axe found to the test's output directory: the violations (asserted), and the
 * checks axe could not decide by itself ("incomplete", e.g. contrast over an image), for a
 * person to review; these do not fail the test.
 */
async function writeReport(testInfo: TestInfo, violations: Found[], incomplete: Found[]): Promise<void> {
  if (violations.length > 0) {
    const body = JSON.stringify(violations, null, 2);
    await testInfo.attach('axe-violations.json', { body, contentType: 'application/json' });
    await writeFile(testInfo.outputPath('axe-violations.json'), body);
  }
  if (incomplete.length > 0) {
    await writeFile(testInfo.outputPath('axe-needs-review.json'), JSON.stringify(incomplete, null, 2));
  }
}

for (const mode of MODES) {
  for (const language of LANGUAGES) {
    for (const kind of Object.keys(ROUTES) as Kind[]) {
      test(`axe: ${kind} pages · ${language} · ${mode} mode`, async ({ openPage }, testInfo) => {
        // Up to 9 pages × 2 widths; axe takes about a second per check on this machine.
        test.setTimeout(150_000);
        const page = await openPage({ viewport: WIDTHS[0] });
        await signInAs(page, kind);
        await useLanguage(page, language);
        await useMode(page, mode);

        const found: Found[] = [];
        const needsReview: Found[] = [];
        try {
          for (const route of ROUTES[kind]) {
            await test.step(`${route.name}`, async () => {
              await page.setViewportSize(WIDTHS[0]);
              const path = typeof route.path === 'string' ? route.path : await route.path(page);
              const response = await page.goto(path);
              const status = response?.status() ?? 0;
              if (status >= 400) {
                expect.soft(status, `${path} did not load`).toBeLessThan(400);
                return;
              }
              const landed = new URL(page.url()).pathname;
              if (landed !== new URL(path, 'http://x').pathname) {
                expect.soft(landed, `${path} redirected elsewhere (not signed in?)`).toBe(path);
                return;
              }
              await waitForHydration(page);
              await expect(page.locator('html')).toHaveAttribute('lang', language);

              const here: Found[] = [];
              for (const size of WIDTHS) {
                if (size.width !== page.viewportSize()?.width) {
                  await page.setViewportSize(size);
                  await settle(page);
                }
                const results = await new AxeBuilder({ page }).withTags(WCAG_TAGS).analyze();
                const base = { mode, language, kind, route: route.name, path, width: size.width };
                here.push(...results.violations.map((v) => toFound(base, v)));
                needsReview.push(...results.incomplete.map((v) => toFound(base, v)));
              }
              found.push(...here);
              expect
                .soft(here.length, summarize(`${path} (${route.name}) · ${language} · ${mode}`, here))
                .toBe(0);
            });
          }
        } finally {
          await writeReport(testInfo, found, needsReview);
        }
      });
    }
  }
}
