// Issue 14 item 1 (and item 7 in the dialog): the stop dialog says everything a customer must know before stopping.
import { expect, fixture, html } from '@open-wc/testing';
import '../../widget/define.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import { DIRECTORY, FERNPAY_SEES } from './fixtures.js';
import { $, asAlexRecordingEvents, control, mount, openDialog, settled } from './support.js';

const words = (el: Element) => el.textContent!.replace(/\s+/g, ' ').trim();

describe('the stop dialog (issue 14 item 1)', () => {
  asAlexRecordingEvents();

  it('names the app, asks to check its service, lists the data and accounts that stop, says auto-sharing ends and what happens to shared data, with the deletion link', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    control(el, 'Stop sharing with Fernpay').click();
    const dialog = await openDialog(el);
    const text = words(dialog);
    expect(dialog.querySelector('h2')!.textContent).to.equal('Stop sharing with Fernpay?');
    expect(text).to.contain('Before you stop, check with Fernpay whether its service to you will be affected.');
    expect(text).to.contain('Fernpay will no longer be able to see:');
    const lists = [...dialog.querySelectorAll('#text ul')].map((ul) => [...ul.querySelectorAll('li')].map((li) => words(li)));
    expect(lists[0]).to.deep.equal(FERNPAY_SEES);
    expect(text).to.contain('From these accounts:');
    expect(lists[1]).to.have.length(1);
    expect(lists[1]![0]).to.match(/^Everyday Checking ending in \d{4}$/, 'only the shared account');
    expect(text).to.contain('New accounts you open will no longer be shared with Fernpay automatically.');
    expect(text).to.contain('Fernpay must delete or de-identify the data it already received and no longer needs, under its own policy.');
    expect(text).not.to.contain('is not deleted');
    const link = dialog.querySelector<HTMLAnchorElement>('a[part~="link"]')!;
    expect(link.textContent).to.equal('Ask Fernpay to delete your data');
    expect(link.href).to.equal(`${location.origin}/bank/apps/fernpay/delete`);
    await expect(el).to.be.accessible();
  });

  it('keeps Cancel as prominent as Confirm: same size, weight and border width, Cancel first and focused', async () => {
    const el = await mount();
    control(el, 'Stop sharing with Fernpay').click();
    const dialog = await openDialog(el);
    const [cancel, confirm] = [...dialog.querySelectorAll<HTMLButtonElement>('.actions button')];
    expect(cancel!.textContent!.trim()).to.equal('Cancel');
    const a = cancel!.getBoundingClientRect();
    const b = confirm!.getBoundingClientRect();
    expect(Math.abs(a.height - b.height)).to.be.lessThan(1);
    expect(Math.abs(a.width - b.width)).to.be.lessThan(1);
    const [ca, cb] = [getComputedStyle(cancel!), getComputedStyle(confirm!)];
    expect(ca.fontWeight).to.equal(cb.fontWeight);
    expect(ca.fontSize).to.equal(cb.fontSize);
    expect(ca.borderTopWidth).to.equal(cb.borderTopWidth);
    expect((dialog.getRootNode() as ShadowRoot).activeElement, 'Cancel has focus').to.equal(cancel);
  });

  it('says the bank has no list and points to it when the directory has no entry, and links nothing', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    control(el, 'Stop sharing with Summitvest Investing').click();
    const dialog = await openDialog(el);
    expect(words(dialog)).to.contain('We don’t have a list of what Summitvest Investing can see. Contact us to ask.');
    expect(dialog.querySelector('a')).to.equal(null);
  });

  it('says what stopping several apps means: each app named, auto-sharing ends, data already shared', async () => {
    const el = await mount();
    $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!.click();
    const dialog = await openDialog(el);
    const text = words(dialog);
    expect(text).to.contain('Before you stop, check with each app whether its service to you will be affected.');
    expect(text).to.contain('New accounts you open will no longer be shared with them automatically.');
    expect(text).to.contain('Each app must delete or de-identify the data it already received and no longer needs, under its own policy.');
    expect(words(dialog.querySelector('[part~="confirm-button"]')!)).to.equal('Stop sharing with all 6 apps');
  });

  it('shows the bank’s help channel (the help slot) inside the dialog (item 7)', async () => {
    const el = await fixture<ConsentManager>(html`<consent-manager lang="en"
      ><p slot="help">Questions? Call us at <a href="tel:+18005550100">1-800-555-0100</a>.</p></consent-manager
    >`);
    await settled(el);
    const help = el.querySelector('p')!;
    expect(help.getBoundingClientRect().height, 'not shown outside the dialog or the error panel').to.equal(0);
    control(el, 'Stop sharing with Fernpay').click();
    const dialog = await openDialog(el);
    const r = help.getBoundingClientRect();
    const d = dialog.getBoundingClientRect();
    expect(r.height).to.be.greaterThan(0);
    expect(r.top >= d.top && r.bottom <= d.bottom, 'inside the dialog').to.equal(true);
    await expect(el).to.be.accessible();
  });
});
