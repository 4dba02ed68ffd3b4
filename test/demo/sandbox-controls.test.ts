/** The sandbox's test-facing side: stats, recorded requests, reset, clock, config, CORS, mounting. */
import assert from 'node:assert/strict';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import type { Consent } from '../../contract/consent.js';
import { createSandbox, type SandboxStats } from '../../demo/sandbox/app.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { api, basic, control, CREDENTIALS, getFrom, postToken, tokenBody, tokenFor } from './sandbox-helpers.js';

const ALEX = DEMO_CUSTOMERS.alex;
const SAM = DEMO_CUSTOMERS.sam;
const BANK_ORIGIN = 'https://bank.example';

let s: StartedSandbox;

before(async () => {
  s = await startSandbox({ ...CREDENTIALS, corsOrigins: [BANK_ORIGIN, 'http://localhost:5173'] });
});
after(async () => {
  await s.close();
});
beforeEach(() => s.sandbox.reset());

const stats = async () => (await control<SandboxStats>(s, 'GET', '/stats')).json;

describe('GET /__sandbox/stats', () => {
  it('starts at zero', async () => {
    assert.deepEqual(await stats(), {
      token: 0, list: 0, auto_share: 0, account: 0, revoke: 0, total: 0, tokens_issued: 0, by_customer: {},
    });
  });

  it('counts every request that reached an endpoint, rejected ones included, per customer too', async () => {
    const alex = await tokenFor(s, ALEX);
    await tokenFor(s, SAM);
    await postToken(s, tokenBody(ALEX), { authorization: basic('x', 'y') }); // 401, still Alex's
    await postToken(s, tokenBody('AAAAAAAAAAAAAAAAAAAAAA')); // 404, unknown customer: totals only
    await postToken(s, 'nope'); // 400
    const consents = (await api<Consent[]>(s, 'GET', '/consent_management', { token: alex })).json;
    await api(s, 'GET', '/consent_management', { token: 'garbage' }); // 401, no customer known
    const c = consents.find((x) => x.revoked_at === null)!;
    await api(s, 'PUT', `/consent_management/${c.id}/accounts`, { token: alex, body: { automatic_access: true } });
    await api(s, 'PUT', `/consent_management/${c.id}/accounts`, { token: alex, body: { automatic_access: 'yes' } }); // 400
    await api(s, 'PUT', `/consent_management/${c.id}/accounts/${c.accounts[0]!.account_id}`, { token: alex, body: { enabled: true } });
    await api(s, 'PUT', `/consent_management/${c.id}/disable_app_sharing`, { token: alex });
    await api(s, 'GET', '/consent_management', { token: alex, version: 'v3' }); // not an endpoint: uncounted

    const st = await stats();
    assert.deepEqual({ ...st, by_customer: undefined }, {
      token: 5, list: 2, auto_share: 2, account: 1, revoke: 1, total: 11, tokens_issued: 2, by_customer: undefined,
    });
    assert.deepEqual(st.by_customer[ALEX], { token: 2, list: 1, auto_share: 2, account: 1, revoke: 1, total: 7, tokens_issued: 1 });
    assert.deepEqual(st.by_customer[SAM], { token: 1, list: 0, auto_share: 0, account: 0, revoke: 0, total: 1, tokens_issued: 1 });
    assert.deepEqual(Object.keys(st.by_customer).sort(), [ALEX, SAM].sort());
    assert.deepEqual(s.sandbox.stats(), st, 'the in-process view agrees');
  });
});

describe('GET /__sandbox/requests', () => {
  it('records method, path, headers and time of API requests, Cookie included when sent, Authorization redacted', async () => {
    const token = await tokenFor(s, ALEX);
    await api(s, 'GET', '/consent_management', { token, headers: { Cookie: 'sid=browser-session' } });
    await control(s, 'GET', '/stats');
    const res = await control<{ method: string; path: string; headers: Record<string, string>; at: string }[]>(s, 'GET', '/requests');
    const recorded = res.json;
    assert.deepEqual(recorded.map((r) => `${r.method} ${r.path}`), ['POST /api/v4/token', 'GET /api/v4/consent_management']);
    assert.equal(recorded[1]!.headers.cookie, 'sid=browser-session');
    assert.equal(recorded[0]!.headers.authorization, 'Basic [redacted]');
    assert.equal(recorded[1]!.headers.authorization, 'Bearer [redacted]');
    const text = JSON.stringify(recorded);
    assert.ok(!text.includes(token) && !text.includes(basic(CREDENTIALS.clientId, CREDENTIALS.clientSecret).slice(6)), 'no credential in the log');
    assert.equal(recorded[0]!.headers.cookie, undefined);
    assert.ok(Math.abs(Date.parse(recorded[1]!.at) - Date.now()) < 5_000);
    assert.deepEqual(s.sandbox.requests(), recorded);
  });

  it('keeps Authorization verbatim only when recordAuthorization is on', async () => {
    const verbatim = await startSandbox({ ...CREDENTIALS, recordAuthorization: true });
    try {
      const token = await tokenFor(verbatim, ALEX);
      await api(verbatim, 'GET', '/consent_management', { token });
      assert.deepEqual(verbatim.sandbox.requests().map((r) => r.headers.authorization),
        [basic(CREDENTIALS.clientId, CREDENTIALS.clientSecret), `Bearer ${token}`]);
    } finally {
      await verbatim.close();
    }
  });

  it('keeps only the last 500', async () => {
    for (let i = 0; i < 520; i++) await (await fetch(`${s.url}/api/v4/n${i}`)).arrayBuffer();
    const recorded = s.sandbox.requests();
    assert.equal(recorded.length, 500);
    assert.equal(recorded[0]!.path, '/api/v4/n20', 'the oldest are dropped first');
    assert.equal(recorded[499]!.path, '/api/v4/n519');
  });
});

describe('POST /__sandbox/reset', () => {
  it('restores seed data, stats, requests, faults, clock and single-use', async () => {
    const token = await tokenFor(s, ALEX);
    const seeded = (await api<Consent[]>(s, 'GET', '/consent_management', { token })).json;
    const target = seeded.find((c) => c.revoked_at === null)!;
    await api(s, 'PUT', `/consent_management/${target.id}/disable_app_sharing`, { token });
    await control(s, 'PUT', '/faults', [{ endpoint: 'list', kind: 'error', status: 503 }]);
    await control(s, 'POST', '/clock', { advance_seconds: 3600 });
    await control(s, 'PUT', '/config', { single_use: true, omit_empty: true, id_style: 'mx' });

    const res = await control<{ reset: boolean }>(s, 'POST', '/reset');
    assert.equal(res.status, 200);
    assert.deepEqual((await control(s, 'GET', '/faults')).json, []);
    assert.deepEqual((await control(s, 'GET', '/config')).json, { single_use: false, omit_empty: false, id_style: 'sandbox' });
    assert.ok(Math.abs(s.sandbox.clock.now() - Date.now()) < 1_000, 'clock back to wall time');
    assert.equal((await stats()).total, 0);
    assert.deepEqual(s.sandbox.requests(), []);

    const fresh = await tokenFor(s, ALEX);
    const after = (await api<Consent[]>(s, 'GET', '/consent_management', { token: fresh })).json;
    assert.deepEqual(after.map((c) => [c.id, c.revoked_at === null]), seeded.map((c) => [c.id, c.revoked_at === null]));
    assert.deepEqual(after.map((c) => c.id), seeded.map((c) => c.id), 'same deterministic ids');
  });
});

describe('clock and config controls', () => {
  it('POST /__sandbox/clock expires tokens on demand', async () => {
    const token = await tokenFor(s, ALEX);
    const res = await control<{ now: string }>(s, 'POST', '/clock', { advance_seconds: 301 });
    assert.equal(res.status, 200);
    assert.ok(Date.parse(res.json.now) - Date.now() > 290_000);
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 401);
    assert.equal((await api(s, 'GET', '/consent_management', { token: await tokenFor(s, ALEX) })).status, 200,
      'tokens issued after the jump live on the moved clock');
  });

  it('POST /__sandbox/clock refuses a bad body', async () => {
    for (const body of [{}, { advance_seconds: -5 }, { advance_seconds: '10' }]) {
      assert.equal((await control(s, 'POST', '/clock', body)).status, 400);
    }
  });

  it('PUT /__sandbox/config toggles strict single-use at runtime', async () => {
    assert.deepEqual((await control(s, 'PUT', '/config', { single_use: true })).json, { single_use: true, omit_empty: false, id_style: 'sandbox' });
    const token = await tokenFor(s, ALEX);
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 200);
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 401);
    assert.deepEqual((await control(s, 'PUT', '/config', { single_use: false })).json, { single_use: false, omit_empty: false, id_style: 'sandbox' });
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 200);
    assert.equal((await control(s, 'PUT', '/config', { single_use: 'yes' })).status, 400);
  });
});

describe('control route access', () => {
  it('answers only loopback peers', async () => {
    const port = new URL(s.url).port;
    // 127.0.0.2 is routed locally on Linux but is not one of the accepted loopback peer addresses.
    const foreign = await getFrom('127.0.0.2', `http://127.0.0.1:${port}/__sandbox/stats`);
    assert.equal(foreign.status, 404);
    assert.deepEqual(JSON.parse(foreign.body), { error: { status: 404, message: 'not found' } });
    assert.equal((await getFrom('127.0.0.1', `http://127.0.0.1:${port}/__sandbox/stats`)).status, 200);
    assert.equal((await getFrom('127.0.0.2', `http://127.0.0.1:${port}/logos/fernpay.svg`)).status, 200, 'the API side still answers');
  });

  it('refuses_browser_requests_from_other_sites_even_on_loopback', async () => {
    const own = new URL(s.url).origin;
    const refused: Array<Record<string, string>> = [
      { 'sec-fetch-site': 'cross-site', origin: 'https://evil.example' },
      { 'sec-fetch-site': 'same-site', origin: 'http://127.0.0.1:1' },
      { 'sec-fetch-site': 'cross-site' },
      { origin: 'https://evil.example' },
      { origin: 'null' },
    ];
    for (const headers of refused) {
      for (const [method, path] of [['POST', '/reset'], ['GET', '/requests'], ['PUT', '/faults']] as const) {
        const res = await fetch(`${s.url}/__sandbox${path}`, { method, headers: { 'content-type': 'text/plain', ...headers }, body: method === 'GET' ? undefined : '[]' });
        assert.equal(res.status, 403, `${JSON.stringify(headers)} ${method} ${path}`);
      }
    }
    await control(s, 'PUT', '/outage/token', {});
    assert.equal((await fetch(`${s.url}/__sandbox/outage/token`, { method: 'DELETE', headers: { 'sec-fetch-site': 'cross-site' } })).status, 403);
    assert.equal((await control<unknown[]>(s, 'GET', '/faults')).json.length, 1, 'the outage stayed');
    // The sandbox's own pages, a browser's address bar and scripts (no Sec-Fetch-Site, no Origin) are let through.
    for (const headers of [{ 'sec-fetch-site': 'same-origin', origin: own }, { 'sec-fetch-site': 'none' }, { origin: own }, {}] as Array<Record<string, string>>) {
      assert.equal((await fetch(`${s.url}/__sandbox/stats`, { headers })).status, 200, JSON.stringify(headers));
    }
  });

  it('serves no control routes when controls is off', async () => {
    const bare = await startSandbox({ ...CREDENTIALS, controls: false });
    try {
      for (const [method, path] of [['GET', '/stats'], ['POST', '/reset'], ['PUT', '/faults']] as const) {
        assert.equal((await control(bare, method, path, method === 'GET' ? undefined : {})).status, 404);
      }
      assert.equal(bare.sandbox.stats().total, 0, 'still observable in-process');
    } finally {
      await bare.close();
    }
  });
});

describe('CORS', () => {
  it('echoes an allowed origin with Vary: Origin', async () => {
    const res = await api(s, 'GET', '/consent_management', { token: await tokenFor(s, ALEX), headers: { Origin: BANK_ORIGIN } });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), BANK_ORIGIN);
    assert.match(res.headers.get('vary') ?? '', /Origin/);
  });

  it('sends no CORS headers to a foreign origin', async () => {
    const res = await api(s, 'GET', '/consent_management', { token: await tokenFor(s, ALEX), headers: { Origin: 'https://evil.example' } });
    assert.equal(res.status, 200);
    for (const [name] of res.headers) assert.ok(!name.startsWith('access-control-'), name);
    const preflight = await fetch(`${s.apiBase()}/consent_management`, {
      method: 'OPTIONS', headers: { Origin: 'https://evil.example', 'Access-Control-Request-Method': 'GET' },
    });
    assert.equal(preflight.headers.get('access-control-allow-origin'), null);
    assert.equal(preflight.status, 404);
  });

  it('answers an allowed preflight with 204 and the allowed methods and headers', async () => {
    const res = await fetch(`${s.apiBase()}/consent_management/CNS-x/accounts`, {
      method: 'OPTIONS',
      headers: { Origin: 'http://localhost:5173', 'Access-Control-Request-Method': 'PUT', 'Access-Control-Request-Headers': 'authorization, content-type' },
    });
    assert.equal(res.status, 204);
    assert.equal(res.headers.get('access-control-allow-origin'), 'http://localhost:5173');
    assert.equal(res.headers.get('access-control-allow-methods'), 'GET, PUT, POST, OPTIONS');
    assert.equal(res.headers.get('access-control-allow-headers'), 'Authorization, Content-Type, Accept');
    assert.match(res.headers.get('vary') ?? '', /Origin/);
    assert.equal(s.sandbox.stats().total, 0, 'a preflight is not an API call');
  });

  it('sends no CORS headers at all when no origins are configured', async () => {
    const plain = await startSandbox({ ...CREDENTIALS });
    try {
      const res = await fetch(`${plain.apiBase()}/token`, { method: 'POST', headers: { Origin: BANK_ORIGIN } });
      assert.equal(res.headers.get('access-control-allow-origin'), null);
    } finally {
      await plain.close();
    }
  });
});

describe('mounting and options', () => {
  it('mounts under a path of another Express app, with icon URLs built on publicUrl', async () => {
    let base = '';
    const sandbox = createSandbox({ ...CREDENTIALS, publicUrl: () => `${base}/mx/` });
    const host = express();
    host.get('/', (_req, res) => {
      res.send('bank');
    });
    host.use('/mx', sandbox.handler);
    const server = createServer(host);
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    try {
      const mounted = { url: `${base}/mx`, apiBase: (v = 'v4') => `${base}/mx/api/${v}`, sandbox, close: async () => {} };
      const token = await tokenFor(mounted, ALEX);
      const consents = (await api<Consent[]>(mounted, 'GET', '/consent_management', { token })).json;
      const icon = consents.find((c) => c.application_icon_url !== null)!.application_icon_url!;
      assert.match(icon, new RegExp(`^${base}/mx/logos/[a-z]+\\.svg$`));
      assert.equal((await fetch(icon)).status, 200);
      assert.equal(await (await fetch(`${base}/`)).text(), 'bank', 'the host app keeps its own routes');
      assert.equal(sandbox.requests()[0]?.path, '/api/v4/token', 'paths are recorded relative to the mount');
    } finally {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    }
  });

  it('auto-provisions unknown customers when asked to, and only well-formed ones', async () => {
    const auto = await startSandbox({ ...CREDENTIALS, autoProvision: true });
    try {
      const ids = Array.from({ length: 20 }, (_, i) => `load-customer-${i}`);
      const tokens = await Promise.all(ids.map((id) => tokenFor(auto, id)));
      const lists = await Promise.all(tokens.map((token) => api<Consent[]>(auto, 'GET', '/consent_management', { token })));
      for (const l of lists) assert.equal(l.json.length, 5);
      assert.notEqual(lists[0]!.json[0]!.id, lists[1]!.json[0]!.id, 'each customer gets their own ids');
      assert.equal((await postToken(auto, tokenBody('has space'))).status, 400);
      assert.equal(auto.sandbox.stats().by_customer['load-customer-3']?.tokens_issued, 1);
    } finally {
      await auto.close();
    }
  });

  it('refuses to start without credentials', () => {
    assert.throws(() => createSandbox({ clientId: '', clientSecret: 'x', publicUrl: 'http://127.0.0.1' }), /clientId/);
    assert.throws(() => createSandbox({ clientId: 'x', clientSecret: '', publicUrl: 'http://127.0.0.1' }), /clientSecret/);
  });
});
