// `npm run screenshots`: the README's pictures of the widget (light, dark, 320 px, Spanish, many200's overview, the
// stop dialog), taken in Chromium from the demo bank and written to docs/. Run it after a visible change and commit the PNGs.
import { mkdir, stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import type { Browser } from 'playwright-core';
import { createLogger, loadConfig } from '@consent-manager/bff/standalone';
import { startDemo } from '@consent-manager/demo';
import { launchChromium } from '@consent-manager/test-support/browser';

const DOCS = fileURLToPath(new URL('../docs/', import.meta.url));

interface Shot {
  file: string;
  viewport: { width: number; height: number };
  colorScheme: 'light' | 'dark';
  isMobile?: boolean;
  /** Demo customer; alex by default. */
  user?: string;
  /** Query of the dashboard page, e.g. `?lang=es`. */
  query?: string;
  /** What to do before the picture (page code as a string: this tsconfig has no DOM types). */
  before?: 'stop-dialog';
}

const SHOTS: Shot[] = [
  { file: 'consent-manager-light.png', viewport: { width: 960, height: 820 }, colorScheme: 'light' },
  { file: 'consent-manager-dark.png', viewport: { width: 960, height: 820 }, colorScheme: 'dark' },
  { file: 'consent-manager-mobile.png', viewport: { width: 320, height: 760 }, colorScheme: 'light', isMobile: true },
  { file: 'consent-manager-es.png', viewport: { width: 960, height: 820 }, colorScheme: 'light', query: '?lang=es' },
  { file: 'consent-manager-many200.png', viewport: { width: 960, height: 820 }, colorScheme: 'light', user: 'many200' },
  { file: 'consent-manager-stop-dialog.png', viewport: { width: 960, height: 820 }, colorScheme: 'light', before: 'stop-dialog' },
];

async function shoot(browser: Browser, base: string, shot: Shot): Promise<void> {
  const context = await browser.newContext({ viewport: shot.viewport, colorScheme: shot.colorScheme, isMobile: shot.isMobile, deviceScaleFactor: 1 });
  const page = await context.newPage();
  await page.goto(`${base}/login`);
  await page.fill('#username', shot.user ?? 'alex');
  await page.fill('#password', 'demo');
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  if (shot.query) await page.goto(`${base}/${shot.query}`);
  await page.locator('consent-manager [part~="app"]').first().waitFor();
  // Every logo loaded (or replaced by initials), fonts settled: the picture is the same on every run but the dates.
  // Polled with evaluate: the demo's CSP refuses the eval that waitForFunction's string form needs.
  while (!(await page.evaluate("[...document.querySelector('consent-manager').shadowRoot.querySelectorAll('img')].every((i) => i.complete)")))
    await page.waitForTimeout(50);
  await page.evaluate('document.fonts.ready.then(() => true)');
  if (shot.before == 'stop-dialog') {
    await page.locator('consent-manager [part~="stop-button"]').first().click();
    await page.locator('consent-manager [part~="dialog"]').waitFor({ state: 'visible' });
  }
  await page.screenshot({ path: `${DOCS}${shot.file}` });
  await context.close();
}

async function main(): Promise<void> {
  const config = loadConfig({ PORT: '0', NODE_ENV: 'test', CONSENT_MODE: 'both' }, { requireUpstream: false });
  const [browser, demo] = await Promise.all([launchChromium(), startDemo({ config, logger: createLogger('silent') })]);
  try {
    await mkdir(DOCS, { recursive: true });
    for (const shot of SHOTS) {
      await shoot(browser, demo.url, shot);
      console.log(`docs/${shot.file}: ${((await stat(`${DOCS}${shot.file}`)).size / 1024).toFixed(0)} KB`);
    }
  } finally {
    await browser.close();
    await demo.close();
  }
}

await main();
