import { expect, waitUntil } from '@open-wc/testing';
import { emulateMedia } from '@web/test-runner-commands';
import '../../widget/define.js';
import type { ConsentReceipt } from '../../widget/receipt.js';
import { $, $$, card, confirmDialog, control, login, logout, mount, resetSandbox, settled, statusText } from './support.js';

describe('the record of this visit (print and JSON download)', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(async () => {
    await emulateMedia({ media: 'screen' });
    await logout();
  });

  it('lists each change of this visit with its time and downloads connections and changes as JSON', async () => {
    const el = await mount();
    const record = () => $(el, '[part~="receipt"]')!.shadowRoot!;
    expect(record().querySelector('h3')).to.equal(null, 'no changes yet');
    control(el, 'Share Everyday Checking ending').click();
    await waitUntil(() => statusText(el) == 'Your change for Fernpay is saved.', 'account change saved');
    control(el, 'Share new accounts automatically: Fernpay').click();
    await waitUntil(() => control(el, 'Share new accounts automatically: Fernpay').getAttribute('aria-checked') == 'true', 'auto-share saved');
    await settled(el);
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => card(el, 'Harborline Lending').closest('.history'), 'stopped', { timeout: 4000 });
    await settled(el);

    expect(record().querySelector('h3')!.textContent).to.equal('Changes in this visit');
    const lines = [...record().querySelectorAll('.dots li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(lines).to.have.length(3);
    expect(lines[0]).to.match(/^.+\d{4}.+: Fernpay – Everyday Checking ending in \d{4}: Not shared$/);
    expect(lines[1]).to.match(/: Fernpay – New accounts are shared automatically$/);
    expect(lines[2]).to.match(/: Harborline Lending – Stopped$/);
    for (const time of record().querySelectorAll('time')) expect(Date.parse(time.getAttribute('datetime')!)).to.be.closeTo(Date.now(), 60_000);
    await expect(el).to.be.accessible();

    const clicked: HTMLAnchorElement[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this);
    };
    try {
      $<HTMLButtonElement>(el, '[part~="download-button"]')!.click();
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    expect(clicked).to.have.length(1);
    expect(clicked[0]!.download).to.match(/^connected-apps-\d{4}-\d\d-\d\d\.json$/);
    const saved = (await (await fetch(clicked[0]!.href)).json()) as ConsentReceipt;
    expect(saved).to.deep.equal(JSON.parse(JSON.stringify({ ...el.receipt(), generated_at: saved.generated_at })));
    expect(saved.connections).to.have.length(8);
    const harborline = saved.connections.find((c) => c.application_name == 'Harborline Lending')!;
    expect(harborline).to.include({ status: 'stopped', auto_share: false });
    expect(harborline.shared_accounts).to.deep.equal([], 'a stopped app shares nothing');
    const fernpay = saved.connections.find((c) => c.application_name == 'Fernpay')!;
    expect(fernpay).to.include({ status: 'sharing', auto_share: true });
    expect(fernpay.shared_accounts.map((a) => a.nickname)).to.deep.equal([]);
    expect(saved.changes.map((c) => [c.application_name, c.kind])).to.deep.equal([
      ['Fernpay', 'account'],
      ['Fernpay', 'auto-share'],
      ['Harborline Lending', 'stop'],
    ]);
    expect(saved.changes[0]).to.include({ account: 'Everyday Checking', enabled: false });
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
