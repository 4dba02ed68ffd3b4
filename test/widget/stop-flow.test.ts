import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/define.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import type { ConsentBeforeStopDetail } from '../../widget/events.js';
import { $, $$, card, confirmDialog, control, focused, login, logout, mount, openDialog, recordEvents, resetSandbox, setFaults, settled, stats, statusText, watchFetches } from './support.js';

const press = (key: string) => sendKeys({ press: key });

describe('stopping sharing', () => {
  let events: ReturnType<typeof recordEvents>;
  let restoreFetch = () => {};
  beforeEach(async () => {
    await resetSandbox();
    events = recordEvents();
  });
  afterEach(async () => {
    restoreFetch();
    restoreFetch = () => {};
    events.stop();
    await logout();
  });

  it('works from the keyboard alone, with focus moved into the dialog and back', async () => {
    await login('sam');
    const wrapper = await fixture<HTMLDivElement>(html`<div>
      <button id="before">Before</button>
      <consent-manager lang="en"></consent-manager>
    </div>`);
    const el = wrapper.querySelector('consent-manager')!;
    await settled(el);
    wrapper.querySelector<HTMLButtonElement>('#before')!.focus();

    await press('Tab');
    expect(document.activeElement == el, 'focus entered the widget').to.equal(true);
    expect(focused(el)!.getAttribute('aria-label')).to.match(/^Share Joint Checking ending in \d{4} with Ledgerleaf Budget$/);
    await press('Space');
    await waitUntil(() => focused(el)?.getAttribute('aria-checked') == 'false', 'space toggled the switch');
    await settled(el);
    expect(focused(el)!.getAttribute('aria-label')).to.contain('Joint Checking', 'focus stayed on the switch');

    await press('Tab');
    await press('Tab');
    await press('Tab');
    const trigger = focused(el)!;
    expect(trigger.getAttribute('aria-label')).to.equal('Stop sharing with Ledgerleaf Budget');

    await press('Enter');
    const dialog = await openDialog(el);
    await waitUntil(() => dialog.open, 'dialog open');
    expect(focused(el)!.textContent!.trim()).to.equal('Cancel');
    expect(dialog.textContent).to.contain('Stop sharing with Ledgerleaf Budget?');
    expect(dialog.textContent).to.contain('will no longer be able to see');
    expect(dialog.textContent).to.contain('must delete or de-identify the data it already received and no longer needs, under its own policy');
    expect(dialog.textContent).to.contain('Before you stop, check with Ledgerleaf Budget whether its service to you will be affected.');
    await expect(el).to.be.accessible();

    await press('Escape');
    await waitUntil(() => !dialog.open, 'escape closes');
    expect(focused(el) == trigger, 'focus returned to the trigger').to.equal(true);
    expect(events.counts()['consent-before-stop']).to.equal(0);

    await press('Enter');
    await waitUntil(() => dialog.open, 'dialog open again');
    await press('Tab');
    expect(focused(el)!.textContent!.trim()).to.equal('Stop sharing');
    await press('Enter');
    await waitUntil(() => statusText(el) == 'You stopped sharing with Ledgerleaf Budget.', 'stopped');
    await settled(el);
    expect(focused(el)!.textContent).to.equal('Ledgerleaf Budget');
    expect(focused(el)!.closest('.history')).to.exist;
    expect(events.counts()).to.include({ 'consent-before-stop': 1, 'consent-stop': 1, 'consent-change': 1 });
  });

  it('gives Cancel the same size and weight as Confirm', async () => {
    await login('sam');
    const el = await mount();
    control(el, 'Stop sharing with').click();
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog')?.open, 'open');
    const [cancel, confirm] = $$(el, 'dialog button');
    const a = cancel!.getBoundingClientRect();
    const b = confirm!.getBoundingClientRect();
    expect(Math.round(a.height)).to.equal(Math.round(b.height));
    expect(Math.abs(a.width - b.width)).to.be.lessThan(2);
    expect(getComputedStyle(cancel!).fontWeight).to.equal(getComputedStyle(confirm!).fontWeight);
    $<HTMLDialogElement>(el, 'dialog')!.close();
  });

  it('holds the stop while the page verifies the customer, until resume()', async () => {
    await login('alex');
    const fetches = watchFetches();
    restoreFetch = fetches.restore;
    let held: ConsentBeforeStopDetail | undefined;
    const el = await mount();
    el.addEventListener('consent-before-stop', (e) => {
      e.preventDefault();
      held = e.detail;
    });
    control(el, 'Stop sharing with Fernpay').click();
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog')?.open, 'open');
    $<HTMLButtonElement>(el, '[part~="confirm-button"]')!.click();
    await waitUntil(() => held, 'before-stop fired');
    expect(held!.consent.application_name).to.equal('Fernpay');
    // Held: the page cancelled the event, and the flow shows it waits (busy) rather than sending.
    const trigger = control(el, 'Stop sharing with Fernpay');
    await waitUntil(() => trigger.getAttribute('aria-busy') == 'true', 'the stop waits for the page');
    expect(fetches.stops()).to.deep.equal([], 'nothing sent while held');
    expect((await stats()).revoke).to.equal(0, 'nothing sent while held');
    expect(control(el, 'Stop sharing with Quillfile Tax').getAttribute('aria-disabled')).to.equal('true');

    held!.resume();
    held!.resume();
    await waitUntil(() => card(el, 'Fernpay').closest('.history'), 'stopped after resume');
    await settled(el);
    expect((await stats()).revoke).to.equal(1);
    expect(events.counts()).to.include({ 'consent-before-stop': 1, 'consent-stop': 1 });
    expect(events.seen['consent-before-stop'][0]!.cancelable).to.equal(true);
  });

  it('drops the stop when the page calls abandon()', async () => {
    await login('alex');
    const el = await mount();
    let held: ConsentBeforeStopDetail | undefined;
    el.addEventListener('consent-before-stop', (e) => {
      e.preventDefault();
      held = e.detail;
    });
    control(el, 'Stop sharing with Fernpay').click();
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog')?.open, 'open');
    $<HTMLButtonElement>(el, '[part~="confirm-button"]')!.click();
    await waitUntil(() => held, 'before-stop fired');
    const fetches = watchFetches();
    try {
      held!.abandon();
      held!.resume();
      await el.updateComplete;
      // Settled: the flow let go of the stop (not busy); sending would have started inside resume(), had it won.
      const trigger = control(el, 'Stop sharing with Fernpay');
      expect(trigger.getAttribute('aria-busy')).to.equal('false');
      expect(trigger.getAttribute('aria-disabled')).to.equal('false');
      expect(fetches.stops()).to.deep.equal([]);
    } finally {
      fetches.restore();
    }
    expect((await stats()).revoke).to.equal(0);
    expect(events.counts()['consent-stop']).to.equal(0);
    expect(card(el, 'Fernpay').closest('.history')).to.equal(null);
  });

  it('a stop the bank holds for step-up on its BFF is reported as such, keeps the session and changes nothing', async function () {
    this.timeout(20_000);
    // The playground's BFF mount for alex whose beforeStop hook always asks for a step-up (401 step_up_required).
    const el = await fixture<ConsentManager>(html`<consent-manager lang="en" bff="/playground/bff/policy"
      account-policy="read-only" auto-share-policy="read-only"></consent-manager>`);
    await settled(el);
    control(el, 'Stop sharing with Fernpay').click();
    await confirmDialog(el);
    const said = 'Your bank needs you to confirm it is you before sharing with Fernpay stops. Please confirm, then try again.';
    // The playground's strict BFF opens its embedded ledger on first use: a second or so on a busy machine.
    await waitUntil(() => statusText(el) == said, 'the customer is told what the bank needs', { timeout: 5000 });
    await settled(el);
    expect(events.seen['consent-error']!.map((e) => (e as CustomEvent<{ code: string }>).detail.code)).to.deep.equal(['step_up_required']);
    expect(events.counts()['consent-session-expired']).to.equal(0, 'the session stands');
    expect(events.counts()['consent-stop']).to.equal(0);
    expect(card(el, 'Fernpay').closest('.history')).to.equal(null);
    expect((await stats()).revoke).to.equal(0);
    expect(control(el, 'Stop sharing with Fernpay').getAttribute('aria-disabled')).to.equal('false', 'the customer can try again');
  });

  it('direct mode posts the confirmed stop to the BFF, not to MX, and shows it stopped once the BFF applied it', async () => {
    await login('alex');
    const fetches = watchFetches();
    restoreFetch = fetches.restore;
    const el = await mount({ mode: 'direct' });
    control(el, 'Stop sharing with Fernpay').click();
    await confirmDialog(el);
    await waitUntil(() => card(el, 'Fernpay').closest('.history'), 'stopped');
    await settled(el);
    expect(fetches.stops()).to.deep.equal(['POST /consent/stops']);
    expect(fetches.started.filter((r) => r.includes('disable_app_sharing'))).to.deep.equal([], 'no stop from the browser to MX');
    expect(fetches.started.filter((r) => r.startsWith('GET /consent/changes/'))).to.not.be.empty;
    expect(statusText(el)).to.equal('You stopped sharing with Fernpay.');
    expect((await stats()).revoke).to.equal(1);
    expect(events.counts()).to.include({ 'consent-stop': 1, 'consent-error': 0 });
  });

  it('with MX down when the stop is due, says the bank keeps trying, then shows it stopped once MX is back', async function () {
    this.timeout(20_000);
    await login('alex');
    const el = await mount();
    await setFaults({ endpoint: 'revoke', kind: 'error', status: 503 });
    control(el, 'Stop sharing with Fernpay').click();
    await confirmDialog(el);
    const said = 'We haven’t been able to stop sharing with Fernpay yet. We’ll keep trying until it’s done, even if you leave this page.';
    await waitUntil(() => statusText(el) == said, 'the customer is told the bank keeps trying', { timeout: 6000 });
    expect(card(el, 'Fernpay').querySelector('[part~="badge"]')!.textContent).to.equal('Stopping…');
    expect(events.counts()['consent-error']).to.equal(0);
    await setFaults([]);
    await waitUntil(() => card(el, 'Fernpay').closest('.history'), 'stopped once MX is back', { timeout: 12_000 });
    await settled(el);
    expect(statusText(el)).to.equal('You stopped sharing with Fernpay.');
    expect(events.counts()['consent-stop']).to.equal(1);
  });

  it('sends nothing when the customer cancels', async () => {
    await login('alex');
    const el = await mount();
    control(el, 'Stop sharing with Fernpay').click();
    const dialog = await openDialog(el);
    await waitUntil(() => dialog.open, 'open');
    [...dialog.querySelectorAll('button')].find((b) => b.textContent!.trim() == 'Cancel')!.click();
    await waitUntil(() => !dialog.open, 'closed');
    expect(events.counts()['consent-before-stop']).to.equal(0);
    expect((await stats()).revoke).to.equal(0);
  });
});
