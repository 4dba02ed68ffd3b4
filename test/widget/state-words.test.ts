// Issue 14 item 4: the words for each state are true.
import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/define.js';
import { $, asAlexRecordingEvents, card, confirmDialog, control, focused, mount, settled } from './support.js';

describe('true state words (issue 14 item 4)', () => {
  asAlexRecordingEvents();
  afterEach(() => emulateMedia({ media: 'screen' }));

  it('says "Connected, no accounts shared" once every account of an app is off, and "Sharing" again when one is on', async () => {
    const el = await mount();
    const badge = () => card(el, 'Fernpay').querySelector('[part~="badge"]')!.textContent;
    expect(badge()).to.equal('Sharing');
    control(el, 'Share Everyday Checking ending').click();
    await waitUntil(() => badge() == 'Connected, no accounts shared', 'badge follows the accounts');
    await settled(el);
    control(el, 'Share Vacation Fund ending').click();
    await waitUntil(() => badge() == 'Sharing', 'sharing again');
  });

  it('shows auto-share as On/Off with one line saying what it does, its accessible name containing the visible label', async () => {
    const el = await mount();
    const sw = control(el, 'Share new accounts automatically: Fernpay');
    const row = sw.closest('.row')!;
    const label = 'Share new accounts automatically';
    expect(row.querySelector('.grow')!.textContent!.trim().startsWith(label), 'the visible label').to.equal(true);
    expect(sw.getAttribute('aria-label')).to.contain(label);
    expect(row.querySelector('.state')!.textContent).to.equal('Off');
    expect(row.textContent).to.contain('When this is on, accounts you open later are shared with Fernpay without asking you.');
    sw.click();
    await waitUntil(() => row.querySelector('.state')!.textContent == 'On', 'On');
    expect(row.textContent).not.to.match(/Not shared|Shared/);
  });

  it('says "You are not sharing your data with any apps" once every app is stopped, never "No apps connected"', async () => {
    const el = await mount();
    $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!.click();
    await confirmDialog(el);
    await waitUntil(() => $(el, '.none'), 'the notice', { timeout: 10_000 });
    await settled(el);
    expect($(el, '.none')!.textContent!.trim()).to.equal('You are not sharing your data with any apps.');
    expect(el.shadowRoot!.textContent).not.to.contain('No apps connected');
    expect(focused(el), 'focus did not fall to the page when the button went').to.equal($(el, '.none'));
  });

  it('labels a stopped app "Connected on" and prints absolute dates only', async () => {
    const el = await mount();
    const brightpath = card(el, 'Brightpath Credit Monitor');
    expect(brightpath.querySelector('dt')!.textContent).to.equal('Connected on');
    expect(card(el, 'Fernpay').querySelector('dt')!.textContent).to.equal('Connected since');
    const accessed = card(el, 'Ledgerleaf Budget').querySelectorAll<HTMLElement>('dd')[1]!;
    expect(accessed.innerText).to.match(/ago|hour|minute/);
    await emulateMedia({ media: 'print' });
    expect(accessed.innerText).not.to.match(/ago|hour|minute|\(/);
    expect(accessed.innerText).to.match(/\d{4}/);
  });
});
