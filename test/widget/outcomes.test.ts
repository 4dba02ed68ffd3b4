// Issue 14 item 3: the outcome of an action appears at the control acted on (and in the live region); a failure looks
// like one; stale messages clear.
import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, $$, asAlexRecordingEvents, card, confirmDialog, control, focused, mount, settled, setFaults, statusText } from './support.js';

const outcomes = (root: Element) => [...root.querySelectorAll<HTMLElement>('[part~="outcome"]')];

describe('outcomes beside the action (issue 14 item 3)', () => {
  asAlexRecordingEvents();

  it('shows a saved change in the row of the switch acted on and in the live region', async () => {
    const el = await mount();
    const sw = control(el, 'Share Everyday Checking ending');
    sw.click();
    await waitUntil(() => outcomes(sw.closest('li.row')!).length == 1, 'outcome in the row');
    await settled(el);
    const note = outcomes(sw.closest('li.row')!)[0]!;
    expect(note.textContent!.trim()).to.equal('✓ Your change for Fernpay is saved.');
    expect(note.getAttribute('role')).to.equal(null);
    expect(statusText(el)).to.equal('Your change for Fernpay is saved.');
    expect($$(el, '[part~="outcome"]')).to.have.length(1, 'nowhere else');
  });

  it('shows a failure as one: words, a warning icon, the danger colour, role=alert, at the control', async () => {
    const el = await mount();
    await setFaults({ endpoint: 'account', kind: 'error', status: 500 });
    const sw = control(el, 'Share Everyday Checking ending');
    sw.click();
    await waitUntil(() => $(el, '[part~="outcome"][role="alert"]'), 'failure shown', { timeout: 8000 });
    await setFaults([]);
    await settled(el);
    const note = $(el, '[part~="outcome"]')!;
    expect(note.closest('li.app')).to.equal(card(el, 'Fernpay'));
    expect(note.textContent).to.contain('⚠');
    expect(note.textContent).to.contain('Your change for Fernpay could not be saved. Showing your current settings.');
    expect(getComputedStyle(note).color).to.equal('rgb(179, 38, 30)', 'the danger colour');
    expect(statusText(el)).to.contain('could not be saved');
    await expect(el).to.be.accessible();
  });

  it('clears a message once the customer acts again elsewhere', async () => {
    const el = await mount();
    control(el, 'Share Everyday Checking ending').click();
    await waitUntil(() => $(el, '[part~="outcome"]'), 'first outcome');
    await settled(el);
    control(el, 'Share new accounts automatically: Nestward Rent Reporting').click();
    await waitUntil(() => outcomes(card(el, 'Nestward Rent Reporting')).length == 1, 'second outcome');
    expect(outcomes(card(el, 'Fernpay'))).to.have.length(0, 'the stale one is gone');
  });

  it('leaves the outcome of a stop where the app was, with focus on it, not in the history far below', async () => {
    const el = await mount();
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => $(el, '[data-gone]'), 'outcome in place');
    await settled(el);
    const gone = $(el, '[data-gone]')!;
    expect(gone.closest('.active'), 'in the list of active apps').to.exist;
    expect(gone.textContent!.trim()).to.equal('✓ You stopped sharing with Harborline Lending.');
    const names = $$(el, '.active li.app').map((li) => li.dataset.gone ? 'outcome' : li.querySelector('h3')!.textContent);
    expect(names).to.deep.equal(['Fernpay', 'Summitvest Investing', 'outcome', 'Nestward Rent Reporting', 'Ledgerleaf Budget', 'Quillfile Tax']);
    expect(card(el, 'Harborline Lending').closest('.history')).to.exist;
    await waitUntil(() => focused(el) == gone, 'focus on the outcome');
    await expect(el).to.be.accessible();
  });

  it('shows a stop that failed at the app’s own Stop button, as an alert', async () => {
    const el = await mount();
    // Refused for good (a 5xx the BFF's ledger retries until MX is back).
    await setFaults({ endpoint: 'revoke', kind: 'error', status: 400 });
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => $(el, '[part~="outcome"][role="alert"]'), 'failure at the card', { timeout: 8000 });
    await setFaults([]);
    const note = $(el, '[part~="outcome"]')!;
    expect(note.closest('li.app')).to.equal(card(el, 'Harborline Lending'));
    expect(note.textContent).to.contain('Sharing with Harborline Lending could not be stopped. Please try again.');
  });
});
