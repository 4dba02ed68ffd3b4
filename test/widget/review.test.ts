import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, $$, card, confirmDialog, control, focused, login, logout, mount, resetSandbox, settled, stats, statusText } from './support.js';

const marked = (el: Parameters<typeof card>[0]) =>
  $$(el, '[part~="forgotten"]').map((p) => p.closest('li.app')!.querySelector('h3')!.textContent);

describe('forgotten apps (forgotten-days) and their review', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(async () => {
    await logout();
  });

  it('marks active apps unused for longer than forgotten-days with when they were last used', async () => {
    const el = await mount();
    expect(marked(el)).to.have.members(['Harborline Lending', 'Quillfile Tax']);
    const mark = card(el, 'Harborline Lending').querySelector('[part~="forgotten"]')!;
    const last = card(el, 'Harborline Lending').querySelector('dl div:last-child time')!.getAttribute('datetime')!;
    expect(mark.textContent).to.equal(`Unused since ${new Intl.DateTimeFormat('en', { dateStyle: 'medium' }).format(new Date(last))}`);
    expect($(el, '[part~="forgotten-notice"]')!.textContent).to.contain('Apps that have not used your data in 90 days: 2.');
    await expect(el).to.be.accessible();

    el.forgottenDays = 10;
    await el.updateComplete;
    expect(marked(el)).to.have.members(['Harborline Lending', 'Quillfile Tax', 'Nestward Rent Reporting']);
    el.forgottenDays = 0;
    await el.updateComplete;
    expect(marked(el)).to.deep.equal([]);
    expect($(el, '[part~="forgotten-notice"]')).to.equal(null);
  });

  it('walks the customer through each unused app with Keep sharing and Stop sharing', async () => {
    const el = await mount();
    $<HTMLButtonElement>(el, '[part~="review-button"]')!.click();
    await waitUntil(() => $(el, '[part~="keep-button"]'), 'review open');
    const review = () => $(el, '[part~="review"]')!;
    const words = () => review().shadowRoot!.textContent!;
    expect(review().shadowRoot!.querySelector('h2')!.textContent).to.equal('Review unused apps');
    expect(words()).to.contain('App 1 of 2');
    await waitUntil(() => focused(el)?.textContent == 'Harborline Lending', 'focus on the first app');
    expect($$(el, 'li.app').length).to.equal(1, 'one app at a time');
    expect(review().querySelector('[part~="forgotten"]')).to.exist;
    await expect(el).to.be.accessible();

    $<HTMLButtonElement>(el, '[part~="keep-button"]')!.click();
    await waitUntil(() => words().includes('App 2 of 2'), 'next app');
    await waitUntil(() => statusText(el) == 'You are still sharing with Harborline Lending.', 'keep announced');
    await waitUntil(() => focused(el)?.textContent == 'Quillfile Tax', 'focus on the next app');

    control(el, 'Stop sharing with Quillfile Tax').click();
    await confirmDialog(el);
    await waitUntil(() => words().includes('You have reviewed every unused app.'), 'done');
    await waitUntil(() => statusText(el) == 'You stopped sharing with Quillfile Tax.', 'stopped', { timeout: 4000 });
    await expect(el).to.be.accessible();

    [...review().shadowRoot!.querySelectorAll('button')].find((b) => b.textContent!.trim() == 'Back to all apps')!.click();
    await waitUntil(() => !$(el, '[part~="review"]'), 'back to the list');
    await settled(el);
    expect(card(el, 'Quillfile Tax').closest('.history')).to.exist;
    expect(card(el, 'Harborline Lending').closest('.history')).to.equal(null);
    expect($(el, '[part~="forgotten-notice"]')).to.equal(null, 'kept for this visit, not asked again');
    expect((await stats()).revoke).to.equal(1);
  });

  it('speaks Spanish in the review', async () => {
    const el = await mount({ lang: 'es' });
    expect(card(el, 'Quillfile Tax').querySelector('[part~="forgotten"]')!.textContent).to.match(/^Sin uso desde el /);
    expect($(el, '[part~="forgotten-notice"]')!.textContent).to.contain('Aplicaciones que no han usado tus datos en 90 días: 2.');
    $<HTMLButtonElement>(el, '[part~="review-button"]')!.click();
    await waitUntil(() => $(el, '[part~="keep-button"]'), 'review open');
    await waitUntil(() => $(el, '[part~="keep-button"]'), 'review rendered');
    expect($(el, '[part~="review"]')!.shadowRoot!.textContent).to.contain('Aplicación 1 de 2');
    expect($(el, '[part~="keep-button"]')!.textContent!.trim()).to.equal('Seguir compartiendo');
  });
});
