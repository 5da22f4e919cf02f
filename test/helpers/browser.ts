import { expect } from 'chai';
import { chromium, type Browser, type BrowserContext, type Page } from 'playwright-core';
import { AxeBuilder } from '@axe-core/playwright';
import { ctx } from './context.js';
import { TEST_PASSWORD } from './factories.js';

export const CHROMIUM_PATH = process.env.CHROMIUM_PATH ?? '/usr/bin/chromium';
const FLAGS = [
  '--headless',
  '--no-sandbox',
  '--disable-gpu',
  '--disable-background-networking',
  '--disable-component-update',
  '--disable-sync',
  '--no-first-run',
  '--disable-quic',
];

export async function launchBrowser(): Promise<Browser> {
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: FLAGS, headless: true });
}

/** A fresh browser context (cookies of its own); axe needs a page from a context. */
export async function newPage(browser: Browser): Promise<{ context: BrowserContext; page: Page }> {
  const context = await browser.newContext({ locale: 'fr-FR' });
  return { context, page: await context.newPage() };
}

/** Runs axe-core (WCAG 2.1 A and AA rules) on the page and fails with the list of violations. */
export async function expectNoAxeViolations(page: Page, label: string): Promise<void> {
  const results = await new AxeBuilder({ page }).withTags(['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa']).analyze();
  const summary = results.violations.map(
    (v) => `${v.id} (${v.impact}): ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
  expect(summary, `axe violations on ${label}`).to.deep.equal([]);
}

/**
 * How the login form is sent, as the test's person does it: `enter` fills both fields and
 * presses Enter, `button` fills them and clicks « Se connecter », `typed` focuses each field
 * and types into it with the keyboard (no mouse, no fill), then presses Enter.
 */
export type SignInWay = 'enter' | 'button' | 'typed';

/** Signs `email` in on the login page of the test app (the test password unless given) and waits for the home page. */
export async function signInPage(
  page: Page,
  email: string,
  options: { password?: string; via?: SignInWay } = {},
): Promise<void> {
  const { password = TEST_PASSWORD, via = 'enter' } = options;
  const base = ctx().baseUrl;
  await page.goto(`${base}/login`);
  for (const [label, text] of [
    ['Adresse e-mail', email],
    ['Mot de passe', password],
  ] as const) {
    const field = page.getByLabel(label, { exact: true });
    if (via === 'typed') {
      await field.focus();
      await page.keyboard.press('Control+A');
      await page.keyboard.type(text);
    } else await field.fill(text);
  }
  if (via === 'button') await page.getByRole('button', { name: 'Se connecter' }).click();
  else await page.keyboard.press('Enter');
  await page.waitForURL(`${base}/`);
}
