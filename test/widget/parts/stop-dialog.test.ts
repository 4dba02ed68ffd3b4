import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../../widget/stop-dialog/define.js';
import type { ConsentStopDialog } from '../../../widget/stop-dialog/stop-dialog.js';
import { consent, listen } from './fixtures.js';

const EVENTS = ['consent-dialog-confirm', 'consent-dialog-cancel'];
const fernpay = consent('c1', 'Fernpay');
const ledgerleaf = consent('c2', 'Ledgerleaf Budget');

async function mount(props: Partial<ConsentStopDialog> = {}) {
  const el = await fixture<ConsentStopDialog>(html`<consent-stop-dialog .consents=${[fernpay]}></consent-stop-dialog>`);
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}
const dialog = (el: ConsentStopDialog) => el.shadowRoot!.querySelector('dialog')!;
const buttons = (el: ConsentStopDialog) => [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('button')];

describe('<consent-stop-dialog>', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => (events = listen(document, EVENTS)));
  afterEach(() => events.stop());

  it('is registered once however often its define module loads', async () => {
    const first = customElements.get('consent-stop-dialog');
    await import(/* @vite-ignore */ `${new URL('../../../widget/stop-dialog/define.ts', import.meta.url)}?again`);
    expect(customElements.get('consent-stop-dialog')).to.equal(first);
  });

  it('opens as a modal when `open` is set, names the app and the accounts that stop, and is accessible', async () => {
    const el = await mount({ open: true });
    expect(dialog(el).open).to.equal(true);
    expect(dialog(el).matches(':modal')).to.equal(true);
    expect(dialog(el).querySelector('h2')!.textContent).to.equal('Stop sharing with Fernpay?');
    expect([...dialog(el).querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['Everyday Checking ending in 1111']);
    expect(el.shadowRoot!.activeElement!.textContent!.trim()).to.equal('Cancel', 'Cancel has focus first');
    await expect(el).to.be.accessible();
  });

  it('says every app for several, and the fraud hand-over for one not recognized, accessible in each', async () => {
    const el = await mount({ consents: [fernpay, ledgerleaf], open: true });
    expect(dialog(el).querySelector('h2')!.textContent).to.equal('Stop sharing with all 2 apps?');
    expect([...dialog(el).querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal(['Fernpay', 'Ledgerleaf Budget']);
    await expect(el).to.be.accessible();
    el.consents = [fernpay];
    el.fraud = true;
    await el.updateComplete;
    expect(dialog(el).querySelector('h2')!.textContent).to.equal('Don’t recognize Fernpay?');
    expect(el.shadowRoot!.querySelector('[part~="confirm-button"]')!.textContent!.trim()).to.equal('Stop sharing and report');
    await expect(el).to.be.accessible();
  });

  it('fires consent-dialog-confirm once when the customer confirms, inside its host’s shadow root only', async () => {
    const el = await mount({ open: true });
    const own = listen(el, EVENTS);
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="confirm-button"]')!.click();
    await waitUntil(() => own.seen.length, 'confirmed');
    await el.updateComplete;
    expect(dialog(el).open).to.equal(false);
    expect(own.types()).to.deep.equal(['consent-dialog-confirm']);
    expect(own.seen[0]!.bubbles).to.equal(true);
    expect(own.seen[0]!.composed).to.equal(false);
    expect(el.open).to.equal(false);
    own.stop();
  });

  it('fires consent-dialog-cancel once for Cancel and for Escape', async () => {
    const el = await mount({ open: true });
    buttons(el).find((b) => b.textContent!.trim() == 'Cancel')!.click();
    await waitUntil(() => events.seen.length == 1, 'closed by Cancel');
    el.open = true;
    await el.updateComplete;
    await sendKeys({ press: 'Escape' });
    await waitUntil(() => events.seen.length == 2, 'closed by Escape');
    await el.updateComplete;
    expect(dialog(el).open).to.equal(false);
    expect(events.types()).to.deep.equal(['consent-dialog-cancel', 'consent-dialog-cancel']);
  });

  it('fires nothing when the page opens and closes it from script', async () => {
    const el = await mount({ open: true });
    el.open = false;
    await el.updateComplete;
    expect(dialog(el).open).to.equal(false);
    el.consents = [ledgerleaf];
    el.open = true;
    await el.updateComplete;
    el.open = false;
    await el.updateComplete;
    await new Promise((r) => setTimeout(r));
    expect(events.types()).to.deep.equal([]);
  });

  it('takes its words from `strings`, English for the rest', async () => {
    const el = await mount({ open: true, strings: { cancel: 'Cancelar' } });
    expect(buttons(el)[0]!.textContent!.trim()).to.equal('Cancelar');
    expect(buttons(el)[1]!.textContent!.trim()).to.equal('Stop sharing');
  });
});
