import { expect, fixture, html } from '@open-wc/testing';
import '../../../widget/review/define.js';
import type { ConsentReview } from '../../../widget/review/review.js';
import { consent, listen } from './fixtures.js';

const EVENTS = ['consent-review-keep', 'consent-review-stop', 'consent-review-back'];
const fernpay = consent('c1', 'Fernpay');

async function mount(props: Partial<ConsentReview> = {}) {
  const el = await fixture<ConsentReview>(html`<consent-review .consent=${fernpay} .step=${0} .total=${2}
    ><ul><li><h3 tabindex="-1">Fernpay</h3></li></ul></consent-review
  >`);
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}
const button = (el: ConsentReview, part: string) => el.shadowRoot!.querySelector<HTMLButtonElement>(`[part~="${part}"]`);
const back = (el: ConsentReview) => [...el.shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() == 'Back to all apps')!;

describe('<consent-review>', () => {
  let events: ReturnType<typeof listen>;
  beforeEach(() => (events = listen(document, EVENTS)));
  afterEach(() => events.stop());

  it('shows its place, the slotted card, Keep and Stop, accessibly', async () => {
    const el = await mount();
    expect(el.shadowRoot!.textContent).to.contain('App 1 of 2');
    expect(el.shadowRoot!.querySelector('slot')!.assignedElements()).to.have.length(1);
    expect(button(el, 'stop-button')!.getAttribute('aria-label')).to.equal('Stop sharing with Fernpay');
    await expect(el).to.be.accessible();
  });

  it('says the review is done once no app is left, accessibly, and focuses its heading on request', async () => {
    const el = await mount({ consent: undefined, step: 2 });
    expect(el.shadowRoot!.textContent).to.contain('You have reviewed every unused app.');
    expect(button(el, 'keep-button')).to.equal(null);
    el.focusTitle();
    expect(el.shadowRoot!.activeElement!.textContent).to.equal('Review unused apps');
    await expect(el).to.be.accessible();
  });

  it('fires each choice once, bubbling inside its host’s shadow root only', async () => {
    const el = await mount();
    const own = listen(el, EVENTS);
    button(el, 'keep-button')!.click();
    button(el, 'stop-button')!.click();
    back(el).click();
    expect(own.types()).to.deep.equal(EVENTS);
    expect(own.seen.every((e) => e.bubbles && !e.composed)).to.equal(true);
    own.stop();
  });

  it('refuses Keep and Stop while locked, keeping them focusable, and shows a stop in flight', async () => {
    const el = await mount({ locked: true, busy: true });
    expect(button(el, 'keep-button')!.getAttribute('aria-disabled')).to.equal('true');
    expect(button(el, 'stop-button')!.getAttribute('aria-busy')).to.equal('true');
    button(el, 'keep-button')!.click();
    button(el, 'stop-button')!.click();
    expect(events.types()).to.deep.equal([]);
    await expect(el).to.be.accessible();
  });

  it('fires nothing when the page moves it on from script', async () => {
    const el = await mount();
    el.step = 1;
    el.consent = consent('c2', 'Ledgerleaf Budget');
    await el.updateComplete;
    el.consent = undefined;
    await el.updateComplete;
    expect(events.types()).to.deep.equal([]);
  });
});
