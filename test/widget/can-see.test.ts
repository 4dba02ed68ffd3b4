// Issue 14 item 2: what each app can see, on every card without opening anything, in the dialog, the print-out, the
// receipt and the stopped-app history, in the CDR/FDX data language.
import { expect } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/define.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import { DIRECTORY, FERNPAY_SEES } from './fixtures.js';
import { $$, asAlexRecordingEvents, card, mount } from './support.js';

const sees = (el: ConsentManager, app: string) => [...card(el, app).querySelectorAll('.sees li')].map((li) => li.textContent!.trim());

describe('what this app can see (issue 14 item 2)', () => {
  asAlexRecordingEvents();
  afterEach(() => emulateMedia({ media: 'screen' }));

  it('is on every card, open and visible, in data-language words: transactions include who you paid and who paid you', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    for (const li of $$(el, 'li.app[data-id]')) {
      const block = li.querySelector<HTMLElement>('.sees')!;
      expect(block, li.dataset.id).to.exist;
      expect(block.closest('details')).to.equal(null);
      expect(block.getBoundingClientRect().height).to.be.greaterThan(0);
    }
    expect(sees(el, 'Fernpay')).to.deep.equal(FERNPAY_SEES);
    expect(card(el, 'Summitvest Investing').querySelector('.sees')!.textContent).to.contain(
      'We don’t have a list of what Summitvest Investing can see. Contact us to ask.',
    );
  });

  it('stays with a stopped app in the history, and in the print-out', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    const brightpath = card(el, 'Brightpath Credit Monitor');
    expect(brightpath.closest('.history')).to.exist;
    expect(sees(el, 'Brightpath Credit Monitor')).to.deep.equal([
      'Account balance and details, such as interest rates and fees',
      'Your name, address, phone number and email',
    ]);
    await emulateMedia({ media: 'print' });
    expect(card(el, 'Fernpay').querySelector<HTMLElement>('.sees')!.getBoundingClientRect().height).to.be.greaterThan(0);
    expect(card(el, 'Fernpay').querySelector<HTMLElement>('.sees')!.innerText).to.contain('who you paid and who paid you');
  });

  it('goes into the receipt (the JSON download) for each connection, null where the bank has no list', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    const byName = Object.fromEntries((await el.receipt()).connections.map((c) => [c.application_name, c]));
    expect(byName['Fernpay']!.can_see).to.deep.equal(FERNPAY_SEES);
    expect(byName['Brightpath Credit Monitor']!.can_see).to.have.length(2);
    expect(byName['Summitvest Investing']!.can_see).to.equal(null);
  });
});
