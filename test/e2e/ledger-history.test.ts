/**
 * Issue 13 in Chromium through the demo bank: the customer sees the true state after the BFF carried out a stop
 * while they were away, told once; and their history across two logins, read from the BFF's ledger. Counted on the
 * sandbox's stats; waits poll the sandbox or the page, never a fixed sleep.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import type { LedgerChange } from '@consent-manager/bff';
import type { ChangeRecord } from '../../contract/consent.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { accountSwitch, autoShareSwitch, card, eventually, HISTORY_APP, logIn, showsTruth, stopThroughDialog, target, watchPage, WIDGET } from './dashboard.js';

const AWAY = `${WIDGET} [part~="away"] [role="status"]`;
const RECORD_LINES = `${WIDGET} [part~="receipt"] .changes li`;

/** The page posts a confirmed stop to the BFF as the widget's stop path does: recorded, due after `undoSeconds`. */
async function confirmStop(page: Page, consentId: string, undoSeconds: number): Promise<{ id: string; state: string; due_at: string }> {
  const answer = await page.evaluate(
    async ([id, seconds]) => {
      const res = await fetch('/consent/stops', {
        method: 'POST',
        credentials: 'same-origin',
        headers: { 'Content-Type': 'application/json', 'X-CSRF': '1' },
        body: JSON.stringify({ consent_id: id, undo_seconds: seconds }),
      });
      return { status: res.status, body: (await res.json()) as { change: { id: string; state: string; due_at: string } } };
    },
    [consentId, undoSeconds] as const,
  );
  assert.equal(answer.status, 202, JSON.stringify(answer.body));
  return answer.body.change;
}

async function logOut(page: Page, base: string) {
  await Promise.all([page.waitForURL(`${base}/login`), page.getByRole('button', { name: /log out/i }).click()]);
}

// Runs in the page (the tests' tsconfig has no DOM types): the focused element through the shadow roots, by its part.
const FOCUSED = `(() => {
  let el = document.activeElement;
  while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
  return el?.getAttribute('part') ?? el?.tagName ?? null;
})()`;

const text = (s: string | null) => (s ?? '').replace(/\s+/g, ' ').trim();

describe('the customer’s history and the truth after a stop carried out while they were away', () => {
  let browser: Browser;
  let demo: TestDemo;
  /** Every change the BFF's worker settled. */
  const settled: LedgerChange[] = [];
  before(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startTestDemo({ onSettled: (c) => settled.push(c) })]);
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  /** alex's sandbox reset, and a page in a context of its own watched for problems; the test closes the context. */
  async function freshStart() {
    const sandbox = demo.sandbox!;
    sandbox.reset();
    const truth = () => sandbox.consents(DEMO_CUSTOMERS.alex);
    const context = await browser.newContext();
    const page = await context.newPage();
    return { sandbox, truth, context, page, problems: watchPage(page) };
  }

  it('session_ended_in_the_undo_window_stop_applied_once_then_shown_stopped_and_told_once_after_signing_in', async () => {
    const { sandbox, truth, context, page, problems } = await freshStart();
    const app = target(truth());
    try {
      await logIn(page, demo.url, 'alex');
      await showsTruth(page, truth);
      const stop = await confirmStop(page, app.id, 5);
      assert.equal(stop.state, 'pending');
      // The session ends inside the undo window; nothing in any browser holds the stop now.
      await logOut(page, demo.url);
      const left = Date.now();
      // Signed in again once the ledger settled it: what happened while nobody was there.
      const done = await eventually(() => settled.find((c) => c.id === stop.id), (c) => !!c, 'the BFF carried out the stop', 20_000);
      assert.equal(done!.state, 'applied');
      assert.ok(truth().find((c) => c.id === app.id)!.revoked_at, 'MX has the app stopped');
      assert.equal(sandbox.stats().revoke, 1);


      await logIn(page, demo.url, 'alex');
      await showsTruth(page, truth);
      assert.equal(await page.locator(`${HISTORY_APP}[data-id="${app.id}"]`).count(), 1, 'shown as stopped');
      const said = await eventually(async () => text(await page.locator(AWAY).textContent()), (s) => s !== '', 'the notice');
      assert.match(said, new RegExp(`^Sharing with ${app.application_name} stopped on [A-Z][a-z]+ \\d{1,2} at \\d{1,2}:\\d\\d [AP]M, after you left\\.$`));
      const active = await page.evaluate(FOCUSED);
      assert.ok(!String(active).includes('dismiss'), `focus is not taken (on ${active})`);
      // Told: the BFF marks it seen once it was on screen.
      const row = await eventually(
        () => page.evaluate(async (id) => ((await (await fetch(`/consent/changes/${id}`, { headers: { 'X-CSRF': '1' } })).json()) as { change: ChangeRecord }).change, stop.id),
        (c) => c.seen === true,
        'the BFF was told the outcome was said',
      );
      assert.equal(row.state, 'applied');
      assert.ok(Date.parse(row.applied_at!) >= Date.parse(row.due_at), 'carried out when due, not before');
      assert.ok(Date.parse(row.applied_at!) > left, 'and after the customer left');
      console.log(`# stop due ${row.due_at}, applied ${row.applied_at}: ${Date.parse(row.applied_at!) - Date.parse(row.due_at)} ms after due`);

      await page.reload();
      await showsTruth(page, truth);
      await page.locator(RECORD_LINES).first().waitFor();
      assert.equal(text(await page.locator(AWAY).textContent()), '', 'said once: not again after a reload');
      assert.equal(await page.locator(`${HISTORY_APP}[data-id="${app.id}"]`).count(), 1);
      assert.equal(sandbox.stats().revoke, 1, 'MX got exactly one stop');
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });

  it('history_across_two_logins_lists_both_visits_changes_newest_first_with_absolute_dates', async () => {
    const { sandbox, truth, context, page, problems } = await freshStart();
    const consents = truth();
    const app = target(consents);
    const other = consents.find((c) => c.id !== app.id && !c.revoked_at)!;
    try {
      // First login: an account off, another app stopped through the dialog.
      await logIn(page, demo.url, 'alex');
      await showsTruth(page, truth);
      const started = Date.now();
      await accountSwitch(page, app, 0).click();
      await showsTruth(page, truth);
      await stopThroughDialog(page, other);
      await showsTruth(page, truth);
      // The page told the BFF the customer saw these outcomes happen (so the next login does not report them as news).
      await eventually(
        () => page.evaluate(async () => ((await (await fetch('/consent/changes', { headers: { 'X-CSRF': '1' } })).json()) as { changes: ChangeRecord[] }).changes),
        (changes) => changes.length >= 2 && changes.slice(0, 2).every((c) => c.seen),
        'outcomes marked told',
      );
      await logOut(page, demo.url);

      // Second login, in direct mode: auto-share flipped (the widget calls MX itself; the record still has it).
      await logIn(page, demo.url, 'alex', '?mode=direct');
      await showsTruth(page, truth);
      await autoShareSwitch(page, app).click();
      await showsTruth(page, truth);
      const lines = await eventually(
        async () => (await page.locator(RECORD_LINES).allTextContents()).map(text),
        (l) => l.length >= 3 && l[0]!.includes('automatically'),
        'this test’s three changes in the record',
      );
      // The ledger keeps the first test's stop too (same customer): the three newest are this test's.
      const on = app.auto_enable_future_accounts ? 'not shared' : 'shared';
      assert.match(lines[0]!, new RegExp(`^${app.application_name} – New accounts are ${on} automatically Confirmed [A-Z][a-z]{2} \\d{1,2}, 20\\d\\d, \\d{1,2}:\\d\\d [AP]M · Done: applied `));
      assert.match(lines[1]!, new RegExp(`^${other.application_name} – Stopped sharing Confirmed .+ · Done: applied `));
      assert.match(lines[2]!, new RegExp(`^${app.application_name} – ${app.accounts[0]!.nickname} ending in \\d{4}: Not shared Confirmed .+ · Done: applied `));
      const times = await page.locator(RECORD_LINES).evaluateAll((lis) => lis.slice(0, 3).flatMap((li) => [...li.querySelectorAll('time')].map((t) => t.getAttribute('datetime')!)));
      assert.equal(times.length, 6, 'confirmed and applied, for each');
      for (const t of times) assert.ok(Date.parse(t) >= started - 5000 && Date.parse(t) <= Date.now(), t);
      assert.equal(text(await page.locator(AWAY).textContent()), '', 'what the customer watched happen is not news');

      // A reload in the second visit: the same history, from the ledger (the direct-mode change was this visit's only).
      await page.goto(`${demo.url}/?mode=proxy`);
      await showsTruth(page, truth);
      const again = await eventually(async () => (await page.locator(RECORD_LINES).allTextContents()).map(text), (l) => l.length >= 2, 'the record');
      assert.deepEqual(again.slice(0, 2).map((l) => l.split(' Confirmed')[0]), lines.slice(1, 3).map((l) => l.split(' Confirmed')[0]));
      assert.equal(sandbox.stats().revoke, 1, 'one stop reached MX');
      assert.equal(await card(page, other.id).locator('[part~="stop-button"]').count(), 0);
      assert.deepEqual(problems, []);
    } finally {
      await context.close();
    }
  });
});
