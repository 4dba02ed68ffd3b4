import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../widget/record/define.js';
import type { ApiClient } from '../../../widget/api-client.js';
import type { ConsentRecord } from '../../../widget/record/record.js';
import type { ReceiptChange, VisitChange } from '../../../widget/receipt.js';
import type { ChangeRecord } from '../../../contract/consent.js';
import { consent } from './fixtures.js';

const row = (over: Partial<ChangeRecord>): ChangeRecord => ({
  id: crypto.randomUUID(),
  consent_id: 'c1',
  account_id: null,
  application_name: 'Fernpay',
  action: 'stop',
  value: null,
  state: 'applied',
  confirmed_at: '2026-11-29T10:00:00Z',
  due_at: '2026-11-29T10:00:30Z',
  applied_at: '2026-11-29T10:00:31Z',
  detail: null,
  seen: true,
  batch_id: null,
  ...over,
});

/** The BFF's history as these part tests need it: the rows given, or a failure for the first `failures` reads. */
function ledger(rows: ChangeRecord[], failures = 0) {
  let reads = 0;
  const client = {
    changes: async () => {
      if (reads++ < failures) throw new Error('network');
      return { changes: rows, now: new Date().toISOString() };
    },
    seen: async () => ({ marked: 0 }),
  } as unknown as ApiClient;
  return { client, reads: () => reads };
}

async function mount(props: Partial<ConsentRecord> = {}) {
  const el = await fixture<ConsentRecord>(html`<consent-record .consents=${[consent('c1', 'Fernpay')]}></consent-record>`);
  Object.assign(el, { visit: { at: Date.now() }, ...props });
  await waitUntil(() => !el.shadowRoot!.querySelector('.loading'), 'history read');
  await el.updateComplete;
  return el;
}

const lines = (el: ConsentRecord) => [...el.shadowRoot!.querySelectorAll('.changes li')].map((li) => li.textContent!.replace(/\s+/g, ' ').trim());

describe('<consent-record>', () => {
  it('without changes: the date, "You have not changed anything yet.", Print and Download, accessibly', async () => {
    const el = await mount({ client: ledger([]).client });
    expect(el.shadowRoot!.querySelector('h2')!.textContent).to.equal('Your record');
    expect(el.shadowRoot!.querySelector('h3')!.textContent).to.equal('Your changes');
    expect(el.shadowRoot!.textContent).to.contain('You have not changed anything yet.');
    await expect(el).to.be.accessible();
  });

  it('lists each ledger change with what changed, its state in words and absolute times, in the page’s language', async () => {
    const rows = [
      row({ state: 'pending', applied_at: null, confirmed_at: '2026-11-30T10:05:00Z', due_at: '2026-11-30T10:05:30Z' }),
      row({ action: 'account', account_id: 'c1-a', value: false, application_name: null, state: 'failed', applied_at: null }),
      row({ action: 'auto_share', value: true, state: 'cancelled', applied_at: null }),
      row({}),
    ];
    const el = await mount({ client: ledger(rows).client, locale: 'es' });
    expect(lines(el)).to.have.length(4);
    expect(lines(el)[0]).to.match(/^Fernpay – Stopped sharing Confirmed 30 nov 2026, \d+:\d\d · Pending: to be sent 30 nov 2026/);
    expect(lines(el)[1]).to.match(/^Fernpay – Everyday Checking ending in 1111: Not shared Confirmed 29 nov 2026.* · Failed: not applied$/);
    expect(lines(el)[2]).to.match(/^Fernpay – New accounts are shared automatically .* · Cancelled: you undid it$/);
    expect(lines(el)[3]).to.match(/ · Done: applied 29 nov 2026, \d+:\d\d$/);
    const times = [...el.shadowRoot!.querySelectorAll('.changes time')].map((t) => t.getAttribute('datetime'));
    expect(times.slice(0, 2)).to.deep.equal(['2026-11-30T10:05:00Z', '2026-11-30T10:05:30Z']);
    await expect(el).to.be.accessible();
  });

  it('a failed read says so, and "Try again" reads again and shows the changes', async () => {
    const { client, reads } = ledger([row({})], 1);
    const el = await mount({ client });
    expect(el.shadowRoot!.querySelector('[role="alert"]')!.textContent).to.equal('We couldn’t load your changes.');
    await expect(el).to.be.accessible();
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="retry-button"]')!.click();
    await waitUntil(() => lines(el).length == 1, 'changes after retry');
    expect(el.shadowRoot!.querySelector('[role="alert"]')).to.equal(null);
    expect(reads()).to.equal(2);
  });

  it('in direct mode adds this visit’s changes that never passed the BFF; downloads what it shows as JSON', async () => {
    const visit: VisitChange[] = [{ at: new Date().toISOString(), consent_id: 'c1', application_name: 'Fernpay', kind: 'auto-share', enabled: true }];
    const el = await mount({ client: ledger([row({})]).client, changes: visit, direct: true });
    expect(lines(el)[0]).to.match(/^Fernpay – New accounts are shared automatically Confirmed .* · Done: applied /);
    const clicked: HTMLAnchorElement[] = [];
    const click = HTMLAnchorElement.prototype.click;
    HTMLAnchorElement.prototype.click = function (this: HTMLAnchorElement) {
      clicked.push(this);
    };
    try {
      el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="download-button"]')!.click();
      await waitUntil(() => clicked.length == 1, 'download');
    } finally {
      HTMLAnchorElement.prototype.click = click;
    }
    const saved = await (await fetch(clicked[0]!.href)).json();
    expect(saved.connections.map((c: { application_name: string }) => c.application_name)).to.deep.equal(['Fernpay']);
    expect(saved.changes.map((c: ReceiptChange) => [c.kind, c.state])).to.deep.equal([
      ['auto-share', 'applied'],
      ['stop', 'applied'],
    ]);
  });
});
