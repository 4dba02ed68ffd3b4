import { expect, fixture, html } from '@open-wc/testing';
import '../../../widget/stop-status/define.js';
import type { ConsentStopStatus } from '../../../widget/stop-status/stop-status.js';
import { consent, listen } from './fixtures.js';

const EVENTS = ['consent-undo', 'consent-retry'];
const apps = [consent('c1', 'Fernpay'), consent('c2', 'Ledgerleaf Budget')];
/** The apps' names as the BFF's ledger reports them with a batch's progress. */
const names = { c1: 'Fernpay', c2: 'Ledgerleaf Budget' };

async function mount(props: Partial<ConsentStopStatus> = {}) {
  const el = await fixture<ConsentStopStatus>(html`<consent-stop-status></consent-stop-status>`);
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}
const part = (el: ConsentStopStatus, name: string) => el.shadowRoot!.querySelector<HTMLElement>(`[part~="${name}"]`);

describe('<consent-stop-status>', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => (events = listen(document, EVENTS)));
  afterEach(() => events.stop());

  it('shows nothing with nothing waiting, and is accessible', async () => {
    const el = await mount();
    expect(el.shadowRoot!.querySelector('[part]')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('shows a countdown per stop waiting with its Undo, which fires consent-undo once with that stop', async () => {
    const hold = { ids: ['c1'], until: Date.now() + 5000, label: 'Fernpay' };
    const el = await mount({ held: [hold] });
    expect(part(el, 'undo')!.textContent).to.match(/Sharing with Fernpay stops in [45] s\./);
    await expect(el).to.be.accessible();
    el.focusUndo();
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'undo-button'));
    part(el, 'undo-button')!.click();
    expect(events.types()).to.deep.equal(['consent-undo']);
    expect(events.seen[0]!.detail).to.equal(hold);
    expect(events.seen[0]!.composed).to.equal(false);
  });

  it('shows the progress of stopping every app by name, and a retry of the failed ones once done, accessibly', async () => {
    const el = await mount({ run: { ids: ['c1', 'c2'], done: ['c1'], failed: [], sending: ['c2'], names } });
    expect(part(el, 'progress')!.textContent).to.contain('Ledgerleaf Budget').and.to.contain('Stopping…');
    expect(part(el, 'button')).to.equal(null, 'no retry while one is on its way');
    await expect(el).to.be.accessible();
    el.run = { ids: ['c1', 'c2'], done: ['c1'], failed: ['c2'], sending: [], names };
    await el.updateComplete;
    expect(part(el, 'progress')!.textContent).to.contain('Not stopped');
    await expect(el).to.be.accessible();
    part(el, 'button')!.click();
    expect(events.types()).to.deep.equal(['consent-retry']);
  });

  it('links to the bank’s fraud report for an app not recognized, only when the URL is safe', async () => {
    const el = await mount({ reported: apps[0], fraudHref: 'javascript:alert(1)' });
    expect(part(el, 'fraud')).to.equal(null);
    el.fraudHref = '/bank/report';
    await el.updateComplete;
    expect(part(el, 'link')!.textContent).to.equal('Report Fernpay to us');
    el.focusReport();
    expect(el.shadowRoot!.activeElement).to.equal(part(el, 'link'));
    await expect(el).to.be.accessible();
  });

  it('fires nothing when its state changes from script', async () => {
    const el = await mount({ held: [{ ids: ['c1'], until: Date.now() + 5000, label: 'Fernpay' }] });
    el.held = [];
    el.run = { ids: ['c1', 'c2'], done: [], failed: ['c1', 'c2'], sending: [], names };
    await el.updateComplete;
    expect(events.types()).to.deep.equal([]);
  });
});
