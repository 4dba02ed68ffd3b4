import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { ApiError, createApiClient, SESSION_EXPIRED } from '../../widget/api-client.js';
import {
  $,
  advanceClock,
  apiRequests,
  control,
  login,
  logout,
  mount,
  MODES,
  recordEvents,
  resetSandbox,
  setFaults,
  stats,
  upstreamConsents,
  watchFetches,
} from './support.js';

interface Recorded {
  method: string;
  path: string;
  headers: Record<string, string | undefined>;
}
/** Not the post-paint read of the ledger's pending stops (widget/stop-ledger.ts). */
const beforeData = (r: string) => !r.includes('/consent/changes');
const sandboxRequests = async (): Promise<Recorded[]> => (await fetch('/mx/__sandbox/requests')).json();
const setSingleUse = (single_use: boolean) =>
  fetch('/mx/__sandbox/config', { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body: JSON.stringify({ single_use }) });

describe('api client, both modes, against the BFF and the sandbox', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
    performance.clearResourceTimings();
  });
  afterEach(async () => {
    Object.assign(Date, { now: realNow });
    await logout();
  });
  const realNow = Date.now;

  it('proxy mode: first data after one browser request, with the CSRF header and no token in the browser', async () => {
    const fetches = watchFetches();
    const el = await mount({ mode: 'proxy' }).finally(fetches.restore);
    // After the first list is painted the widget asks the BFF's ledger for stops still pending (a reload in an undo
    // window): not a request for first data.
    expect(apiRequests().filter(beforeData)).to.deep.equal(['/consent/api/consent_management']);
    expect(fetches.started.filter(beforeData)).to.deep.equal(['GET /consent/api/consent_management']);
    expect(fetches.headers[0]!.get('X-CSRF')).to.equal('1', 'the one request carried the CSRF header');
    expect(fetches.headers[0]!.get('Authorization')).to.equal(null, 'and no token');
    // First data, not an error: the BFF (which refuses a request without the header) answered with the list.
    const shown = el.shadowRoot!.querySelectorAll('li.app').length;
    expect(shown).to.equal((await upstreamConsents()).length);
    expect(localStorage.length + sessionStorage.length).to.equal(0);
  });

  it('direct mode: first data after two browser requests, and every call asks the BFF for the token first', async () => {
    const el = await mount({ mode: 'direct' });
    expect(apiRequests().filter(beforeData)).to.deep.equal(['/consent/token', '/mx/api/v4/consent_management']);
    performance.clearResourceTimings();
    await el.reload();
    // No token is held from one call to the next, so a bank logout or a new customer shows on the very next call.
    expect(apiRequests().filter(beforeData)).to.deep.equal(['/consent/token', '/mx/api/v4/consent_management']);

    const toMx = (await sandboxRequests()).filter((r) => r.path.startsWith('/api/v4/consent_management'));
    expect(toMx.length).to.equal(2);
    for (const r of toMx) {
      expect(r.headers.authorization).to.match(/^Bearer [\w-]+\.[\w-]+\.[\w-]+$/);
      expect(r.headers.cookie, 'no bank cookie goes to MX').to.equal(undefined);
    }
    expect(localStorage.length + sessionStorage.length).to.equal(0);
    expect(document.cookie).not.to.contain('eyJ');
    expect(location.href).not.to.contain('eyJ');
  });

  it('direct mode: after a 401 from MX names the refused token, gets a new one once and resends once', async () => {
    const client = createApiClient({ bff: '/consent', mode: 'direct' });
    const [fernpay] = await client.list();
    // The sandbox clock expires the token the BFF still holds as fresh: MX refuses it.
    await advanceClock(301);
    performance.clearResourceTimings();
    const updated = await client.setAutoShare(fernpay!.id, true);
    expect(updated.auto_enable_future_accounts).to.equal(true);
    const path = `/mx/api/v4/consent_management/${fernpay!.id}/accounts`;
    expect(apiRequests()).to.deep.equal(['/consent/token', path, '/consent/token', path]);
  });

  it('direct mode: retries a failed read with backoff and succeeds', async () => {
    const client = createApiClient({ bff: '/consent', mode: 'direct', backoffMs: 20 });
    await setFaults({ endpoint: 'list', kind: 'error', status: 503, next: 2 });
    expect((await client.list()).length).to.equal(8);
    expect((await stats()).list).to.equal(3);
  });

  it('gives up after a bounded number of attempts', async () => {
    const client = createApiClient({ bff: '/consent', mode: 'direct', backoffMs: 20 });
    await setFaults({ endpoint: 'list', kind: 'drop' });
    const err = await client.list().catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ApiError);
    // The test page reaches the sandbox through the runner's proxy, which turns a dropped connection into a 502.
    expect((err as ApiError).code).to.be.oneOf(['network', 'http_502']);
    expect((await stats()).list).to.equal(3);
  });

  it('takes retries from a budget: once spent on a failing upstream, each call is tried once', async () => {
    const client = createApiClient({ bff: '/consent', mode: 'direct', backoffMs: 20 });
    const [consent] = await client.list();
    await setFaults({ endpoint: 'auto_share', kind: 'drop' });
    const write = () => client.setAutoShare(consent!.id, !consent!.auto_enable_future_accounts).catch((e: unknown) => e);
    const sent: number[] = [];
    for (let i = 0; i < 4; i++) {
      const before = (await stats()).auto_share;
      expect(await write()).to.be.instanceOf(ApiError);
      sent.push((await stats()).auto_share - before);
    }
    // 10 tokens, one per failure, retries only above 5 (gRPC's retry throttling).
    expect(sent).to.deep.equal([3, 2, 1, 1]);
  });

  it('proxy mode: does not try again when MX refuses the bank’s credentials (502 upstream_auth_failed)', async () => {
    const client = createApiClient({ bff: '/consent', mode: 'proxy', backoffMs: 20 });
    await setFaults({ endpoint: 'list', kind: 'error', status: 401 });
    const fetches = watchFetches();
    try {
      const err = (await client.list().catch((e: unknown) => e)) as ApiError;
      expect(err.code).to.equal('upstream_auth_failed');
      expect(fetches.started.filter((r) => r.startsWith('GET /consent/api/'))).to.have.length(1, 'one request from the page');
    } finally {
      fetches.restore();
    }
  });

  it('does not repeat a write the upstream refused', async () => {
    const client = createApiClient({ bff: '/consent', mode: 'direct', backoffMs: 20 });
    const [fernpay] = await client.list();
    await setFaults({ endpoint: 'account', kind: 'error', status: 409 });
    const err = (await client.setAccount(fernpay!.id, fernpay!.accounts[0]!.account_id, false).catch((e: unknown) => e)) as ApiError;
    expect(err.status).to.equal(409);
    expect((await stats()).account).to.equal(1);
  });

  it('rejects an answer that is not a consent list', async () => {
    const client = createApiClient({ bff: '/consent', mode: 'direct', attempts: 1 });
    await setFaults({ endpoint: 'list', kind: 'malformed' });
    const err = (await client.list().catch((e: unknown) => e)) as ApiError;
    expect(err.code).to.equal('malformed');
  });

  it('keeps working when the upstream makes tokens single-use (proxy mode)', async () => {
    await setSingleUse(true);
    const el = await mount({ mode: 'proxy' });
    const sw = control(el, 'Share new accounts automatically: Fernpay');
    sw.click();
    await waitUntil(() => sw.getAttribute('aria-checked') == 'true', 'applied with a second token');
  });

  for (const mode of MODES) {
    it(`reports an ended session: state, message and one event (${mode} mode, on load)`, async () => {
      await logout();
      const seen: Event[] = [];
      const el = await mount({ mode, on: { 'consent-session-expired': (e) => seen.push(e) } });
      expect($(el, '[part~="notice"]')!.textContent).to.contain('Your session has ended');
      expect(seen.length).to.equal(1);
      expect((seen[0] as CustomEvent).composed).to.equal(true);
      await expect(el).to.be.accessible();
    });

    it(`reports a session that ends while the customer works (${mode} mode)`, async () => {
      const el = await mount({ mode });
      const events = recordEvents();
      await logout();
      const client = createApiClient({ bff: '/consent', mode });
      const err = (await client.list().catch((e: unknown) => e)) as ApiError;
      expect(err.code).to.equal(SESSION_EXPIRED);
      // In direct mode too: the widget asks the BFF for the session's token before each call.
      control(el, 'Share new accounts automatically: Fernpay').click();
      await waitUntil(() => $(el, '[part~="notice"]')?.textContent?.includes('Your session has ended'), 'expired state');
      expect(events.counts()).to.include({ 'consent-session-expired': 1, 'consent-change': 0, 'consent-error': 0 });
      events.stop();
    });
  }
});
