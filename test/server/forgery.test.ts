/**
 * Forged requests, the way another site (or a script that stole no cookie but guessed a session) would send
 * them. Each one is refused before the session is read, before any body is parsed and before MX is called.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import type { Consent } from '../../contract/consent.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer, type RequestOptions } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';

interface Route {
  method: 'GET' | 'POST' | 'PUT';
  path: string;
  json?: unknown;
}

describe('forged requests', () => {
  let stack: Stack;
  let alex: Customer;
  let routes: Route[];
  const snapshot = () => Object.values(DEMO_CUSTOMERS).map((id) => stack.mx.sandbox.consents(id));

  before(async () => {
    stack = await startStack({ RATE_LIMIT_WRITES_PER_MINUTE: '10000', RATE_LIMIT_TOKEN_PER_MINUTE: '10000', RATE_LIMIT_READS_PER_MINUTE: '10000' });
  });
  after(() => stack.close());
  beforeEach(async () => {
    stack.mx.sandbox.reset();
    alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const c: Consent = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((x) => !x.revoked_at)!;
    routes = [
      { method: 'POST', path: '/consent/token' },
      { method: 'GET', path: LIST },
      { method: 'PUT', path: `${LIST}/${c.id}/accounts`, json: { automatic_access: !c.auto_enable_future_accounts } },
      { method: 'PUT', path: `${LIST}/${c.id}/accounts/${c.accounts[0]!.account_id}`, json: { enabled: !c.accounts[0]!.enabled } },
      { method: 'PUT', path: `${LIST}/${c.id}/disable_app_sharing` },
    ];
  });

  it('forgeries_without_the_header_from_a_foreign_or_null_origin_or_as_form_posts_are_refused_with_no_upstream_call', async (t: TestContext) => {
    const own = new URL(stack.bff.url);
    const forgeries: Array<[string, (r: Route) => RequestOptions]> = [
      ['no X-CSRF header', (r) => ({ csrf: false, json: r.json })],
      ['X-CSRF: 0', (r) => ({ headers: { 'X-CSRF': '0' }, json: r.json })],
      ['X-CSRF: true', (r) => ({ headers: { 'X-CSRF': 'true' }, json: r.json })],
      ['empty X-CSRF', (r) => ({ headers: { 'X-CSRF': '' }, json: r.json })],
      ['foreign Origin', (r) => ({ headers: { origin: 'https://evil.example' }, json: r.json })],
      ['Origin: null', (r) => ({ headers: { origin: 'null' }, json: r.json })],
      ['same host, other port', (r) => ({ headers: { origin: `http://${own.hostname}:${Number(own.port) + 1}` }, json: r.json })],
      ['same host, https', (r) => ({ headers: { origin: `https://${own.host}` }, json: r.json })],
      ['lookalike suffix', (r) => ({ headers: { origin: `${own.origin}.evil.example` }, json: r.json })],
      ['origin with a path', (r) => ({ headers: { origin: `${own.origin}/` }, json: r.json })],
      ['text/plain form post', (r) => ({ csrf: false, headers: { 'content-type': 'text/plain' }, body: JSON.stringify(r.json ?? {}) })],
      ['urlencoded form post', () => ({ csrf: false, headers: { 'content-type': 'application/x-www-form-urlencoded' }, body: 'enabled=true' })],
      ['multipart form post', () => ({ csrf: false, headers: { 'content-type': 'multipart/form-data; boundary=x' }, body: '--x--' })],
      ['text/plain from Origin: null', () => ({ csrf: false, headers: { origin: 'null', 'content-type': 'text/plain' }, body: '{"a":1}' })],
      ['header right, Origin foreign, big body', () => ({ headers: { origin: 'https://evil.example' }, json: { pad: 'x'.repeat(200_000) } })],
    ];
    const before = snapshot();
    let refused = 0;
    const codes = new Map<string, number>();
    for (const [name, forge] of forgeries) {
      for (const route of routes) {
        // Logged in and anonymous alike: the forgery is refused first, so its answer is 403, not 401.
        for (const who of [alex, new Customer(stack.bff.url)]) {
          const opts = forge(route);
          if (route.method === 'GET') {
            // fetch sends no body with a GET.
            delete opts.body;
            delete opts.json;
          }
          const res = await who.request(route.method, route.path, opts);
          const body = (await res.json()) as { error?: { code?: string } };
          assert.equal(res.status, 403, `${name}: ${route.method} ${route.path}`);
          assert.equal(res.headers.get('location'), null, 'JSON, never a redirect');
          const code = body.error?.code ?? '?';
          codes.set(code, (codes.get(code) ?? 0) + 1);
          refused++;
        }
      }
    }
    t.diagnostic(`CSRF forgeries refused: ${refused} (${forgeries.length} kinds × ${routes.length} routes × logged in/anonymous); `
      + `codes ${JSON.stringify(Object.fromEntries(codes))}`);
    assert.equal(refused, forgeries.length * routes.length * 2);
    assert.deepEqual([...codes.keys()].sort(), ['csrf_header_missing', 'origin_forbidden']);
    assert.equal(stack.mx.sandbox.stats().total, 0, 'zero upstream calls');
    assert.deepEqual(snapshot(), before, 'nothing changed for anyone');

    // The same requests, made properly, go through: the refusals were for the forgery, not the route.
    for (const route of routes) {
      const res = await alex.request(route.method, route.path, { json: route.json, headers: { origin: own.origin } });
      assert.equal(res.status, 200, `${route.method} ${route.path}`);
    }
  });

  it('a_login_or_logout_form_posted_from_another_site_is_refused_and_changes_no_session', async () => {
    const own = new URL(stack.bff.url).origin;
    const form = { 'content-type': 'application/x-www-form-urlencoded' };
    const forged: Array<Record<string, string>> = [
      { origin: 'https://evil.example' }, { origin: 'null' }, { origin: `${own}.evil.example` },
      { origin: 'https://evil.example', 'sec-fetch-site': 'cross-site' }, { origin: 'null', 'sec-fetch-site': 'cross-site' },
      { 'sec-fetch-site': 'cross-site' }, { origin: `http://127.0.0.1:1`, 'sec-fetch-site': 'same-site' },
    ];
    for (const from of forged) {
      const origin = JSON.stringify(from);
      // Login CSRF: the attacker's form would sign the victim in as the attacker.
      const victim = new Customer(stack.bff.url);
      const res = await victim.request('POST', '/demo/login', { csrf: false, headers: { ...form, ...from }, body: 'username=sam&password=demo' });
      assert.equal(res.status, 403, origin);
      assert.deepEqual(res.headers.getSetCookie(), [], `${origin}: no session cookie`);
      assert.equal((await victim.token()).status, 401, `${origin}: not logged in`);
      // Logout CSRF: the logged-in customer stays logged in.
      const out = await alex.request('POST', '/demo/logout', { csrf: false, headers: { ...form, ...from }, body: '' });
      assert.equal(out.status, 403, origin);
      assert.equal((await alex.token()).status, 200, `${origin}: still logged in`);
    }
    // The bank's own page logs in as before (Chromium sends its own form under `no-referrer` with `Origin: null`).
    const ownPage: Array<Record<string, string>> = [{ origin: own }, { origin: 'null', 'sec-fetch-site': 'same-origin' }, { origin: own, 'sec-fetch-site': 'same-origin' }];
    for (const from of ownPage) {
      const fromOwnPage = new Customer(stack.bff.url);
      const ok = await fromOwnPage.request('POST', '/demo/login', { csrf: false, headers: { ...form, ...from }, body: 'username=sam&password=demo' });
      assert.equal(ok.status, 303, JSON.stringify(from));
      assert.equal((await fromOwnPage.token()).status, 200);
    }
  });

  it('a_session_id_from_before_login_is_useless_after_it', async () => {
    // Visiting as a stranger creates no session at all, so there is no anonymous id to fixate...
    const stranger = new Customer(stack.bff.url);
    for (const path of ['/login', '/', '/consent/token']) {
      await stranger.request(path === '/consent/token' ? 'POST' : 'GET', path);
      assert.equal(stranger.cookie, '', `${path} set no session cookie`);
    }
    // ...so an attacker plants a valid id of their own (they logged in as sam) in the victim's browser.
    const attacker = new Customer(stack.bff.url);
    await attacker.login('sam');
    const planted = attacker.cookie;
    const victim = new Customer(stack.bff.url);
    victim.cookie = planted;
    await victim.login('alex');
    assert.notEqual(victim.cookie, planted, 'login regenerated the session id');
    assert.equal((await victim.token()).status, 200);

    for (const route of routes) {
      const res = await attacker.request(route.method, route.path, { json: route.json });
      assert.equal(res.status, 401, `${route.method} ${route.path} with the planted id`);
      const text = await res.text();
      assert.ok(!text.includes(DEMO_CUSTOMERS.alex) && !text.includes('access_token'), 'nothing of alex leaks');
    }
    // Made-up and tampered ids are worth nothing either.
    const [name, value] = planted.split('=') as [string, string];
    for (const forged of [`${name}=s%3Aguess.bad`, `${name}=${value.slice(0, -3)}abc`, `${name}=${value.replace(/%3A[^.]+/, '%3Aother')}`]) {
      const guesser = new Customer(stack.bff.url);
      guesser.cookie = forged;
      assert.equal((await guesser.token()).status, 401, forged);
    }
  });
});
