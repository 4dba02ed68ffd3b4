/**
 * Stops through the BFF's consent ledger, in Chromium against the demo bank as `npm start` builds it (default rate
 * limits): a stop confirmed in the undo window is carried out by the BFF with the page closed, a reload keeps its
 * countdown and its Undo, and "stop sharing with every app" for many200 is one request. Waits are on the ledger's own
 * settling (`onSettled`) and the sandbox's state, never a sleep.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Page } from 'playwright-core';
import type { LedgerChange } from '@consent-manager/bff';
import type { ChangeRecord, Consent } from '../../contract/consent.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { demoInChromium } from '../support/demo-in-chromium.js';
import { card, CONFIRM, DIALOG, eventually, HISTORY_APP, logIn, STATUS, watchPage, WIDGET } from './dashboard.js';

const UNDO = `${WIDGET} [part~="undo"]`;

describe('stops held by the BFF’s consent ledger, in the demo bank', () => {
  const settled: LedgerChange[] = [];
  const e2e = demoInChromium({ onSettled: (c) => settled.push(c) }, () => { settled.length = 0; });
  const customerOf = (user: keyof typeof DEMO_CUSTOMERS) => DEMO_CUSTOMERS[user];
  const byName = (user: keyof typeof DEMO_CUSTOMERS, name: string) =>
    e2e.demo.sandbox!.consents(customerOf(user)).find((c) => c.application_name === name)!;
  const revokes = (c: Consent) => e2e.demo.sandbox!.requests().filter((r) => r.path.endsWith(`/${c.id}/disable_app_sharing`));

  async function dashboard(user: string, query: string): Promise<{ page: Page; problems: string[] }> {
    const context = await e2e.newContext();
    const page = await context.newPage();
    const problems = watchPage(page);
    await logIn(page, e2e.demo.url, user, query);
    await page.locator(`${WIDGET} [part~="app"]`).first().waitFor();
    return { page, problems };
  }

  /** The customer's stops in the ledger, read through the page's own session. */
  const ledgerStops = (page: Page) =>
    page.evaluate(async () => {
      const res = await fetch('/consent/changes?limit=200', { headers: { 'X-CSRF': '1' } });
      return ((await res.json()) as { changes: ChangeRecord[] }).changes.filter((c) => c.action === 'stop');
    });

  async function stopWithUndo(page: Page, c: Consent): Promise<ChangeRecord> {
    await card(page, c.id).locator('[part~="stop-button"]').click();
    await page.locator(DIALOG).waitFor({ state: 'visible' });
    await page.locator(CONFIRM).click();
    await page.locator(UNDO).waitFor();
    const sent = revokes(c).length;
    const [stop] = await ledgerStops(page);
    assert.equal(stop?.consent_id, c.id);
    assert.equal(stop.state, 'pending');
    // Read before the ledger still said pending: nothing can have reached MX by then.
    assert.equal(sent, 0, 'nothing reached MX during the window');
    return stop;
  }

  for (const mode of ['proxy', 'direct'] as const) {
    it(`${mode}_mode_a_stop_confirmed_then_page_closed_is_applied_once_by_the_bff_when_due`, async () => {
      const { page, problems } = await dashboard('alex', `?mode=${mode}&undo=5`);
      const browserStops: string[] = [];
      // A retried POST (a slow answer on a busy machine) carries the same idempotency key: one stop, recorded once.
      e2e.context!.on('request', (r) => {
        if (/\/stops$|disable_app_sharing/.test(r.url())) browserStops.push(`${r.method()} ${new URL(r.url()).pathname} ${r.headers()['idempotency-key'] ?? ''}`);
      });
      const app = byName('alex', 'Harborline Lending');
      const stop = await stopWithUndo(page, app);
      assert.deepEqual(problems, []);
      await page.close();

      await eventually(() => settled.find((c) => c.id === stop.id), (c) => c !== undefined, 'the ledger settled the stop', 15_000);
      const done = settled.find((c) => c.id === stop.id)!;
      assert.equal(done.state, 'applied');
      assert.ok(done.appliedAt! >= done.dueAt, 'carried out when due, not before');
      assert.equal(revokes(app).length, 1, 'exactly one disable_app_sharing for the consent');
      assert.ok(byName('alex', 'Harborline Lending').revoked_at);
      assert.deepEqual([...new Set(browserStops)].map((r) => r.replace(/ [\w-]{8,}$/, ' <key>')), ['POST /consent/stops <key>'],
        `${mode} mode: the browser posted one stop to the BFF and nothing to MX`);
      assert.equal(settled.filter((c) => c.action === 'stop').length, 1, 'one stop settled by the ledger');

      // The customer comes back: the app is where it belongs.
      const again = await e2e.context!.newPage();
      await again.goto(`${e2e.demo.url}/?mode=${mode}`);
      await again.locator(`${HISTORY_APP}[data-id="${app.id}"]`).waitFor();
    });
  }

  it('a_reload_in_the_window_keeps_the_time_left_and_undo_cancels_with_nothing_sent', async () => {
    const { page, problems } = await dashboard('alex', '?undo=10');
    const app = byName('alex', 'Quillfile Tax');
    const stop = await stopWithUndo(page, app);
    // Part of the window has passed before the reload, so a countdown started afresh (10 s) would show.
    const secondsShown = async () => Number(/stops in (\d+) s/.exec((await page.locator(UNDO).textContent()) ?? '')?.[1]);
    await eventually(secondsShown, (s) => s <= 8, 'the countdown ran for two seconds');
    await page.reload();
    await page.locator(UNDO).waitFor();
    const text = (await page.locator(UNDO).textContent()) ?? '';
    const left = Number(/stops in (\d+) s/.exec(text)?.[1]);
    const expected = Math.ceil((Date.parse(stop.due_at) - Date.now()) / 1000);
    assert.ok(left >= expected - 1 && left <= expected + 1 && left < 10, `the countdown continues from due_at: ${left} s shown, ${expected} s left`);
    await page.locator(`${WIDGET} [part~="undo-button"]`).first().click();
    await eventually(() => page.locator(STATUS).textContent(), (s) => /still sharing with Quillfile Tax/.test(s ?? ''), 'undo answered');
    const [after] = await ledgerStops(page);
    assert.equal(after?.state, 'cancelled');
    assert.equal(revokes(app).length, 0, 'no stop reached MX');
    assert.equal(byName('alex', 'Quillfile Tax').revoked_at, null);
    assert.deepEqual(problems, []);
  });

  it('stop_all_for_many200_under_the_default_write_limit_stops_all_178_in_one_request', async (t) => {
    const { page, problems } = await dashboard('many200', '');
    const open = e2e.demo.sandbox!.consents(customerOf('many200')).filter((c) => !c.revoked_at);
    assert.equal(open.length, 178);
    const posts: string[] = [];
    // Writes to the customer's consents; not the record marking the outcomes it showed as told (`/changes/seen`).
    e2e.context!.on('request', (r) => {
      const path = new URL(r.url()).pathname;
      if (r.method() !== 'GET' && path.startsWith('/consent/') && path !== '/consent/changes/seen') posts.push(`${r.method()} ${path}`);
    });
    const before = e2e.demo.sandbox!.stats().revoke;
    await page.locator(`${WIDGET} [part~="stop-all-button"]`).click();
    await page.locator(DIALOG).waitFor({ state: 'visible' });
    const started = Date.now();
    await page.locator(CONFIRM).click();
    await eventually(() => page.locator(STATUS).textContent(), (s) => s === 'You stopped sharing with 178 apps.', 'all stopped', 120_000);
    const wall = Date.now() - started;
    assert.deepEqual(posts, ['POST /consent/stop-all'], 'one write request, however many apps');
    assert.equal(e2e.demo.sandbox!.stats().revoke - before, 178);
    assert.ok(e2e.demo.sandbox!.consents(customerOf('many200')).every((c) => c.revoked_at), 'every app stopped upstream');
    assert.equal(settled.filter((c) => c.state === 'applied').length, 178);
    assert.deepEqual(problems, []);
    t.diagnostic(`stop-all many200 (default write limit 60/min): 178 of 178 applied, ${wall} ms from confirm to the outcome`);
  });
});
