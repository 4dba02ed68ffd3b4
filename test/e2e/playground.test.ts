/**
 * The playground (/playground) in Chromium: every state of the widget renders side by side, under the demo's
 * strict CSP, without logging in; and the demo bank links to it.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, BrowserContext, Locator, Page } from 'playwright-core';
import { SPECIMENS } from '../../demo/playground.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { logIn, watchPage } from './dashboard.js';

const specimen = (page: Page, state: string) => page.locator(`[data-state="${state}"]`);
const widget = (page: Page, state: string) => specimen(page, state).locator('consent-manager');
const apps = (page: Page, state: string) => widget(page, state).locator('[part~="app"]');

// Callbacks run in the page; the tests' tsconfig has no DOM types, so elements are read through `window`.
/** Text the widget shows: its open shadow root's text, whitespace collapsed. */
const shownText = (w: Locator) => w.evaluate((el) => String(el.shadowRoot?.textContent).replace(/\s+/g, ' '));
const style = (w: Locator, prop: 'colorScheme' | 'backgroundColor') =>
  w.evaluate((el, p) => el.ownerDocument.defaultView!.getComputedStyle(el)[p], prop);

describe('the playground in Chromium', () => {
  let browser: Browser;
  let demo: TestDemo;
  let context: BrowserContext;
  let page: Page;
  let problems: string[];

  before(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startTestDemo()]);
    context = await browser.newContext({ viewport: { width: 1400, height: 1000 } });
    page = await context.newPage();
    problems = watchPage(page);
    await page.goto(`${demo.url}/playground`);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await demo?.close();
  });

  it('shows_one_specimen_per_state_without_a_login', async () => {
    assert.equal(new URL(page.url()).pathname, '/playground');
    const states = await page.locator('[data-state]').evaluateAll((els) => els.map((e) => e.getAttribute('data-state')));
    assert.deepEqual(states, SPECIMENS.map((s) => s.id));
    for (const s of ['loading', 'empty', 'error', 'expired', 'many', 'spanish', 'dark', 'read-only', 'narrow']) {
      assert.ok(states.includes(s), `a "${s}" specimen`);
    }
  });

  it('loading_shows_the_skeleton_while_its_bff_does_not_answer', async () => {
    await widget(page, 'loading').locator('.skeleton').first().waitFor();
    assert.equal(await apps(page, 'loading').count(), 0);
    assert.match(await shownText(widget(page, 'loading')), /Loading connected apps/);
  });

  it('empty_shows_no_apps_connected', async () => {
    const notice = widget(page, 'empty').locator('[part~="notice"]');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /No apps connected/);
    assert.equal(await apps(page, 'empty').count(), 0);
  });

  it('error_shows_the_failure_and_a_retry_button', async () => {
    const notice = widget(page, 'error').locator('[part~="notice"]');
    await notice.waitFor();
    assert.match((await notice.locator('[role="alert"]').textContent()) ?? '', /couldn’t load/);
    assert.equal(await notice.locator('button').count(), 1);
  });

  it('expired_shows_the_session_ended_notice_and_the_page_logs_the_event', async () => {
    const notice = widget(page, 'expired').locator('[part~="notice"]');
    await notice.waitFor();
    assert.match((await notice.textContent()) ?? '', /session has ended/);
    await page.locator('#event-log li', { hasText: 'expired: consent-session-expired' }).waitFor();
  });

  it('many_lists_all_fifty_apps', async () => {
    const expected = demo.sandbox!.consents(DEMO_CUSTOMERS.many50).length;
    assert.equal(expected, 50);
    await apps(page, 'many').nth(expected - 1).waitFor();
    assert.equal(await apps(page, 'many').count(), expected);
  });

  it('spanish_follows_the_lang_of_its_container', async () => {
    await apps(page, 'spanish').first().waitFor();
    const text = await shownText(widget(page, 'spanish'));
    assert.match(text, /Compartiendo/);
    assert.match(text, /Dejar de compartir/);
    assert.doesNotMatch(text, /Stop sharing/);
  });

  it('dark_uses_the_dark_scheme', async () => {
    await apps(page, 'dark').first().waitFor();
    assert.equal(await style(widget(page, 'dark'), 'colorScheme'), 'dark');
    // The widget's own background is dark whatever the page's scheme: its luminance is low.
    const bg = await style(widget(page, 'dark'), 'backgroundColor');
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    assert.ok(r! + g! + b! < 150, `dark background, got ${bg}`);
  });

  it('read_only_policy_shows_states_in_words_and_no_switches', async () => {
    await apps(page, 'read-only').first().waitFor();
    assert.equal(await widget(page, 'read-only').locator('[role="switch"]').count(), 0);
    assert.ok((await widget(page, 'read-only').locator('[part~="stop-button"]').count()) > 0, 'stopping stays possible');
    assert.match(await shownText(widget(page, 'read-only')), /New accounts are (not )?shared automatically/);
  });

  it('narrow_reflows_within_320_px_without_sideways_scrolling', async () => {
    await apps(page, 'narrow').first().waitFor();
    const w = widget(page, 'narrow');
    const box = await w.boundingBox();
    assert.ok(box && box.width <= 320, `at most 320 px wide, got ${box?.width}`);
    const overflow = await w.evaluate((el) => [el, ...el.shadowRoot!.querySelectorAll('*')]
      .filter((e) => e.scrollWidth > e.clientWidth + 1 && e.tagName !== 'DIALOG')
      .map((e) => `${e.tagName}.${e.className}`));
    assert.deepEqual(overflow, []);
  });

  it('obeys_the_strict_csp_and_throws_nothing', () => {
    assert.deepEqual(problems, []);
  });

  it('the_demo_bank_and_its_login_link_to_the_playground', async () => {
    const other = await browser.newContext();
    const p = await other.newPage();
    await p.goto(`${demo.url}/login`);
    assert.equal(await p.locator('a[href="/playground"]').count(), 1);
    await logIn(p, demo.url, 'sam');
    await p.locator('a[href="/playground"]').click();
    await p.waitForURL(`${demo.url}/playground`);
    await other.close();
  });
});
