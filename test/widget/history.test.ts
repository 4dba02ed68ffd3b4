/**
 * The customer's history across visits (the record and the receipt read the BFF's ledger) and the "while you were
 * away" notice, in Chromium against the demo BFF, its ledger and the MX sandbox. A new element is what a reload gives
 * the widget: a new client, a new visit, nothing kept in memory.
 */
import { expect, fixture, fixtureCleanup, html, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import type { ChangeRecord } from '../../contract/consent.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import { $, card, confirmDialog, control, focused, login, logout, MODES, mount, resetSandbox, setFaults, settled, stats, statusText, upstreamConsents, watchFetches } from './support.js';

async function bff<T>(method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`/consent${path}`, {
    method,
    credentials: 'same-origin',
    headers: { 'X-CSRF': '1', ...(body ? { 'Content-Type': 'application/json' } : {}) },
    body: body ? JSON.stringify(body) : undefined,
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json() as Promise<T>;
}

const history = () => bff<{ changes: ChangeRecord[] }>('GET', '/changes?limit=200').then((a) => a.changes);
const change = (id: string) => bff<{ change: ChangeRecord }>('GET', `/changes/${id}`).then((a) => a.change);

/**
 * Earlier tests of this run acted as the same customer: a stop one of them left held is cancelled (else it falls due
 * during this test and is rightly news), and their outcomes count as told, so only this test's are news.
 */
async function tellEverything() {
  for (const c of await history()) if (c.action == 'stop' && c.state == 'pending') await bff('DELETE', `/stops/${c.id}`).catch(() => {});
  await waitUntil(async () => !(await history()).some((c) => c.state == 'pending' || c.state == 'sent'), 'earlier tests’ stops settled', { timeout: 20_000 });
  const ids = (await history()).filter((c) => !c.seen && ['applied', 'failed', 'cancelled'].includes(c.state)).map((c) => c.id);
  if (ids.length) await bff('POST', '/changes/seen', { ids });
}

/** A confirmed stop recorded by the BFF with its undo window, as the stop path posts it. */
async function confirmStop(app: string, undoSeconds: number) {
  const consent = (await upstreamConsents()).find((c) => c.application_name == app)!;
  const { change } = await bff<{ change: ChangeRecord }>('POST', '/stops', { consent_id: consent.id, undo_seconds: undoSeconds });
  expect(change.state).to.equal('pending');
  return change;
}

/** alex stops Fernpay (1 s undo window) and logs out; back once the BFF carried it out and the ledger settled it. */
async function fernpayStoppedWhileAway() {
  const stop = await confirmStop('Fernpay', 1);
  await logout();
  // The BFF carries it out with nobody signed in: the sandbox sees the stop.
  await waitUntil(async () => (await stats()).revoke == 1, 'the stop reached MX', { timeout: 10_000, interval: 100 });
  await login('alex');
  await waitUntil(async () => (await change(stop.id)).state == 'applied', 'the ledger settled the stop', { timeout: 8000 });
  return stop;
}

const record = (el: ConsentManager) => $(el, '[part~="receipt"]')!.shadowRoot!;
const lines = (el: ConsentManager) =>
  [...record(el).querySelectorAll('.changes li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
const notice = (el: ConsentManager) => $(el, '[part~="away"] [role="status"]')?.textContent?.replace(/\s+/g, ' ').trim() ?? '';
/** The record has read the history: the notice (read with it) has had its say. */
const historyRead = (el: ConsentManager) => waitUntil(() => record(el) && !record(el).querySelector('.loading'), 'history read', { timeout: 8000 });

describe('the customer’s history and the "while you were away" notice', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
    await tellEverything();
  });
  afterEach(() => logout());

  for (const mode of MODES) {
    it(`${mode} mode: after a reload the record lists the changes of the earlier visit, with absolute dates, and the receipt has them`, async () => {
      const before = Date.now();
      const first = await mount();
      control(first, 'Share Everyday Checking ending').click();
      await waitUntil(() => statusText(first) == 'Your change for Fernpay is saved.', 'account change saved');
      control(first, 'Stop sharing with Harborline Lending').click();
      await confirmDialog(first);
      await waitUntil(() => card(first, 'Harborline Lending').closest('.history'), 'stopped', { timeout: 4000 });
      await settled(first);
      // The page told the BFF that the customer saw these outcomes happen.
      await waitUntil(async () => (await history()).slice(0, 2).every((c) => c.seen), 'outcomes marked told', { timeout: 8000 });
      fixtureCleanup();

      const el = await mount({ mode });
      await historyRead(el);
      const newest = lines(el).slice(0, 2);
      expect(newest[0]).to.match(/^Harborline Lending – Stopped sharing Confirmed [A-Z][a-z]{2} \d{1,2}, 20\d\d, \d{1,2}:\d\d [AP]M · Done: applied /);
      expect(newest[1]).to.match(/^Fernpay – Everyday Checking ending in \d{4}: Not shared Confirmed .+ · Done: applied /);
      for (const time of [...record(el).querySelectorAll('.changes li')].slice(0, 2).flatMap((li) => [...li.querySelectorAll('time')]))
        expect(Date.parse(time.getAttribute('datetime')!)).to.be.within(before - 5000, Date.now());
      expect(notice(el)).to.equal('', 'changes the customer watched happen are not news');

      const receipt = await el.receipt();
      expect(receipt.changes.slice(0, 2).map((c) => [c.application_name, c.kind, c.state])).to.deep.equal([
        ['Harborline Lending', 'stop', 'applied'],
        ['Fernpay', 'account', 'applied'],
      ]);
      expect(receipt.changes[1]).to.include({ account: 'Everyday Checking', enabled: false });
    });
  }

  for (const mode of MODES) {
    it(`${mode} mode: a page load asks the BFF for the customer’s changes once, for both a pending stop’s countdown and the record`, async function () {
      this.timeout(30_000);
      const stop = await confirmStop('Fernpay', 60);
      const fetches = watchFetches();
      try {
        const el = await mount({ mode });
        await waitUntil(() => $(el, '[part~="undo"]')?.textContent?.includes('Fernpay'), 'the pending stop’s countdown', { timeout: 8000 });
        await historyRead(el);
        expect(lines(el).some((l) => l.includes('Fernpay')), 'the record lists the stop').to.equal(true);
        expect(fetches.started.filter((r) => r == 'GET /consent/changes')).to.deep.equal(['GET /consent/changes']);
      } finally {
        fetches.restore();
        await bff('DELETE', `/stops/${stop.id}`);
      }
    });
  }

  it('in Spanish the record’s dates and states are Spanish (Intl, the page’s language)', async () => {
    await confirmStop('Fernpay', 0);
    const el = await mount({ lang: 'es' });
    await historyRead(el);
    await waitUntil(() => lines(el)[0]?.includes('Hecho'), 'the stop applied', { timeout: 8000 });
    expect(lines(el)[0]).to.match(/^Fernpay – Dejaste de compartir Confirmado el \d{1,2} [a-z]{3} 20\d\d, \d{1,2}:\d\d · Hecho: aplicado el /);
  });

  it('a stop carried out after the customer left is said once, politely, without taking focus; not again after a reload', async function () {
    this.timeout(30_000);
    const stop = await fernpayStoppedWhileAway();

    const el = await mount();
    expect(card(el, 'Fernpay').closest('.history'), 'Fernpay shown as stopped').to.exist;
    await waitUntil(() => notice(el), 'the notice', { timeout: 8000 });
    expect(notice(el)).to.match(/^Sharing with Fernpay stopped on [A-Z][a-z]+ \d{1,2} at \d{1,2}:\d\d [AP]M, after you left\.$/);
    const region = $(el, '[part~="away"] [role="status"]')!;
    expect(region.closest('[hidden], [aria-hidden="true"]')).to.equal(null);
    expect(focused(el)?.matches('[part~="dismiss-button"]') ?? false).to.equal(false, 'focus is not taken');
    await expect(el).to.be.accessible();
    await waitUntil(async () => (await change(stop.id)).seen, 'the BFF was told it was said');

    fixtureCleanup();
    const again = await mount();
    await historyRead(again);
    expect(notice(again)).to.equal('', 'said once');
    expect(card(again, 'Fernpay').closest('.history')).to.exist;
    expect((await stats()).revoke).to.equal(1, 'exactly one stop reached MX');
  });

  it('the notice can be dismissed; focus goes to the list, not the page', async function () {
    this.timeout(30_000);
    await fernpayStoppedWhileAway();
    const el = await mount();
    await waitUntil(() => notice(el), 'the notice', { timeout: 8000 });
    const dismiss = $<HTMLButtonElement>(el, '[part~="dismiss-button"]')!;
    expect(dismiss.textContent!.trim()).to.equal('Dismiss');
    dismiss.focus();
    dismiss.click();
    await el.updateComplete;
    expect(notice(el)).to.equal('');
    expect($(el, '[part~="dismiss-button"]')).to.equal(null);
    expect(focused(el)?.id).to.equal('active');
  });

  it('a stop that failed for good is said plainly, with the bank’s help', async function () {
    this.timeout(30_000);
    // MX refuses the stop outright (403): no retry can apply it.
    await setFaults({ endpoint: 'revoke', kind: 'error', status: 403 });
    const stop = await confirmStop('Harborline Lending', 1);
    await logout();
    await waitUntil(async () => (await stats()).revoke >= 1, 'the stop was tried', { timeout: 10_000, interval: 100 });
    await login('alex');
    await waitUntil(async () => (await change(stop.id)).state == 'failed', 'the stop failed', { timeout: 8000 });
    await setFaults([]);

    const el = await fixture<ConsentManager>(html`<consent-manager lang="en"><p slot="help">Call us on 0800 123 456.</p></consent-manager>`);
    await settled(el);
    await waitUntil(() => notice(el), 'the notice', { timeout: 8000 });
    expect(notice(el)).to.equal('We couldn’t stop sharing with Harborline Lending, so it may still see your data. Try again, or contact us.');
    const away = $(el, '[part~="away"]')!.getRootNode() as ShadowRoot;
    const help = away.querySelector<HTMLSlotElement>('slot[name="help"]')!;
    const shown = help.assignedNodes({ flatten: true }).map((n) => n.textContent).join('');
    expect(shown).to.equal('Call us on 0800 123 456.');
    expect(card(el, 'Harborline Lending').closest('.history'), 'still sharing, shown as such').to.equal(null);
    await expect(el).to.be.accessible();
    await waitUntil(async () => (await change(stop.id)).seen, 'the BFF was told it was said');
  });
});
