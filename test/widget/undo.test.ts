import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { createApiClient } from '../../widget/api-client.js';
import { $, $$, card, confirmDialog, control, focused, login, logout, mount, MODES, resetSandbox, settled, sleep, stats, statusText, upstreamConsents, asAlexRecordingEvents, watchFetches } from './support.js';

const upstreamApp = async (name: string) => (await upstreamConsents()).find((c) => c.application_name == name)!;

describe('undoing "Stop sharing" (undo-seconds)', () => {
  const events = asAlexRecordingEvents();

  it('holds a confirmed stop for the window, announces it, and sends it once the window ends', async function () {
    // The window is long enough for the checks below on a busy machine (the axe run alone can take a second).
    this.timeout(20_000);
    const el = await mount({ props: { undoSeconds: 5 } });
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => focused(el)?.matches('[part~="undo-button"]'), 'focus moved to Undo');
    expect(focused(el)!.getAttribute('aria-label')).to.equal('Undo stopping sharing with Harborline Lending');
    await waitUntil(() => statusText(el) != '', 'announced');
    expect(statusText(el)).to.equal('Sharing with Harborline Lending will stop in 5 seconds. You can undo it until then.');
    expect($(el, '[part~="undo"]')!.textContent).to.match(/Sharing with Harborline Lending stops in [1-5] s\./);
    const harborline = card(el, 'Harborline Lending');
    expect(harborline.querySelector('[part~="badge"]')!.textContent).to.equal('Stopping…');
    for (const sw of harborline.querySelectorAll('[role="switch"]')) expect(sw.getAttribute('aria-disabled')).to.equal('true');
    expect(control(el, 'Share new accounts automatically: Fernpay').getAttribute('aria-disabled')).to.equal('false', 'other apps stay operable');
    await expect(el).to.be.accessible();
    expect((await stats()).revoke).to.equal(0, 'nothing sent during the window');
    expect(events.counts()).to.include({ 'consent-before-stop': 1, 'consent-stop': 0 });

    await waitUntil(() => card(el, 'Harborline Lending').closest('.history'), 'stopped when the window ended', { timeout: 9000 });
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
      // A stop confirmed after the undo, with a window as long, ends after the undone one would have: once it has
      // landed, the undone stop's time to be sent is past.
      control(el, 'Stop sharing with Quillfile Tax').click();
      await confirmDialog(el);
      await waitUntil(() => card(el, 'Quillfile Tax').closest('.history'), 'the later stop landed', { timeout: 5000 });
      await settled(el);
      expect(fetches.stops().length).to.equal(1, fetches.stops().join());
      expect((await stats()).revoke).to.equal(1);
      expect((await upstreamApp('Harborline Lending')).revoked_at).to.equal(null);
      expect(card(el, 'Harborline Lending').querySelector('[part~="badge"]')!.textContent).to.equal('Sharing');
      expect(events.counts()['consent-stop']).to.equal(1);
      // Leaving sends every stop still held, at once: there is none.
      el.remove();
      expect(fetches.stops().length).to.equal(1, 'an undone stop is not sent when the element leaves');
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
    it(`sends a stop still in its window when the element leaves the page (${mode} mode)`, async () => {
      const el = await mount({ mode, props: { undoSeconds: 30 } });
      control(el, 'Stop sharing with Quillfile Tax').click();
      await confirmDialog(el);
      await waitUntil(() => $(el, '[part~="undo"]'), 'window open');
      await sleep(100);
      el.remove();
      await waitUntil(async () => (await upstreamApp('Quillfile Tax')).revoked_at, 'stopped upstream', { timeout: 4000 });
      expect((await stats()).revoke).to.equal(1);
    });
  }

  it('an online event with nothing waiting sends nothing', async () => {
    const el = await mount({ props: { undoSeconds: 1 } });
    const fetches = watchFetches();
    try {
      // The `online` handler sends what waits right away, synchronously up to `fetch`: there is nothing.
      window.dispatchEvent(new Event('online'));
      await settled(el);
      expect(fetches.started).to.deep.equal([]);
      expect((await stats()).revoke).to.equal(0);
    } finally {
      fetches.restore();
    }
  });
});

describe('the api client’s beacon (a stop sent as the page goes away)', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(async () => {
    await logout();
  });

  it('proxy mode sends with the session; direct mode only with a token it armed beforehand', async () => {
    const id = async (name: string) => (await upstreamApp(name)).id;

    const direct = createApiClient({ bff: '/consent', mode: 'direct' });
    const fernpay = await id('Fernpay');
    const fetches = watchFetches();
    try {
      // A beacon is sent, or not, before beacon() returns.
      direct.beacon(fernpay);
      expect(fetches.started).to.deep.equal([], 'no token at hand, nothing sent');
    } finally {
      fetches.restore();
    }
    expect((await stats()).revoke).to.equal(0);
    await direct.arm();
    direct.beacon(await id('Fernpay'));
    await waitUntil(async () => (await upstreamApp('Fernpay')).revoked_at, 'direct beacon landed', { timeout: 3000 });

    createApiClient({ bff: '/consent/', mode: 'proxy' }).beacon(await id('Quillfile Tax'));
    await waitUntil(async () => (await upstreamApp('Quillfile Tax')).revoked_at, 'proxy beacon landed', { timeout: 3000 });
    expect((await stats()).revoke).to.equal(2);
  });
});
