/**
 * The whole customer journey in Chromium through the demo bank, in each way the widget can reach MX:
 * log in, list, switch an account off and on, change auto-share, stop sharing through the dialog, find the
 * app in the history, reload and see the same, log out. The final state is checked in the sandbox too.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import {
  accountSwitch, ARTIFACTS, autoShareSwitch, card, HISTORY_APP, logIn, readWidget, showsTruth, STATUS, stopThroughDialog,
  target, watchPage,
} from './dashboard.js';

const ALEX = DEMO_CUSTOMERS.alex;

/** Runs the journey as alex in `mode`; returns the browser requests that went to the BFF and to MX. */
async function journey(browser: Browser, demo: TestDemo, mode: 'proxy' | 'direct', screenshot?: string) {
  const sandbox = demo.sandbox!;
  sandbox.reset();
  const truth = () => sandbox.consents(ALEX);
  const before = truth();
  const app = target(before);
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
  const page: Page = await context.newPage();
  const problems = watchPage(page);
  const paths: string[] = [];
  page.on('request', (req) => paths.push(new URL(req.url()).pathname));
  try {
    await logIn(page, demo.url, 'alex');
    await showsTruth(page, truth);
    // The login lands on the default (proxy) mode; what counts is what the chosen mode requests.
    paths.length = 0;
    await page.goto(`${demo.url}/?mode=${mode}`);
    await showsTruth(page, truth);
    assert.equal((await readWidget(page)).apps.length, before.length, 'every app is listed');

    // An account off, then on again.
    const account = accountSwitch(page, app, 0);
    assert.equal(await account.getAttribute('role'), 'switch');
    assert.equal(await account.getAttribute('aria-checked'), 'true');
    await account.click();
    await showsTruth(page, truth);
    assert.equal(truth().find((c) => c.id === app.id)!.accounts[0]!.enabled, false, 'the upstream has the account off');
    assert.equal(await account.getAttribute('aria-checked'), 'false');
    assert.match((await page.locator(STATUS).textContent()) ?? '', /saved/i);
    await account.click();
    await showsTruth(page, truth);
    assert.equal(truth().find((c) => c.id === app.id)!.accounts[0]!.enabled, true, 'and on again');

    // Auto-share flipped.
    const auto = autoShareSwitch(page, app);
    await auto.click();
    await showsTruth(page, truth);
    assert.equal(truth().find((c) => c.id === app.id)!.auto_enable_future_accounts, !app.auto_enable_future_accounts);
    assert.equal(await auto.getAttribute('aria-checked'), String(!app.auto_enable_future_accounts));

    // Stop sharing through the dialog: the app moves to the history at once.
    await stopThroughDialog(page, app);
    await showsTruth(page, truth);
    assert.ok(truth().find((c) => c.id === app.id)!.revoked_at, 'the upstream has the consent stopped');
    assert.equal(await page.locator(`${HISTORY_APP}[data-id="${app.id}"]`).count(), 1, 'the app is in the history');
    assert.match((await page.locator(STATUS).textContent()) ?? '', new RegExp(`stopped sharing with ${app.application_name}`, 'i'));
    assert.equal(await card(page, app.id).locator('[part~="stop-button"]').count(), 0, 'a stopped app offers no stop button');
    if (screenshot) await page.screenshot({ path: new URL(screenshot, ARTIFACTS).pathname, fullPage: true });

    // A reload shows the same state, read afresh from the upstream.
    const shownBefore = await readWidget(page);
    await page.reload();
    const shownAfter = await showsTruth(page, truth);
    assert.deepEqual(shownAfter.apps, shownBefore.apps, 'the same apps, switches and history after a reload');

    // Log out: back at the login, and the dashboard is gone for this browser.
    await Promise.all([page.waitForURL(`${demo.url}/login`), page.getByRole('button', { name: /log out/i }).click()]);
    await page.goto(`${demo.url}/`);
    assert.equal(new URL(page.url()).pathname, '/login');

    // The upstream ends where the customer left it: only the target changed, exactly as shown.
    const after = truth();
    const changed = after.find((c) => c.id === app.id)!;
    assert.deepEqual(changed.accounts, app.accounts, 'the account is back on, the others untouched');
    assert.equal(changed.auto_enable_future_accounts, !app.auto_enable_future_accounts);
    assert.ok(changed.revoked_at);
    assert.deepEqual(after.filter((c) => c.id !== app.id), before.filter((c) => c.id !== app.id), 'no other app changed');
    assert.deepEqual(problems, []);
    return paths;
  } finally {
    await context.close();
  }
}

describe('the customer journey in Chromium', () => {
  let browser: Browser;
  let demo: TestDemo;
  let singleUse: TestDemo;
  before(async () => {
    [browser, demo, singleUse] = await Promise.all([
      launchChromium(),
      startTestDemo(),
      startTestDemo({ env: { MX_SINGLE_USE_TOKENS: 'true' }, sandbox: { singleUse: true } }),
    ]);
    await mkdir(ARTIFACTS, { recursive: true });
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    await singleUse?.close();
  });

  it('proxy_mode_journey_lists_changes_stops_survives_a_reload_and_logs_out', async () => {
    const paths = await journey(browser, demo, 'proxy', 'dashboard-after-stop-proxy.png');
    assert.ok(paths.some((p) => p.startsWith('/consent/api/')), 'the widget called the BFF relay');
    assert.ok(!paths.some((p) => p.startsWith('/mx/api/')), 'and never MX itself');
    assert.ok(!paths.includes('/consent/token'), 'no token ever reached the browser');
  });

  it('direct_mode_journey_lists_changes_stops_survives_a_reload_and_logs_out', async () => {
    const paths = await journey(browser, demo, 'direct', 'dashboard-after-stop-direct.png');
    assert.ok(paths.includes('/consent/token'), 'the widget asked the BFF for a token');
    assert.ok(paths.some((p) => p.startsWith('/mx/api/')), 'and called MX itself');
    assert.ok(!paths.some((p) => p.startsWith('/consent/api/')), 'not the relay');
  });

  it('single_use_tokens_proxy_mode_journey_completes', async () => {
    await journey(browser, singleUse, 'proxy');
    const stats = singleUse.sandbox!.stats();
    // Strict single use: every consent call spent a token of its own, and none was refused for reuse.
    assert.equal(stats.tokens_issued, stats.list + stats.account + stats.auto_share + stats.revoke);
  });

  it('single_use_tokens_direct_mode_journey_completes', async () => {
    await journey(browser, singleUse, 'direct');
    const stats = singleUse.sandbox!.stats();
    assert.ok(stats.tokens_issued >= 2, 'a fresh token replaced each spent one');
  });
});
