/**
 * What the demo bank adds beyond a plain consent list, in Chromium against the embedded sandbox: the undo
 * window after "Stop sharing" (the BFF holds the stop, so it survives a closed page and a lost network; an undo sends nothing), the
 * bank's app directory and fraud link, forgotten apps, and the record downloaded as JSON. The demo runs under
 * its strict CSP throughout.
 */
import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { describe, it } from 'node:test';
import type { BrowserContext, Page } from 'playwright-core';
import type { Consent } from '../../contract/consent.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { demoInChromium } from '../support/demo-in-chromium.js';
import { card, CONFIRM, DIALOG, eventually, HISTORY_APP, logIn, STATUS, watchPage, WIDGET } from './dashboard.js';

const ALEX = DEMO_CUSTOMERS.alex;

/** The part of the downloaded record this test reads (widget/receipt.ts has the whole shape). */
interface SavedRecord {
  connections: Array<{ application_name: string; status: string }>;
  changes: Array<{ application_name: string; kind: string; enabled?: boolean; state: string; confirmed_at: string }>;
}
const UNDO = `${WIDGET} [part~="undo"]`;

describe('beyond the consent list, in the demo bank', () => {
  const e2e = demoInChromium({}, (demo) => demo.router.forgetCustomer(ALEX));
  const truth = () => e2e.demo.sandbox!.consents(ALEX);
  const byName = (name: string) => truth().find((c) => c.application_name === name)!;
  const revokes = (c: Consent) => e2e.demo.sandbox!.requests().filter((r) => r.path.endsWith(`/${c.id}/disable_app_sharing`));
  /**
   * Every stop the browser starts on the page's context from now on, recorded as it is started: `POST /consent/stops`
   * to the BFF's ledger by consent id, or (never expected) a stop sent to MX itself.
   */
  const watchStops = (ctx: BrowserContext) => {
    const started: string[] = [];
    ctx.on('request', (r) => {
      if (r.url().endsWith('/disable_app_sharing')) started.push(r.url());
      if (r.method() === 'POST' && new URL(r.url()).pathname === '/consent/stops') started.push((r.postDataJSON() as { consent_id: string }).consent_id);
    });
    return started;
  };

  async function dashboard(query: string): Promise<{ page: Page; problems: string[] }> {
    const context = await e2e.newContext({ acceptDownloads: true });
    const page = await context.newPage();
    const problems = watchPage(page);
    await logIn(page, e2e.demo.url, 'alex', query);
    await page.locator(`${WIDGET} [part~="app"]`).first().waitFor();
    return { page, problems };
  }

  /** Confirms "Stop sharing" for the app and waits for its undo window to open. */
  async function stopWithUndo(page: Page, c: Consent): Promise<void> {
    await card(page, c.id).locator('[part~="stop-button"]').click();
    await page.locator(DIALOG).waitFor({ state: 'visible' });
    await page.locator(CONFIRM).click();
    await page.locator(UNDO).waitFor();
    assert.match((await page.locator(UNDO).textContent()) ?? '', new RegExp(`Sharing with ${c.application_name} stops in \\d+ s`));
  }

  it('the_demo_shows_its_directory_and_forgotten_apps_and_offers_the_undo_window_under_its_strict_csp', async () => {
    const { page, problems } = await dashboard('');
    const forgotten = await page.locator(`${WIDGET} [part~="app"]:has([part~="forgotten"]) [part~="app-name"]`).allTextContents();
    assert.deepEqual(forgotten.sort(), ['Harborline Lending', 'Quillfile Tax']);

    const harborline = card(page, byName('Harborline Lending').id);
    await harborline.locator('summary').click();
    const details = harborline.locator('[part~="details"]');
    assert.match((await details.textContent()) ?? '', /Connected through MX/);
    assert.match((await harborline.locator('.sees').textContent()) ?? '', /Your account statements/, 'what it can see is on the card, open');
    assert.equal(await details.locator('a').first().getAttribute('href'), 'https://harborline.example/privacy');
    assert.equal(await card(page, byName('Summitvest Investing').id).locator('[part~="details"]').count(), 0);
    assert.match((await card(page, byName('Summitvest Investing').id).locator('.sees').textContent()) ?? '', /Contact us to ask/);

    assert.equal(await page.locator('.demo-controls a', { hasText: '10 s' }).getAttribute('href'), '/?undo=10');
    assert.deepEqual(problems, []);
  });

  for (const mode of ['proxy', 'direct'] as const) {
    it(`${mode}_mode_closing_the_page_during_the_undo_window_still_stops_sharing`, async () => {
      const { page, problems } = await dashboard(`?mode=${mode}&undo=5`);
      const stops = watchStops(e2e.context!);
      const app = byName('Harborline Lending');
      // The undo window is open (stopWithUndo waits for it): the stop is held, and nothing has gone out.
      await stopWithUndo(page, app);
      assert.deepEqual(stops, [app.id], 'recorded with the BFF, nothing sent to MX during the window');
      assert.equal(byName('Harborline Lending').revoked_at, null, 'nothing sent during the window');
      assert.deepEqual(problems, []);

      await page.close();
      // The BFF carries it out when due (five seconds after confirming), the page long gone.
      await eventually(() => byName('Harborline Lending').revoked_at, (at) => at !== null, 'the stop reached MX after the page closed', 20_000);
      assert.equal(revokes(app).length, 1);
    });
  }

  it('losing_the_network_during_the_undo_window_still_stops_sharing_and_the_page_shows_it_once_back', async () => {
    const { page } = await dashboard('?undo=2');
    const app = byName('Quillfile Tax');
    await stopWithUndo(page, app);
    await e2e.context!.setOffline(true);
    // The BFF holds the stop: it is carried out when due while the browser has no network.
    await eventually(() => byName('Quillfile Tax').revoked_at, (at) => at !== null, 'the stop reached MX with the page offline');
    assert.equal(revokes(app).length, 1, 'sent once');

    await e2e.context!.setOffline(false);
    await page.locator(`${HISTORY_APP}[data-id="${app.id}"]`).waitFor({ timeout: 30_000 });
    assert.ok(byName('Quillfile Tax').revoked_at, 'stopped upstream');
    assert.equal(revokes(app).length, 1, 'sent once');
    assert.match((await page.locator(STATUS).textContent()) ?? '', /You stopped sharing with Quillfile Tax/);
  });

  it('undo_within_the_window_sends_nothing_even_when_the_page_then_closes', async () => {
    const { page } = await dashboard('?undo=2');
    const stops = watchStops(e2e.context!);
    const app = byName('Harborline Lending');
    await stopWithUndo(page, app);
    await page.locator(`${WIDGET} [part~="undo-button"]`).click();
    assert.match((await page.locator(STATUS).textContent()) ?? '', /still sharing with Harborline Lending/);
    // A stop confirmed after the undo, with the same window, lands after the undone one was due.
    const later = byName('Quillfile Tax');
    await stopWithUndo(page, later);
    await page.locator(`${HISTORY_APP}[data-id="${later.id}"]`).waitFor({ timeout: 30_000 });
    await page.close();
    assert.deepEqual(stops, [app.id, later.id], 'two stops recorded with the BFF, none sent to MX by the browser');
    assert.equal(byName('Harborline Lending').revoked_at, null);
    assert.equal(revokes(app).length, 0, 'no revoke request reached the sandbox');
    assert.equal(e2e.demo.sandbox!.stats().revoke, 1);
  });

  it('an_app_the_customer_does_not_recognize_is_stopped_and_the_fraud_link_opens_the_banks_page', async () => {
    const { page, problems } = await dashboard('?undo=10');
    const app = byName('Fernpay');
    await card(page, app.id).locator('[part~="unrecognized-button"]').click();
    await page.locator(CONFIRM).click();
    const link = page.locator(`${WIDGET} [part~="fraud"] a`);
    await link.waitFor();
    assert.ok(byName('Fernpay').revoked_at, 'stopped at once, no undo window');
    await Promise.all([page.waitForURL(`${e2e.demo.url}/static/report-fraud.html`), link.click()]);
    assert.deepEqual(problems, []);
  });

  it('the_record_downloads_as_json_with_the_connections_and_the_customers_changes_across_visits_newest_first', async () => {
    const { page, problems } = await dashboard('');
    const app = byName('Nestward Rent Reporting');
    await card(page, app.id).locator('[part~="switch"]').first().click();
    await eventually(() => page.locator(STATUS).textContent(), (s) => /saved/.test(s ?? ''), 'the change is saved');
    const [download] = await Promise.all([page.waitForEvent('download'), page.locator(`${WIDGET} [part~="download-button"]`).click()]);
    assert.match(download.suggestedFilename(), /^connected-apps-\d{4}-\d\d-\d\d\.json$/);
    const saved = JSON.parse(await readFile((await download.path())!, 'utf8')) as SavedRecord;
    assert.equal(saved.connections.length, truth().length);
    // The newest is this visit's change; the stops of this file's earlier visits follow, as the ledger holds them.
    assert.deepEqual(saved.changes.map((c) => [c.application_name, c.kind, c.kind === 'account' && c.enabled])[0], ['Nestward Rent Reporting', 'account', false]);
    assert.ok(saved.changes.slice(1).some((c) => c.kind === 'stop' && c.state), 'an earlier visit’s stop is in the record, with its state');
    const times = saved.changes.map((c) => Date.parse(c.confirmed_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a), 'newest first');
    assert.deepEqual(problems, []);
  });
});
