import { expect, fixture, html } from '@open-wc/testing';
import '../../../widget/record/define.js';
import type { ConsentRecord } from '../../../widget/record/record.js';
import type { VisitChange } from '../../../widget/receipt.js';
import { consent } from './fixtures.js';

const changes: VisitChange[] = [
  { at: '2026-11-30T10:00:00Z', application_name: 'Fernpay', kind: 'auto-share', enabled: true },
  { at: '2026-11-30T10:01:00Z', application_name: 'Fernpay', kind: 'stop' },
];

async function mount(props: Partial<ConsentRecord> = {}) {
  const el = await fixture<ConsentRecord>(html`<consent-record .consents=${[consent('c1', 'Fernpay')]}></consent-record>`);
  Object.assign(el, props);
  await el.updateComplete;
  return el;
}

describe('<consent-record>', () => {
  it('without changes: the date, Print and Download, accessibly', async () => {
    const el = await mount();
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Your record');
    expect(el.shadowRoot!.querySelector('h3')).to.equal(null);
    await expect(el).to.be.accessible();
  });

  it('with changes: each with its time, in the page’s language for dates, accessibly', async () => {
    const el = await mount({ changes, locale: 'es', strings: { visit: 'Cambios en esta visita' } });
    expect(el.shadowRoot!.querySelector('h3')!.textContent).to.equal('Cambios en esta visita');
    const lines = [...el.shadowRoot!.querySelectorAll('.dots li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());
    expect(lines[0]).to.match(/ nov 2026.*: Fernpay – New accounts are shared automatically$/);
    expect(lines[1]).to.match(/: Fernpay – Stopped$/);
    await expect(el).to.be.accessible();
  });

  it('downloads what it shows as JSON', async () => {
    const el = await mount({ changes });
    const clicked: HTMLAnchorElement[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this);
    };
    try {
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="download-button"]')!.click();
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    const saved = await (await fetch(clicked[0]!.href)).json();
    expect(saved.connections.map((c: { application_name: string }) => c.application_name)).to.deep.equal(['Fernpay']);
    expect(saved.changes).to.deep.equal(changes);
  });
});
