import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, $$, confirmDialog, login, logout, mount, settled, setFaults, stats, statusText, upstreamConsents, asAlexRecordingEvents, openDialog, watchFetches } from './support.js';

describe('stopping sharing with every app', () => {
  const events = asAlexRecordingEvents();

  it('is offered only when more than one app shares', async () => {
    await logout();
    await login('sam');
    const el = await mount();
    expect($(el, '[part~="stop-all-button"]')).to.equal(null);
  });

  it('stops every app after one confirmation, showing how far it got', async () => {
    const el = await mount();
    await setFaults({ endpoint: 'revoke', kind: 'latency', latency_ms: 150 });
    const all = $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!;
    expect(all.textContent!.trim()).to.equal('Stop sharing with all 6 apps');
    all.click();
    const dialog = await openDialog(el);
    await waitUntil(() => dialog.open, 'dialog');
    expect(dialog.querySelector('h2')!.textContent).to.equal('Stop sharing with all 6 apps?');
    expect([...dialog.querySelectorAll('#text li')].map((li) => li.textContent)).to.have.members([
      'Fernpay',
      'Summitvest Investing',
      'Harborline Lending',
      'Nestward Rent Reporting',
      'Ledgerleaf Budget',
      'Quillfile Tax',
    ]);
    expect(dialog.textContent).to.contain('Each app must delete or de-identify the data it already received and no longer needs, under its own policy.');
    expect(dialog.textContent).to.contain('New accounts you open will no longer be shared with them automatically.');
    await expect(el).to.be.accessible();
    await confirmDialog(el);

    await waitUntil(() => $(el, '[part~="progress"]'), 'progress shown');
    const progress = $(el, '[part~="progress"]')!;
    expect(progress.textContent).to.contain('Stopping…');
    expect(progress.textContent).to.contain('Waiting');
    await waitUntil(() => ($<HTMLProgressElement>(el, '[part~="progress"] progress')?.value ?? 0) >= 1, 'first app done', {
      timeout: 3000,
    });
    await expect(el).to.be.accessible();

    await waitUntil(() => $$(el, '.history li.app').length == 8, 'all in the history', { timeout: 8000 });
    await settled(el);
    expect(statusText(el)).to.equal('You stopped sharing with 6 apps.');
    expect($(el, '[part~="progress"]')).to.equal(null);
    expect($(el, '[part~="stop-all-button"]')).to.equal(null);
    expect((await stats()).revoke).to.equal(6);
    expect(events.counts()).to.include({ 'consent-before-stop': 1, 'consent-stop': 6, 'consent-error': 0 });
    expect(events.seen['consent-before-stop'][0]!.detail.consents).to.have.length(6);
    expect((await upstreamConsents()).every((c) => c.revoked_at)).to.equal(true);
  });

  it('names the apps it could not stop and retries only those', async function () {
    // Two rounds of stops with retries and backoff: slow on a busy machine.
    this.timeout(30_000);
    const el = await mount();
    // The first failing stop is tried three times; the second twice, when the client's retry budget runs out
    // (contract/retry.ts). The first two apps fail, the rest go through.
    await setFaults({ endpoint: 'revoke', kind: 'error', status: 500, next: 5 });
    $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!.click();
    await confirmDialog(el);
    await waitUntil(() => statusText(el).startsWith('Stopped 4 of 6.'), 'partial outcome announced', { timeout: 15_000 });
    expect(statusText(el)).to.equal('Stopped 4 of 6. Could not stop: Fernpay, Summitvest Investing.');
    await settled(el);
    const progress = $(el, '[part~="progress"]')!;
    expect(progress.textContent!.match(/Not stopped/g)).to.have.length(2);
    expect(events.counts()).to.include({ 'consent-stop': 4, 'consent-error': 2 });
    expect($$(el, '.history li.app').length).to.equal(6);
    await expect(el).to.be.accessible();

    progress.querySelector<HTMLButtonElement>('button')!.click();
    await waitUntil(() => $$(el, '.history li.app').length == 8, 'the two stopped on retry', { timeout: 10_000 });
    await settled(el);
    expect(statusText(el)).to.equal('You stopped sharing with 2 apps.');
    expect((await stats()).revoke).to.equal(5 + 4 + 2, 'only the failed ones were sent again');
    expect(events.counts()['consent-stop']).to.equal(6);
  });

  it('takes back stopping every app with one Undo', async () => {
    const el = await mount({ props: { undoSeconds: 1 } });
    $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!.click();
    await confirmDialog(el);
    await waitUntil(() => $(el, '[part~="undo"]'), 'window open');
    expect($(el, '[part~="undo"]')!.textContent).to.contain('Sharing with 6 apps stops in');
    const fetches = watchFetches();
    try {
      $<HTMLButtonElement>(el, '[part~="undo-button"]')!.click();
      await waitUntil(() => statusText(el) == 'You are still sharing with 6 apps.', 'undo announced');
      // One app stopped after the undo, with a window as long, lands after the undone stops were due.
      $<HTMLButtonElement>(el, '[part~="stop-button"]')!.click();
      await confirmDialog(el);
      await waitUntil(() => $$(el, '.history li.app').length == 3, 'the later stop landed', { timeout: 5000 });
      await settled(el);
      expect(fetches.stops().length).to.equal(1, fetches.stops().join());
      expect((await stats()).revoke).to.equal(1);
    } finally {
      fetches.restore();
    }
  });
});
