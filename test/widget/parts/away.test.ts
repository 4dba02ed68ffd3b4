import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../../widget/record/define.js';
import type { ApiClient } from '../../../widget/api-client.js';
import type { ConsentAway } from '../../../widget/record/away.js';
import type { ChangeRecord } from '../../../contract/consent.js';
import { es } from '../../../widget/strings-es-more.js';

const HOUR_AGO = new Date(Date.now() - 3_600_000).toISOString();

const stop = (app: string, over: Partial<ChangeRecord> = {}): ChangeRecord => ({
  id: crypto.randomUUID(),
  consent_id: `c-${app}`,
  account_id: null,
  application_name: app,
  action: 'stop',
  value: null,
  state: 'applied',
  confirmed_at: HOUR_AGO,
  due_at: HOUR_AGO,
  applied_at: HOUR_AGO,
  detail: null,
  seen: false,
  batch_id: null,
  ...over,
});

/** The BFF's history as these part tests need it, and the ids it was told were seen. */
function ledger(rows: ChangeRecord[]) {
  const told: string[][] = [];
  const client = {
    changes: async () => ({ changes: rows, now: new Date().toISOString() }),
    seen: async (ids: string[]) => told.push(ids),
  } as unknown as ApiClient;
  return { client, told };
}

async function mount(rows: ChangeRecord[], props: Partial<ConsentAway> = {}) {
  const { client, told } = ledger(rows);
  const el = await fixture<ConsentAway>(html`<consent-away .client=${client} .visit=${{ at: Date.now() }}></consent-away>`);
  Object.assign(el, props);
  const said = () => el.shadowRoot!.querySelector('[role="status"]')!.textContent!.replace(/\s+/g, ' ').trim();
  return { el, told, said };
}

describe('<consent-away>', () => {
  it('names up to five apps stopped after the customer left, and counts more; only stops, never one already stopped or told', async () => {
    const five = ['A', 'B', 'C', 'D', 'E'].map((a) => stop(a));
    const ignored = [
      stop('Told', { seen: true }),
      stop('Already', { detail: 'already_stopped' }),
      stop('Undone', { state: 'cancelled', applied_at: null }),
      { ...stop('Fernpay'), action: 'account' as const, account_id: 'a1', value: false },
    ];
    const { said, told } = await mount([...five, ...ignored]);
    await waitUntil(said, 'the notice');
    expect(said()).to.equal('Sharing with 5 apps stopped after you left: A, B, C, D, and E.');
    await waitUntil(() => told.length == 1, 'told');
    expect(told[0]).to.have.members(five.map((c) => c.id));

    const many = await mount(['A', 'B', 'C', 'D', 'E', 'F'].map((a) => stop(a)));
    await waitUntil(many.said, 'the notice');
    expect(many.said()).to.equal('Sharing with 6 apps stopped after you left. Your record below lists them.');
  });

  it('in Spanish: the date and time through Intl, and failures said plainly', async () => {
    const { said, el } = await mount(
      [stop('Fernpay'), stop('Harborline', { state: 'failed', applied_at: null, detail: 'gave_up' }), stop('Centz', { state: 'failed', applied_at: null, detail: 'rejected' })],
      { locale: 'es', strings: es },
    );
    await waitUntil(said, 'the notice');
    const at = new Date(HOUR_AGO);
    const date = new Intl.DateTimeFormat('es', { day: 'numeric', month: 'long', ...(at.getFullYear() != new Date().getFullYear() && { year: 'numeric' }) }).format(at);
    const time = new Intl.DateTimeFormat('es', { hour: 'numeric', minute: '2-digit' }).format(at);
    expect(date).to.match(/^\d{1,2} de [a-z]+/);
    const lines = [...el.shadowRoot!.querySelectorAll('[role="status"] p')].map((p) => p.textContent);
    expect(lines).to.deep.equal([
      `Se dejó de compartir con Fernpay el ${date} a las ${time}, después de que saliste.`,
      'No pudimos dejar de compartir con Harborline y Centz, así que es posible que todavía vean tus datos. Inténtalo de nuevo o contáctanos.',
    ]);
    expect(el.shadowRoot!.querySelector('slot[name="help"]'), 'the bank’s help beside a failure').to.exist;
    await expect(el).to.be.accessible();
  });

  it('says nothing, and shows no panel, when nothing happened while the customer was away', async () => {
    const { el, told } = await mount([stop('Fernpay', { seen: true })]);
    // Settled: the history was read, and the live region is ready to speak (the frame after its first render).
    await (el as unknown as { history: { first: Promise<unknown> } }).history.first;
    await new Promise((r) => requestAnimationFrame(r));
    await el.updateComplete;
    expect(el.shadowRoot!.querySelector('.notice')).to.equal(null);
    expect(el.shadowRoot!.querySelector('[part~="dismiss-button"]')).to.equal(null);
    expect(told).to.deep.equal([]);
  });
});
