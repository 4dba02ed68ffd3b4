import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, card, confirmDialog, control, focused, mount, settled, setFaults, stats, statusText, asAlexRecordingEvents, openDialog } from './support.js';

describe('"I don’t recognize this app"', () => {
  const events = asAlexRecordingEvents();

  it('stops the app at once, fires consent-unrecognized and links to the bank’s fraud page', async function () {
    // Recorded by the BFF's ledger, carried out by its worker, read back: more steps than one PUT on a busy machine.
    this.timeout(20_000);
    // An undo window does not apply: an app the customer does not know should lose access now.
    const el = await mount({ props: { fraudHref: '/bank/report-fraud', undoSeconds: 30 } });
    control(el, 'I don’t recognize this app: Quillfile Tax').click();
    const dialog = await openDialog(el);
    await waitUntil(() => dialog.open, 'dialog');
    expect(dialog.querySelector('h2')!.textContent).to.equal('Don’t recognize Quillfile Tax?');
    expect(dialog.textContent).to.contain('We will stop sharing with Quillfile Tax now');
    expect($(el, '[part~="confirm-button"]')!.textContent!.trim()).to.equal('Stop sharing and report');
    await expect(el).to.be.accessible();
    await confirmDialog(el);

    await waitUntil(() => events.seen['consent-unrecognized'].length == 1, 'event fired', { timeout: 4000 });
    const { detail } = events.seen['consent-unrecognized'][0]!;
    expect(detail.stopped).to.equal(true);
    expect(detail.consent.application_name).to.equal('Quillfile Tax');
    expect(detail.consent.revoked_at).to.be.a('string');
    expect(events.counts()).to.include({ 'consent-before-stop': 1, 'consent-stop': 1 });
    await settled(el);
    expect(card(el, 'Quillfile Tax').closest('.history')).to.exist;
    expect($(el, '[part~="undo"]')).to.equal(null);
    const link = $<HTMLAnchorElement>(el, '[part~="fraud"] a')!;
    expect(link.textContent).to.equal('Report Quillfile Tax to us');
    expect(link.href).to.equal(`${location.origin}/bank/report-fraud`);
    await waitUntil(() => focused(el) == link, 'focus on the report link');
    expect((await stats()).revoke).to.equal(1);
    await expect(el).to.be.accessible();
  });

  it('still hands over to the fraud flow when MX refuses the stop, and never links to an unsafe URL', async () => {
    const el = await mount({ props: { fraudHref: 'javascript:alert(1)' } });
    // A refusal for good (4xx): the BFF's ledger marks the stop failed.
    await setFaults({ endpoint: 'revoke', kind: 'error', status: 400 });
    control(el, 'I don’t recognize this app: Fernpay').click();
    await confirmDialog(el);
    await waitUntil(() => events.seen['consent-unrecognized'].length == 1, 'event fired', { timeout: 6000 });
    expect(events.seen['consent-unrecognized'][0]!.detail.stopped).to.equal(false);
    await settled(el);
    expect(card(el, 'Fernpay').closest('.history')).to.equal(null);
    expect($(el, '[part~="fraud"]')).to.equal(null);
    expect(events.counts()['consent-error']).to.equal(1);
  });

  it('hands over to the fraud flow at once while MX is down, and says the bank keeps trying', async () => {
    const el = await mount({ props: { fraudHref: '/bank/report-fraud' } });
    await setFaults({ endpoint: 'revoke', kind: 'error', status: 503 });
    control(el, 'I don’t recognize this app: Fernpay').click();
    await confirmDialog(el);
    await waitUntil(() => events.seen['consent-unrecognized'].length == 1, 'event fired', { timeout: 6000 });
    expect(events.seen['consent-unrecognized'][0]!.detail.stopped).to.equal(false);
    expect(statusText(el)).to.contain('We’ll keep trying');
    expect(events.counts()['consent-error']).to.equal(0, 'not a failure: the BFF keeps the stop');
    await setFaults([]);
    await waitUntil(() => card(el, 'Fernpay').closest('.history'), 'stopped once MX answers', { timeout: 10_000 });
    expect(events.counts()['consent-stop']).to.equal(1);
  });
});
