import assert from 'node:assert/strict';
import { mkdir } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';

const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

async function logIn(page: Page, base: string, username: string, query = ''): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  if (query) await page.goto(`${base}/${query}`);
}

/** Fails the test on any CSP violation or page error: the demo runs under a strict CSP. */
function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  return problems;
}

describe('the demo bank in Chromium', () => {
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

  it('alex_sees_all_apps_with_the_two_stopped_in_history_and_the_page_obeys_its_strict_csp', async () => {
    const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
    const page = await context.newPage();
    const problems = watchPage(page);
    await logIn(page, demo.url, 'alex');
    const apps = page.locator('consent-manager [part~="app"]');
    await apps.first().waitFor();
    const consents = demo.sandbox!.consents(DEMO_CUSTOMERS.alex);
    assert.ok(consents.length >= 6);
    await apps.nth(consents.length - 1).waitFor();
    assert.equal(await apps.count(), consents.length);
    assert.equal(await page.locator('consent-manager [part~="history"] [part~="app"]').count(), 2);
    assert.equal(consents.filter((c) => c.revoked_at).length, 2);
    assert.ok((await page.locator('consent-manager img[part~="logo"]').count()) >= 4, 'sandbox logos load same-origin');
    await page.screenshot({ path: new URL('dashboard-alex.png', ARTIFACTS).pathname, fullPage: true });
    assert.deepEqual(problems, []);
    await context.close();
  });

  it('sam_sees_one_app_and_new_sees_the_empty_state', async () => {
    for (const [user, count] of [['sam', 1], ['new', 0]] as const) {
      const context = await browser.newContext();
      const page = await context.newPage();
      await logIn(page, demo.url, user);
      if (count > 0) {
        await page.locator('consent-manager [part~="app"]').first().waitFor();
        assert.equal(await page.locator('consent-manager [part~="app"]').count(), count);
      } else {
        await page.locator('consent-manager [part~="notice"]').waitFor();
        assert.equal(await page.locator('consent-manager [part~="app"]').count(), 0);
      }
      await context.close();
    }
  });

  it('an_anonymous_visitor_is_sent_to_the_login', async () => {
    const context = await browser.newContext();
    const page = await context.newPage();
    await page.goto(`${demo.url}/`);
    assert.equal(new URL(page.url()).pathname, '/login');
    await context.close();
  });
});
