import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/define.js';
import type { ConsentReceipt } from '../../widget/receipt.js';
import { $, $$, card, confirmDialog, control, login, logout, mount, resetSandbox, settled, statusText } from './support.js';

describe('the record (the customer’s history from the BFF’s ledger, print and JSON download)', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(async () => {
    await emulateMedia({ media: 'screen' });
    await logout();
  });

  it('lists each change just made, newest first, with what changed, its state and absolute times, and downloads connections and changes as JSON', async function () {
    // Three changes, a stop, an axe check and a download, on a machine that may be busy.
    this.timeout(20_000);
    const el = await mount();
    const record = () => $(el, '[part~="receipt"]')!.shadowRoot!;
    const lines = () => [...record().querySelectorAll('.changes li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    const started = Date.now();
    control(el, 'Share Everyday Checking ending').click();
    await waitUntil(() => statusText(el) == 'Your change for Fernpay is saved.', 'account change saved');
    control(el, 'Share new accounts automatically: Fernpay').click();
    await waitUntil(() => control(el, 'Share new accounts automatically: Fernpay').getAttribute('aria-checked') == 'true', 'auto-share saved');
    await settled(el);
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => card(el, 'Harborline Lending').closest('.history'), 'stopped', { timeout: 4000 });
    await waitUntil(() => lines()[0]?.startsWith('Harborline Lending – Stopped sharing'), 'the stop in the record', { timeout: 4000 });
    await settled(el);

    expect(record().querySelector('h3')!.textContent).to.equal('Your changes');
    // The ledger keeps earlier tests' changes too (same customer): the three newest are this test's.
    const newest = lines().slice(0, 3);
    expect(newest[0]).to.match(/^Harborline Lending – Stopped sharing Confirmed \w{3} \d{1,2}, \d{4}, \d{1,2}:\d\d [AP]M · Done: applied \w{3} \d{1,2}, \d{4}/);
    expect(newest[1]).to.match(/^Fernpay – New accounts are shared automatically Confirmed .+ · Done: applied /);
    expect(newest[2]).to.match(/^Fernpay – Everyday Checking ending in \d{4}: Not shared Confirmed .+ · Done: applied /);
    const times = [...record().querySelectorAll('.changes li')].slice(0, 3).flatMap((li) => [...li.querySelectorAll('time')]);
    expect(times).to.have.length(6);
    for (const time of times) expect(Date.parse(time.getAttribute('datetime')!)).to.be.within(started - 5000, Date.now() + 5000);
    await expect(el).to.be.accessible();

    const clicked: HTMLAnchorElement[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this);
    };
    try {
      $<HTMLButtonElement>(el, '[part~="download-button"]')!.click();
      await waitUntil(() => clicked.length == 1, 'download started');
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(clicked[0]!.download).to.match(/^connected-apps-\d{4}-\d\d-\d\d\.json$/);
    const saved = (await (await fetch(clicked[0]!.href)).json()) as ConsentReceipt;
    expect(saved).to.deep.equal(JSON.parse(JSON.stringify({ ...(await el.receipt()), generated_at: saved.generated_at })));
    expect(saved.connections).to.have.length(8);
    const harborline = saved.connections.find((c) => c.application_name == 'Harborline Lending')!;
    expect(harborline).to.include({ status: 'stopped', auto_share: false });
    expect(harborline.shared_accounts).to.deep.equal([], 'a stopped app shares nothing');
    const fernpay = saved.connections.find((c) => c.application_name == 'Fernpay')!;
    expect(fernpay).to.include({ status: 'sharing', auto_share: true });
    expect(fernpay.shared_accounts.map((a) => a.nickname)).to.deep.equal([]);
    expect(saved.changes.slice(0, 3).map((c) => [c.application_name, c.kind, c.state])).to.deep.equal([
      ['Harborline Lending', 'stop', 'applied'],
      ['Fernpay', 'auto-share', 'applied'],
      ['Fernpay', 'account', 'applied'],
    ]);
    expect(saved.changes[2]).to.include({ account: 'Everyday Checking', enabled: false });
  });

  it('prints the list and the record without any control, and the Print button opens the print dialog', async () => {
    const el = await mount();
    const printed: number[] = [];
    const print = window.print;
    window.print = () => printed.push(1);
    try {
      $<HTMLButtonElement>(el, '[part~="print-button"]')!.click();
    } finally {
      window.print = print;
    }
    expect(printed).to.have.length(1);

    await emulateMedia({ media: 'print' });
    for (const b of $$(el, 'button')) expect(b.checkVisibility(), b.outerHTML).to.equal(false);
    expect($(el, '[part~="search"]')!.checkVisibility()).to.equal(false);
    const fernpay = card(el, 'Fernpay');
    expect(getComputedStyle(fernpay).display).not.to.equal('none');
    expect(fernpay.querySelector<HTMLElement>('.state')!.checkVisibility()).to.equal(true, 'states in words remain');
    expect($(el, '[part~="receipt"]')!.checkVisibility()).to.equal(true);
  });
});
