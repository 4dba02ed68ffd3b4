// Issue 14 end to end: the demo bank in Chromium, axe run on the whole document in every state the customer meets,
// and the many200 figures (page height on first load, tab stops before expanding, time to first list as a ratio to a
// static page of the same overview).
import assert from 'node:assert/strict';
import { mkdir, readFile, writeFile } from 'node:fs/promises';
import { createRequire } from 'node:module';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { ARTIFACTS, CONFIRM, DIALOG, logIn, watchPage, WIDGET } from './dashboard.js';

const AXE = await readFile(createRequire(import.meta.url).resolve('axe-core/axe.min.js'), 'utf8');

interface Violation {
  id: string;
  nodes: { target: unknown[] }[];
}

/** axe-core on the whole document (shadow roots included), every rule axe runs by default plus WCAG 2.2 AA tags. */
async function axeViolations(page: Page): Promise<string[]> {
  if ((await page.evaluate('typeof window.axe')) === 'undefined') await page.evaluate(AXE);
  const found = (await page.evaluate(
    "axe.run(document, { runOnly: { type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'wcag22aa', 'best-practice'] } }).then((r) => r.violations.map((v) => ({ id: v.id, nodes: v.nodes.map((n) => ({ target: n.target })) })))",
  )) as Violation[];
  return found.map((v) => `${v.id}: ${JSON.stringify(v.nodes.slice(0, 3).map((n) => n.target))}`);
}

async function clean(page: Page, state: string) {
  assert.deepEqual(await axeViolations(page), [], `axe on the whole demo page: ${state}`);
}

const inWidget = (page: Page, selector: string) => page.locator(`${WIDGET} ${selector}`);

/** Counts what a Tab press can reach in the document, open shadow roots included. */
const TAB_STOPS = `(() => {
  let n = 0;
  const walk = (root) => {
    for (const e of root.querySelectorAll('*')) {
      if (e.matches('a[href], button, input, select, textarea, summary, [tabindex]') && e.tabIndex >= 0 && !e.disabled && e.getClientRects().length) n++;
      if (e.shadowRoot) walk(e.shadowRoot);
    }
  };
  walk(document);
  return n;
})()`;

/** Runs before any page script: notes when a frame first shows an app row, in the widget's shadow root. */
const FIRST_LIST_PROBE = `(function frame() {
  const root = document.querySelector('consent-manager')?.shadowRoot;
  if (root?.querySelector('li.app')) window.__firstList = performance.now();
  else requestAnimationFrame(frame);
})();`;

/** Polls a page expression until it is truthy (the demo's CSP forbids `waitForFunction`'s eval). */
async function until(page: Page, expression: string, timeoutMs = 30_000): Promise<unknown> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await page.evaluate(expression);
    if (value) return value;
    if (Date.now() > end) assert.fail(`timed out waiting for ${expression}`);
    await page.waitForTimeout(30);
  }
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

describe('issue 14 on the demo bank in Chromium', () => {
  let browser: Browser;
  let demo: TestDemo;
  before(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startTestDemo()]);
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  async function open(username: string, query = '', options: Parameters<Browser['newContext']>[0] = {}): Promise<{ context: BrowserContext; page: Page; problems: string[] }> {
    demo.sandbox!.reset();
    const context = await browser.newContext({ viewport: { width: 1100, height: 900 }, ...options });
    const page = await context.newPage();
    const problems = watchPage(page);
    await logIn(page, demo.url, username, query);
    return { context, page, problems };
  }

  it('axe finds nothing on the whole page while loading, listed, with the dialog open, after each outcome, and once every app is stopped', async () => {
    const { context, page, problems } = await open('alex');
    demo.sandbox!.faults.set({ list: { kind: 'latency', latency_ms: 1500 } });
    await page.reload();
    await inWidget(page, '.skeleton').first().waitFor();
    assert.equal((await inWidget(page, '[part~="status"]').textContent())?.trim(), 'Loading connected apps…', 'loading is announced');
    await clean(page, 'loading');
    demo.sandbox!.faults.clear();
    await inWidget(page, '[part~="app"]').first().waitFor();
    await until(page, `!document.querySelector('consent-manager').shadowRoot.querySelector('.skeleton')`);
    await clean(page, 'listed');

    // A change and its outcome at the switch; then a failed one.
    const alex = demo.sandbox!.consents(DEMO_CUSTOMERS.alex);
    const fernpay = alex.find((c) => c.application_name === 'Fernpay')!;
    const card = inWidget(page, `[part~="app"][data-id="${fernpay.id}"]`);
    await card.locator('[role="switch"]').first().click();
    await card.locator('[part~="outcome"]').waitFor();
    await clean(page, 'a change saved');
    demo.sandbox!.faults.set({ account: { kind: 'error', status: 500 } });
    await card.locator('[role="switch"]').first().click();
    await card.locator('[part~="outcome"][role="alert"]').waitFor({ timeout: 30_000 });
    demo.sandbox!.faults.clear();
    await until(page, `!document.querySelector('consent-manager').shadowRoot.querySelector('[aria-busy="true"]')`);
    await clean(page, 'a change failed');

    // The stop dialog, with the bank's help in it; then the outcome where the app was.
    await card.locator('[part~="stop-button"]').click();
    await page.locator(DIALOG).waitFor({ state: 'visible' });
    assert.ok(await page.locator('consent-manager > [slot="help"]').isVisible(), 'the help slot in the dialog');
    assert.match((await page.locator(DIALOG).textContent()) ?? '', /check with Fernpay whether its service/);
    await clean(page, 'the stop dialog');
    await page.locator(CONFIRM).click();
    await inWidget(page, '[data-gone]').waitFor();
    await clean(page, 'an app stopped');

    // Every app stopped: the true words, focus on them.
    await inWidget(page, '[part~="stop-all-button"]').click();
    await page.locator(CONFIRM).click();
    await inWidget(page, '.none').waitFor({ timeout: 15_000 });
    assert.equal((await inWidget(page, '.none').textContent())?.trim(), 'You are not sharing your data with any apps.');
    assert.equal(await page.evaluate(`document.querySelector('consent-manager').shadowRoot.activeElement?.className`), 'notice none');
    await clean(page, 'every app stopped');
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('axe finds nothing with an undo window open, in the error panel (with the bank’s help), on the Spanish pages, dark, and at 320 px', async () => {
    {
      const { context, page } = await open('alex', '?undo=10');
      await inWidget(page, '[part~="stop-button"]').first().click();
      await page.locator(CONFIRM).click();
      await inWidget(page, '[part~="undo-button"]').waitFor();
      await clean(page, 'undo window');
      await inWidget(page, '[part~="undo-button"]').click();
      await context.close();
    }
    {
      const { context, page } = await open('alex');
      demo.sandbox!.faults.set({ list: { kind: 'error', status: 500 } });
      await page.reload();
      await inWidget(page, '[part~="notice"] [role="alert"]').waitFor({ timeout: 20_000 });
      assert.match((await inWidget(page, '[part~="notice"]').textContent()) ?? '', /Try again/);
      assert.ok(await page.locator('consent-manager > [slot="help"]').isVisible(), 'the help slot in the error panel');
      await clean(page, 'error panel');
      demo.sandbox!.faults.clear();
      await context.close();
    }
    {
      const context = await browser.newContext();
      const page = await context.newPage();
      await page.goto(`${demo.url}/login?lang=es`);
      assert.equal(await page.locator('h1').textContent(), 'Inicia sesión en la banca en línea');
      assert.equal(await page.getAttribute('html', 'lang'), 'es');
      await clean(page, 'Spanish login');
      await context.close();
    }
    {
      const { context, page } = await open('alex', '?lang=es');
      await inWidget(page, '[part~="app"]').first().waitFor();
      assert.equal(await page.locator('h1').textContent(), 'Aplicaciones conectadas');
      assert.match((await page.locator('.demo-controls').textContent()) ?? '', /Modo del componente/);
      assert.match((await page.locator('consent-manager > [slot="help"]').textContent()) ?? '', /Llámanos/);
      await clean(page, 'Spanish');
      await context.close();
    }
    for (const options of [{ colorScheme: 'dark' as const }, { viewport: { width: 320, height: 700 }, isMobile: true }]) {
      const { context, page } = await open('alex', '', options);
      await inWidget(page, '[part~="app"]').first().waitFor();
      await clean(page, JSON.stringify(options));
      await context.close();
    }
  });

  it('many200: a compact overview on the first screen, at most 3 tab stops per app, axe clean, and the figures', async () => {
    const { context, page, problems } = await open('many200');
    const rows = inWidget(page, 'li.app[data-id]');
    await until(page, `document.querySelector('consent-manager').shadowRoot.querySelectorAll('li.app[data-id]').length == 200`);
    const height = (await page.evaluate('document.documentElement.scrollHeight')) as number;
    const tabStops = (await page.evaluate(TAB_STOPS)) as number;
    const firstRow = (await rows.first().boundingBox())!;
    assert.ok(firstRow.y < 900, 'the overview starts on the first screen');
    assert.ok(tabStops <= 3 * 200 + 20, `at most 3 tab stops per app (+ the page's own): ${tabStops}`);
    await clean(page, 'many200 overview');
    await rows.first().locator('[part~="expand"]').click();
    await rows.first().locator('[role="switch"]').first().waitFor();
    await clean(page, 'many200 with one app open');

    // Time to first list, against a static page of the same overview (declarative shadow DOM, no script), same run.
    const markup = (await page.evaluate(`(() => {
      const el = document.querySelector('consent-manager');
      el.shadowRoot.querySelectorAll('li.app[data-id] [part~="expand"][aria-expanded="true"]').forEach((b) => b.click());
      return new Promise((r) => requestAnimationFrame(() => r({
        css: [...el.shadowRoot.adoptedStyleSheets].map((s) => [...s.cssRules].map((r) => r.cssText).join('\\n')).join('\\n'),
        html: el.shadowRoot.innerHTML,
        head: document.head.innerHTML.replace(/<script[^>]*><\\/script>/g, ''),
        body: document.querySelector('main').outerHTML.replace(/<consent-manager[\\s\\S]*<\\/consent-manager>/, '@@'),
      })));
    })()`)) as { css: string; html: string; head: string; body: string };
    const staticPage = `<!doctype html><html lang="en"><head>${markup.head}</head><body>${markup.body.replace('@@', `<consent-manager><template shadowrootmode="open"><style>${markup.css}</style>${markup.html}</template></consent-manager>`)}</body></html>`;
    await page.route(`${demo.url}/__static-overview`, (route) => route.fulfill({ contentType: 'text/html', body: staticPage }));
    await page.addInitScript(FIRST_LIST_PROBE);
    const firstList = async (path: string) => {
      await page.goto(`${demo.url}${path}`);
      return (await until(page, 'window.__firstList', 20_000)) as number;
    };
    const widget: number[] = [];
    const still: number[] = [];
    for (let i = 0; i < 5; i++) {
      still.push(await firstList('/__static-overview'));
      widget.push(await firstList('/'));
    }
    const ratios = widget.map((w, i) => w / still[i]!);
    const figures = {
      page_height_px: height,
      tab_stops_before_expanding: tabStops,
      first_list_ms_widget_median: Math.round(median(widget)),
      first_list_ms_static_median: Math.round(median(still)),
      first_list_ratio_median: Number(median(ratios).toFixed(2)),
      first_list_ratio_spread: [Number(Math.min(...ratios).toFixed(2)), Number(Math.max(...ratios).toFixed(2))],
    };
    console.log(`many200 figures: ${JSON.stringify(figures)}`);
    await writeFile(new URL('many200.json', ARTIFACTS), `${JSON.stringify(figures, null, 2)}\n`);
    assert.deepEqual(problems, []);
    await context.close();
  });
});
