/**
 * The whole customer journey in Chromium through the demo bank, in each way the widget can reach MX:
 * log in, list, switch an account off and on, change auto-share, stop sharing through the dialog, find the
 * app in the history, reload and see the same, log out. The final state is checked in the sandbox too.
 */
import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { ARTIFACTS, journey } from './dashboard.js';

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
    const paths = await journey(browser, { url: demo.url, sandbox: demo.sandbox! }, 'proxy', { screenshot: 'dashboard-after-stop-proxy.png' });
    assert.ok(paths.some((p) => p.startsWith('/consent/api/')), 'the widget called the BFF relay');
    assert.ok(!paths.some((p) => p.startsWith('/mx/api/')), 'and never MX itself');
    assert.ok(!paths.includes('/consent/token'), 'no token ever reached the browser');
  });

  it('direct_mode_journey_lists_changes_stops_survives_a_reload_and_logs_out', async () => {
    const paths = await journey(browser, { url: demo.url, sandbox: demo.sandbox! }, 'direct', { screenshot: 'dashboard-after-stop-direct.png' });
    assert.ok(paths.includes('/consent/token'), 'the widget asked the BFF for a token');
    assert.ok(paths.some((p) => p.startsWith('/mx/api/')), 'and called MX itself');
    assert.ok(!paths.some((p) => p.startsWith('/consent/api/')), 'not the relay');
  });

  it('single_use_tokens_proxy_mode_journey_completes', async () => {
    await journey(browser, { url: singleUse.url, sandbox: singleUse.sandbox! }, 'proxy');
    const stats = singleUse.sandbox!.stats();
    // Strict single use: every consent call spent a token of its own, and none was refused for reuse.
    assert.equal(stats.tokens_issued, stats.list + stats.account + stats.auto_share + stats.revoke);
  });

  it('single_use_tokens_direct_mode_journey_completes', async () => {
    await journey(browser, { url: singleUse.url, sandbox: singleUse.sandbox! }, 'direct');
    const stats = singleUse.sandbox!.stats();
    assert.ok(stats.tokens_issued >= 2, 'a fresh token replaced each spent one');
  });
});
