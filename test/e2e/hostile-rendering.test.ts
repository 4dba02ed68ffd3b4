/**
 * mallory's apps carry markup in every name and nickname and script, inline-data and foreign cleartext URLs as
 * icons (demo/sandbox/seed.ts). In Chromium, with the page's CSP switched off so that only the widget's own
 * rendering stands between the data and the page, none of it may run, load or become markup: it shows as text.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_CUSTOMERS, XSS_FLAG } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { card, DIALOG, logIn, readWidget, showsTruth, STATUS, stopThroughDialog, WIDGET } from './dashboard.js';

const MALLORY = DEMO_CUSTOMERS.mallory;

// Elements the payloads would create if any were parsed as markup; the widget itself renders none of these
// (its only <img> is a logo, and mallory has no loadable logo).
const INJECTED = `(() => {
  const root = document.querySelector('${WIDGET}').shadowRoot;
  return [...root.querySelectorAll('img, script, iframe, svg, a, b, object, embed')].map((el) => el.outerHTML);
})()`;

describe('hostile data rendered in Chromium', () => {
  let browser: Browser;
  let demo: TestDemo;
  before(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startTestDemo()]);
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  for (const mode of ['proxy', 'direct'] as const) {
    it(`${mode}_mode_markup_and_script_urls_in_app_names_nicknames_and_icons_render_as_inert_text`, async () => {
      demo.sandbox!.reset();
      const consents = demo.sandbox!.consents(MALLORY);
      assert.ok(consents.length >= 5 && consents.some((c) => c.revoked_at), 'mallory has active and stopped hostile apps');
      // No CSP: an escaping mistake would run here, not be caught by the page's policy.
      const context = await browser.newContext({ bypassCSP: true });
      const page = await context.newPage();
      const origin = new URL(demo.url).origin;
      const requests: string[] = [];
      const dialogs: string[] = [];
      const errors: string[] = [];
      page.on('request', (req) => requests.push(req.url()));
      page.on('dialog', (d) => {
        dialogs.push(d.message());
        void d.dismiss();
      });
      page.on('pageerror', (e) => errors.push(e.message));
      try {
        await logIn(page, demo.url, 'mallory', `?mode=${mode}`);
        await showsTruth(page, () => demo.sandbox!.consents(MALLORY));

        // Every name shows exactly as the upstream sent it, as text; every nickname too.
        const shown = await readWidget(page);
        for (const c of consents) {
          assert.equal(shown.apps.find((a) => a.id === c.id)?.name, c.application_name, 'the name is its own text');
          const text = (await card(page, c.id).textContent()) ?? '';
          if (!c.revoked_at) for (const a of c.accounts) assert.ok(text.includes(a.nickname), `nickname shown as text: ${a.nickname}`);
        }
        assert.deepEqual(await page.evaluate(INJECTED), [], 'no element came out of the data');
        const logos = await page.locator(`${WIDGET} [part~="logo"]`).evaluateAll((els) => els.map((el) => el.tagName));
        assert.ok(logos.length === consents.length && logos.every((tag) => tag === 'SPAN'), 'every icon fell back to initials');

        // Hovering a nickname, opening the dialog (the name in its title and text), stopping: still text.
        const active = consents.find((c) => !c.revoked_at && c.accounts.length > 1)!;
        await card(page, active.id).getByText(active.accounts[0]!.nickname, { exact: true }).hover();
        await card(page, active.id).locator('[part~="stop-button"]').click();
        assert.ok(((await page.locator(`${DIALOG} h2`).textContent()) ?? '').includes(active.application_name));
        await page.keyboard.press('Escape');
        await page.locator(DIALOG).waitFor({ state: 'hidden' });
        await stopThroughDialog(page, active);
        assert.ok(((await page.locator(STATUS).textContent()) ?? '').includes(active.application_name), 'the success message quotes it as text');
        await page.reload();
        await showsTruth(page, () => demo.sandbox!.consents(MALLORY));
        assert.deepEqual(await page.evaluate(INJECTED), []);

        assert.equal(await page.evaluate(`typeof window.${XSS_FLAG}`), 'undefined', 'no payload ran');
        assert.deepEqual(dialogs, []);
        assert.deepEqual(errors, []);
        const bad = requests.filter((u) => !u.startsWith(`${origin}/`) || /evil|xss|onerror|\/x$/i.test(u));
        assert.deepEqual(bad, [], 'no request left for a payload URL');
        assert.ok(requests.some((u) => u.includes(mode === 'proxy' ? '/consent/api/' : '/mx/api/')), 'the data did come through');
      } finally {
        await context.close();
      }
    });
  }
});
