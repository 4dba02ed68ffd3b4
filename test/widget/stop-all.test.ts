import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, $$, confirmDialog, login, logout, mount, revokesOf, sandboxRequests, settled, setFaults, stats, statusText, upstreamConsents, asAlexRecordingEvents, openDialog, watchFetches } from './support.js';

describe('stopping sharing with every app', () => {
  const events = asAlexRecordingEvents();

  it('is offered only when more than one app shares', async () => {
    await logout();
    await login('sam');
    const el = await mount();
    expect($(el, '[part~="stop-all-button"]')).to.equal(null);
  });

  it('stops every app after one confirmation in one request to the BFF, showing how far it got by name', async function () {
    this.timeout(20_000);
    const el = await mount();
    // Slow enough that a progress read sees the stops on their way.
    await setFaults({ endpoint: 'revoke', kind: 'latency', latency_ms: 800 });
    const fetches = watchFetches();
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

    await waitUntil(() => $(el, '[part~="progress"]')?.textContent?.includes('Stopping…'), 'the BFF reports them on their way');
    const progress = $(el, '[part~="progress"]')!;
    for (const app of ['Fernpay', 'Summitvest Investing', 'Harborline Lending', 'Nestward Rent Reporting', 'Ledgerleaf Budget', 'Quillfile Tax'])
      expect(progress.textContent).to.contain(app);
    await expect(el).to.be.accessible();

    await waitUntil(() => $$(el, '.history li.app').length == 8, 'all in the history', { timeout: 10_000 });
    await settled(el);
    fetches.restore();
    expect(fetches.stops()).to.deep.equal(['POST /consent/stop-all'], 'one request for every app');
    expect(fetches.started.filter((r) => r.includes('disable_app_sharing'))).to.deep.equal([], 'the browser sends no stop to MX');
    expect(statusText(el)).to.equal('You stopped sharing with 6 apps.');
    expect($(el, '[part~="progress"]')).to.equal(null);
    expect($(el, '[part~="stop-all-button"]')).to.equal(null);
    expect((await stats()).revoke).to.equal(6);
    expect(events.counts()).to.include({ 'consent-before-stop': 1, 'consent-stop': 6, 'consent-error': 0 });
    expect(events.seen['consent-before-stop'][0]!.detail.consents).to.have.length(6);
    expect((await upstreamConsents()).every((c) => c.revoked_at)).to.equal(true);
  });

  it('names the apps MX refused and stops only those again, in one more request', async function () {
    this.timeout(30_000);
    const el = await mount();
    // MX refuses the first two stops it receives for good (a 400 is not retried by the BFF): which two depends on the
    // order the BFF sends them in.
    await setFaults({ endpoint: 'revoke', kind: 'error', status: 400, next: 2 });
    $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!.click();
    await confirmDialog(el);
    await waitUntil(() => statusText(el).startsWith('Stopped 4 of 6.'), 'partial outcome announced', { timeout: 15_000 });
    const refused = (await upstreamConsents()).filter((c) => !c.revoked_at).map((c) => c.application_name);
    expect(refused).to.have.length(2);
    const said = /^Stopped 4 of 6\. Could not stop: (.*)\.$/.exec(statusText(el));
    expect(said![1]!.split(', ')).to.have.members(refused, 'the refused apps, by name');
    await settled(el);
    const progress = $(el, '[part~="progress"]')!;
    expect(progress.textContent!.match(/Not stopped/g)).to.have.length(2);
    expect(events.counts()).to.include({ 'consent-stop': 4, 'consent-error': 2 });
    expect($$(el, '.history li.app').length).to.equal(6);
    await expect(el).to.be.accessible();

    const fetches = watchFetches();
    try {
      progress.querySelector<HTMLButtonElement>('button')!.click();
      await waitUntil(() => $$(el, '.history li.app').length == 8, 'the two stopped on retry', { timeout: 10_000 });
      await settled(el);
      expect(fetches.stops()).to.deep.equal(['POST /consent/stop-all']);
    } finally {
      fetches.restore();
    }
    expect(statusText(el)).to.equal('You stopped sharing with 2 apps.');
    expect((await stats()).revoke).to.equal(6 + 2, 'only the refused ones were sent again');
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
      expect(fetches.started.filter((r) => r.startsWith('DELETE /consent/stop-all/'))).to.have.length(1, 'one undo for every app');
      expect(fetches.stops()).to.deep.equal(['POST /consent/stops']);
      expect((await stats()).revoke).to.equal(1);
      expect((await sandboxRequests()).filter((r) => r.path.endsWith('/disable_app_sharing'))).to.have.length(1, 'only the later stop reached MX');
    } finally {
      fetches.restore();
    }
  });

  it('stops all 178 open apps of many200 in one request, with progress by name, the write limit untouched', async function () {
    this.timeout(120_000);
    await logout();
    await login('many200');
    const el = await mount();
    const open = (await upstreamConsents()).filter((c) => !c.revoked_at);
    expect(open).to.have.length(178);
    const before = (await stats()).revoke;
    const all = $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!;
    expect(all.textContent!.trim()).to.equal('Stop sharing with all 178 apps');
    const fetches = watchFetches();
    try {
      all.click();
      await confirmDialog(el);
      const started = performance.now();
      await waitUntil(() => $(el, '[part~="progress"]'), 'progress shown', { timeout: 10_000 });
      const names = [...$(el, '[part~="progress"]')!.querySelectorAll('li .grow')].map((n) => n.textContent);
      expect(names).to.have.length(178);
      expect(names).to.have.members(open.map((c) => c.application_name), 'progress by name');
      await waitUntil(() => statusText(el) == 'You stopped sharing with 178 apps.', 'all stopped', { timeout: 100_000, interval: 200 });
      const wall = performance.now() - started;
      await settled(el);
      expect(fetches.stops()).to.deep.equal(['POST /consent/stop-all'], 'one request, whatever the number of apps');
      const reads = fetches.started.filter((r) => r.startsWith('GET /consent/stop-all/')).length;
      expect((await stats()).revoke - before).to.equal(178, 'each counted once on the sandbox');
      expect((await upstreamConsents()).every((c) => c.revoked_at)).to.equal(true);
      for (const c of open.slice(0, 3)) expect(await revokesOf(c.id)).to.have.length(1);
      expect(events.counts()).to.include({ 'consent-stop': 178, 'consent-error': 0 });
      console.log(`stop-all many200: 178 of 178 stopped, ${Math.round(wall)} ms from confirm to the outcome, ${reads} progress reads`);
    } finally {
      fetches.restore();
    }
  });
});
