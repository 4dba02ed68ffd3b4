import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import { $, card, control, mount, MODES, settled, setFaults, stats, statusText, upstreamConsents, asAlexRecordingEvents, openDialog } from './support.js';

const upstreamApp = async (name: string) => (await upstreamConsents()).find((c) => c.application_name == name)!;

async function confirmStop(el: ConsentManager, app: string) {
  control(el, `Stop sharing with ${app}`).click();
  const dialog = await openDialog(el);
  await waitUntil(() => dialog.open, 'dialog opens');
  $<HTMLButtonElement>(el, '[part~="confirm-button"]')!.click();
}

describe('consent-manager actions against the sandbox', () => {
  const events = asAlexRecordingEvents();

  for (const mode of MODES) {
    describe(`${mode} mode`, () => {
      it('turns an account off, showing the change in flight; a switch tapped meanwhile waits, says so, and goes next', async () => {
        const el = await mount({ mode });
        await setFaults({ endpoint: 'account', kind: 'latency', latency_ms: 400, next: 1 });
        const sw = control(el, 'Share Everyday Checking');
        expect(sw.closest('li.app')!.querySelector('h3')!.textContent).to.equal('Fernpay');
        sw.click();
        await el.updateComplete;
        expect(sw.getAttribute('aria-busy')).to.equal('true');
        expect(sw.getAttribute('aria-checked')).to.equal('true', 'still the confirmed state while in flight');
        expect(sw.parentElement!.textContent).to.contain('Saving…');
        expect(control(el, 'Share new accounts automatically: Fernpay').getAttribute('aria-disabled')).to.equal('true');
        sw.click();
        const rainy = control(el, 'Share Rainy Day Savings ending');
        rainy.click();
        await el.updateComplete;
        expect(rainy.parentElement!.textContent).to.contain('Waiting for the change before it', 'the tapped switch says why it waits');

        await waitUntil(() => events.counts()['consent-change'] == 2, 'the queued change went next', { timeout: 5000 });
        await settled(el);
        expect(sw.getAttribute('aria-checked')).to.equal('false');
        expect(control(el, 'Share Rainy Day Savings ending').getAttribute('aria-checked')).to.equal('true');
        expect(statusText(el)).to.equal('Your change for Fernpay is saved.');
        expect(events.counts()).to.include({ 'consent-change': 2, 'consent-error': 0 });
        const { detail } = events.seen['consent-change'][0]!;
        expect(detail.change).to.deep.include({ kind: 'account', enabled: false });
        expect(detail.consent.application_name).to.equal('Fernpay');
        expect((await stats()).account).to.equal(2, 'the second tap on the switch in flight sent nothing; the queued one went once');
        const fernpay = await upstreamApp('Fernpay');
        expect(fernpay.accounts.find((a) => a.nickname == 'Everyday Checking')!.enabled).to.equal(false);
        expect(fernpay.accounts.find((a) => a.nickname == 'Rainy Day Savings')!.enabled).to.equal(true);
      });

      it('turns an account on', async () => {
        const el = await mount({ mode });
        const sw = control(el, 'Share Rainy Day Savings ending');
        sw.click();
        await waitUntil(() => sw.getAttribute('aria-checked') == 'true', 'switched on');
        expect(events.seen['consent-change'][0]!.detail.change).to.deep.include({ kind: 'account', enabled: true });
        expect(events.counts()['consent-change']).to.equal(1);
      });

      it('switches auto-share of new accounts', async () => {
        const el = await mount({ mode });
        const sw = control(el, 'Share new accounts automatically: Fernpay');
        expect(sw.getAttribute('aria-checked')).to.equal('false');
        sw.click();
        await waitUntil(() => sw.getAttribute('aria-checked') == 'true', 'switched on');
        expect(events.counts()['consent-change']).to.equal(1);
        expect(events.seen['consent-change'][0]!.detail.change).to.deep.equal({ kind: 'auto-share', enabled: true });
        expect((await upstreamApp('Fernpay')).auto_enable_future_accounts).to.equal(true);
      });

      it('stops sharing after confirmation and moves the app to the history at once', async () => {
        const el = await mount({ mode });
        await confirmStop(el, 'Harborline Lending');
        await waitUntil(() => card(el, 'Harborline Lending').closest('.history'), 'moved to history');
        await settled(el);
        const moved = card(el, 'Harborline Lending');
        expect(moved.querySelector('[part~="badge"]')!.textContent).to.equal('Stopped');
        expect(moved.querySelector('[role="switch"]')).to.equal(null);
        expect(statusText(el)).to.equal('You stopped sharing with Harborline Lending.');
        expect(events.counts()).to.include({ 'consent-before-stop': 1, 'consent-stop': 1, 'consent-change': 0, 'consent-error': 0 });
        const { consent } = events.seen['consent-stop'][0]!.detail;
        expect(consent.revoked_at).to.be.a('string');
        expect((await upstreamApp('Harborline Lending')).revoked_at).to.equal(consent.revoked_at);
        expect((await stats()).revoke).to.equal(1);
      });

      it('rolls a failed account change back and says so', async () => {
        const el = await mount({ mode });
        await setFaults({ endpoint: 'account', kind: 'error', status: 500 });
        const sw = control(el, 'Share Everyday Checking ending');
        sw.click();
        // Three attempts with backoff, each recorded in the ledger and answered by the BFF after its own: seconds on a loaded machine.
        await waitUntil(() => statusText(el).includes('could not be saved'), 'failure announced', { timeout: 8000 });
        await settled(el);
        expect(sw.getAttribute('aria-checked')).to.equal('true');
        expect(events.counts()).to.include({ 'consent-change': 0, 'consent-error': 1 });
        expect(events.seen['consent-error'][0]!.detail.code).to.be.a('string');
        await setFaults([]);
        expect((await upstreamApp('Fernpay')).accounts[0]!.enabled).to.equal(true);
      });

      it('shows the true state after a write that landed but whose answer was lost', async () => {
        const el = await mount({ mode });
        await setFaults({ endpoint: 'auto_share', kind: 'apply_then_drop', next: 1 });
        const sw = control(el, 'Share new accounts automatically: Fernpay');
        sw.click();
        await waitUntil(() => sw.getAttribute('aria-checked') == 'true', 'shows the applied change');
        await settled(el);
        expect((await upstreamApp('Fernpay')).auto_enable_future_accounts).to.equal(true);
        expect(events.counts()).to.include({ 'consent-change': 1, 'consent-error': 0 }, 'the retry of the absolute value succeeded');
      });

      it('keeps the app when MX refuses the stop for good, and says so', async () => {
        const el = await mount({ mode });
        // A 4xx: the BFF's ledger does not retry it (a 5xx it retries until MX is back: see stop-flow.test.ts).
        await setFaults({ endpoint: 'revoke', kind: 'error', status: 400 });
        await confirmStop(el, 'Fernpay');
        await waitUntil(() => statusText(el).includes('could not be stopped'), 'failure announced', { timeout: 5000 });
        await settled(el);
        expect(card(el, 'Fernpay').closest('.history')).to.equal(null);
        expect(events.counts()).to.include({ 'consent-stop': 0, 'consent-error': 1 });
        await setFaults([]);
        expect((await upstreamApp('Fernpay')).revoked_at).to.equal(null);
      });

      it('refuses to lose a write when the upstream answers garbage first', async () => {
        const el = await mount({ mode });
        await setFaults({ endpoint: 'account', kind: 'malformed', next: 1 });
        const sw = control(el, 'Share Everyday Checking ending');
        sw.click();
        await waitUntil(() => sw.getAttribute('aria-checked') == 'false', 'applied');
        await settled(el);
        expect((await upstreamApp('Fernpay')).accounts[0]!.enabled).to.equal(false);
      });
    });
  }

  it('fires nothing when properties are set from script', async () => {
    const el = await mount();
    el.accountPolicy = 'read-only';
    el.strings = { sharing: 'On' };
    el.mode = 'direct';
    await el.updateComplete;
    await settled(el);
    el.bff = '/consent/';
    el.undoSeconds = 5;
    el.forgottenDays = 1;
    el.fraudHref = '/report';
    el.directory = { Fernpay: { description: 'Payments' } };
    await el.updateComplete;
    await settled(el);
    expect(events.counts()).to.deep.equal({
      'consent-change': 0,
      'consent-stop': 0,
      'consent-error': 0,
      'consent-session-expired': 0,
      'consent-before-stop': 0,
      'consent-unrecognized': 0,
    });
  });

  it('events bubble out of the shadow root and are composed', async () => {
    const el = await mount();
    control(el, 'Share Rainy Day Savings ending').click();
    await waitUntil(() => events.seen['consent-change'].length == 1, 'change event');
    const e = events.seen['consent-change'][0]!;
    expect(e.bubbles && e.composed).to.equal(true);
    expect(e.target == el, 'dispatched by the element').to.equal(true);
  });
});
