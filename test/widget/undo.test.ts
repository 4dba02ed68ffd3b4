import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, $$, card, confirmDialog, control, focused, ledgerChange, ledgerStops, mount, MODES, revokesOf, settled, stats, statusText, upstreamConsents, asAlexRecordingEvents, watchFetches } from './support.js';

const upstreamApp = async (name: string) => (await upstreamConsents()).find((c) => c.application_name == name)!;

describe('undoing "Stop sharing" (undo-seconds)', () => {
  const events = asAlexRecordingEvents();

  it('holds a confirmed stop for the window, announces it, and sends it once the window ends', async function () {
    // The window is long enough for the checks below on a busy machine (the axe run alone can take a second).
    this.timeout(30_000);
    const el = await mount({ props: { undoSeconds: 8 } });
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => focused(el)?.matches('[part~="undo-button"]'), 'focus moved to Undo');
    // Read before the ledger still says pending: nothing can have reached MX by then.
    const sent = (await stats()).revoke;
    const [held] = await ledgerStops();
    expect(held!.state).to.equal('pending', 'held by the BFF');
    expect(sent).to.equal(0, 'nothing sent during the window');
    expect(focused(el)!.getAttribute('aria-label')).to.equal('Undo stopping sharing with Harborline Lending');
    await waitUntil(() => statusText(el) != '', 'announced');
    expect(statusText(el)).to.equal('Sharing with Harborline Lending will stop in 8 seconds. You can undo it until then.');
    expect($(el, '[part~="undo"]')!.textContent).to.match(/Sharing with Harborline Lending stops in [1-8] s\./);
    const harborline = card(el, 'Harborline Lending');
    expect(harborline.querySelector('[part~="badge"]')!.textContent).to.equal('Stopping…');
    for (const sw of harborline.querySelectorAll('[role="switch"]')) expect(sw.getAttribute('aria-disabled')).to.equal('true');
    expect(control(el, 'Share new accounts automatically: Fernpay').getAttribute('aria-disabled')).to.equal('false', 'other apps stay operable');
    await expect(el).to.be.accessible();
    expect(events.counts()).to.include({ 'consent-before-stop': 1 });

    await waitUntil(() => card(el, 'Harborline Lending').closest('.history'), 'stopped when the window ended', { timeout: 15_000 });
    await settled(el);
    expect(statusText(el)).to.equal('You stopped sharing with Harborline Lending.');
    expect($(el, '[part~="undo"]')).to.equal(null);
    expect((await stats()).revoke).to.equal(1);
    expect(events.counts()['consent-stop']).to.equal(1);
    expect(focused(el)?.textContent?.trim(), 'focus went to the outcome left where the app was, from the Undo it lost').to.equal(
      '✓ You stopped sharing with Harborline Lending.',
    );
  });

  it('takes the stop back with Undo, so no stop ever reaches the upstream', async () => {
    const fetches = watchFetches();
    try {
      const el = await mount({ props: { undoSeconds: 1 } });
      control(el, 'Stop sharing with Harborline Lending').click();
      await confirmDialog(el);
      await waitUntil(() => $(el, '[part~="undo-button"]'), 'undo offered');
      $<HTMLButtonElement>(el, '[part~="undo-button"]')!.click();
      await waitUntil(() => statusText(el) == 'You are still sharing with Harborline Lending.', 'undo announced');
      expect($(el, '[part~="undo"]')).to.equal(null);
      expect(focused(el)?.textContent).to.equal('Harborline Lending', 'focus on the app kept');
      expect(fetches.started.filter((r) => r.startsWith('DELETE /consent/stops/'))).to.have.length(1, 'one cancel to the BFF');
      const [undone] = await ledgerStops();
      expect(undone!.state).to.equal('cancelled', 'the BFF cancelled it before its due time');
      // A stop confirmed after the undo, with a window as long, ends after the undone one would have: once it has
      // landed, the undone stop's time to be sent is past.
      control(el, 'Stop sharing with Quillfile Tax').click();
      await confirmDialog(el);
      await waitUntil(() => card(el, 'Quillfile Tax').closest('.history'), 'the later stop landed', { timeout: 5000 });
      await settled(el);
      expect(fetches.stops().length).to.equal(2, fetches.stops().join());
      expect((await stats()).revoke).to.equal(1);
      const harborline = await upstreamApp('Harborline Lending');
      expect(harborline.revoked_at).to.equal(null);
      expect(await revokesOf(harborline.id)).to.deep.equal([], 'no stop of the undone app reached MX');
      expect(card(el, 'Harborline Lending').querySelector('[part~="badge"]')!.textContent).to.equal('Sharing');
      expect(events.counts()['consent-stop']).to.equal(1);
    } finally {
      fetches.restore();
    }
  });

  it('keeps separate windows apart: undoing one stop leaves the other to run out', async () => {
    const el = await mount({ props: { undoSeconds: 1 } });
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => $(el, '[part~="undo"]'), 'first window');
    control(el, 'Stop sharing with Quillfile Tax').click();
    await confirmDialog(el);
    await waitUntil(() => $$(el, '[part~="undo"]').length == 2, 'two windows');
    control(el, 'Undo stopping sharing with Quillfile Tax').click();
    await waitUntil(() => card(el, 'Harborline Lending').closest('.history'), 'Harborline stopped', { timeout: 4000 });
    await settled(el);
    expect(card(el, 'Quillfile Tax').closest('.history')).to.equal(null);
    expect((await stats()).revoke).to.equal(1);
  });

  for (const mode of MODES) {
    it(`the BFF carries out a stop still in its window after the element leaves the page, once (${mode} mode)`, async () => {
      const el = await mount({ mode, props: { undoSeconds: 2 } });
      control(el, 'Stop sharing with Quillfile Tax').click();
      await confirmDialog(el);
      await waitUntil(() => $(el, '[part~="undo"]'), 'window open');
      el.remove();
      const quillfile = await upstreamApp('Quillfile Tax');
      expect(quillfile.revoked_at).to.equal(null, 'nothing sent during the window');
      const [stop] = await ledgerStops();
      await waitUntil(async () => (await ledgerChange(stop!.id)).state == 'applied', 'applied by the BFF when due', { timeout: 8000 });
      expect((await upstreamApp('Quillfile Tax')).revoked_at).to.be.a('string');
      expect(await revokesOf(quillfile.id)).to.have.length(1);
      expect((await stats()).revoke).to.equal(1);
    });
  }

  it('a countdown survives a reload: the time left runs from the BFF’s due time, and Undo still cancels with nothing reaching MX', async function () {
    this.timeout(20_000);
    const first = await mount({ props: { undoSeconds: 8 } });
    control(first, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(first);
    await waitUntil(() => $(first, '[part~="undo"]'), 'window open');
    const [stop] = await ledgerStops();
    const due = Date.parse(stop!.due_at);
    // The page goes away and comes back (a new element, a new client: nothing kept in the browser).
    first.remove();
    await waitUntil(() => Date.now() > due - 6000, 'two seconds of the window gone', { timeout: 4000, interval: 50 });
    const fetches = watchFetches();
    try {
      const el = await mount({ props: { undoSeconds: 8 } });
      await waitUntil(() => $(el, '[part~="undo"]'), 'the countdown is back after the reload', { timeout: 5000 });
      expect(fetches.started).to.include('GET /consent/changes');
      const left = Number(/stops in (\d+) s/.exec($(el, '[part~="undo"]')!.textContent!)![1]);
      const expected = Math.ceil((due - Date.now()) / 1000);
      expect(left).to.be.within(expected - 1, expected + 1, 'seconds left from due_at, not a fresh window');
      expect(left).to.be.below(8);
      expect(card(el, 'Harborline Lending').querySelector('[part~="badge"]')!.textContent).to.equal('Stopping…');
      $<HTMLButtonElement>(el, '[part~="undo-button"]')!.click();
      await waitUntil(() => statusText(el) == 'You are still sharing with Harborline Lending.', 'undo announced');
      expect(fetches.started).to.include(`DELETE /consent/stops/${stop!.id}`);
      expect((await ledgerChange(stop!.id)).state).to.equal('cancelled');
      expect(await revokesOf(stop!.consent_id)).to.deep.equal([], 'nothing reached MX');
      expect((await stats()).revoke).to.equal(0);
      expect(card(el, 'Harborline Lending').querySelector('[part~="badge"]')!.textContent).to.equal('Sharing');
    } finally {
      fetches.restore();
    }
  });

  it('a stop found pending after a reload shows as stopped once the BFF carried it out', async function () {
    this.timeout(20_000);
    const first = await mount({ props: { undoSeconds: 2 } });
    control(first, 'Stop sharing with Fernpay').click();
    await confirmDialog(first);
    await waitUntil(() => $(first, '[part~="undo"]'), 'window open');
    first.remove();
    const el = await mount();
    await waitUntil(() => $(el, '[part~="undo"]'), 'the countdown is back', { timeout: 5000 });
    await waitUntil(() => card(el, 'Fernpay').closest('.history'), 'shown stopped once due', { timeout: 8000 });
    await settled(el);
    expect(statusText(el)).to.equal('You stopped sharing with Fernpay.');
    expect(card(el, 'Fernpay').querySelector('[part~="badge"]')!.textContent).to.equal('Stopped');
    expect((await stats()).revoke).to.equal(1);
  });
});
