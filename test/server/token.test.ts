import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer, decodeJwt } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';

describe('POST /consent/token', () => {
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(() => stack.close());
  beforeEach(() => stack.mx.sandbox.reset());

  it('issues_a_token_for_the_sessions_customer_with_expiry_and_api_base', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const res = await alex.token();
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    const body = await res.json() as { access_token: string; expires_at: string; api_base: string };
    assert.deepEqual(Object.keys(body).sort(), ['access_token', 'api_base', 'expires_at', 'session']);
    const { payload } = decodeJwt(body.access_token);
    assert.deepEqual(payload.scopes, { 'customer.modify_consent': DEMO_CUSTOMERS.alex });
    assert.equal(new Date(body.expires_at).getTime(), (payload.exp as number) * 1000);
    assert.equal(body.api_base, `${stack.mx.url}/api/v4`);
    // The token works upstream for alex's consents.
    const list = await fetch(`${body.api_base}/consent_management`, { headers: { authorization: `Bearer ${body.access_token}` } });
    assert.equal(list.status, 200);
  });

  it('the_session_marker_stays_within_a_session_changes_with_a_new_login_or_customer_and_names_neither', async () => {
    const browser = new Customer(stack.bff.url);
    const marker = async () => ((await (await browser.token()).json()) as { session: string }).session;
    await browser.login('alex');
    const first = await marker();
    assert.equal(await marker(), first, 'the same session, the same marker');
    await browser.logout();
    await browser.login('alex');
    const again = await marker();
    assert.notEqual(again, first, 'a new login is a new session');
    await browser.logout();
    await browser.login('sam');
    const sam = await marker();
    assert.ok(![first, again].includes(sam), 'another customer');
    for (const m of [first, again, sam]) {
      assert.ok(!m.includes(DEMO_CUSTOMERS.alex) && !m.includes(DEMO_CUSTOMERS.sam) && !browser.cookie.includes(m));
    }
  });

  it('a_token_mx_refused_early_is_replaced_when_the_widget_names_it', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const first = ((await (await alex.token()).json()) as { access_token: string }).access_token;
    const before = stack.upstreamCount('token');
    const again = ((await (await alex.token()).json()) as { access_token: string }).access_token;
    assert.equal(again, first, 'cached while fresh');
    const someoneElses = await alex.token({ json: { refused: 'eyJhbGciOiJIUzI1NiJ9.e30.not-the-cached-one' } });
    assert.equal(((await someoneElses.json()) as { access_token: string }).access_token, first, 'a token that is not the cached one evicts nothing');
    const replaced = await alex.token({ json: { refused: first } });
    const fresh = ((await replaced.json()) as { access_token: string }).access_token;
    assert.notEqual(fresh, first);
    assert.equal(stack.upstreamCount('token'), before + 1);
  });

  it('calls_without_session_get_401_json_not_a_redirect', async () => {
    const anonymous = new Customer(stack.bff.url);
    const res = await anonymous.token();
    assert.equal(res.status, 401);
    assert.deepEqual(await res.json(), { error: { code: 'not_logged_in', message: 'Log in to manage connected apps.' } });
    assert.equal(stack.upstreamCount('token'), 0);
  });

  it('never_issues_a_token_for_another_customer_whatever_the_request_carries', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const sam = DEMO_CUSTOMERS.sam;
    const attempts = [
      alex.request('POST', `/consent/token?customer_id=${sam}&openid_connect_user_id=${sam}`),
      alex.request('POST', '/consent/token', { json: { customer_id: sam, scopes: `customer.modify_consent:${sam}` } }),
      alex.request('POST', '/consent/token', { headers: { 'X-Customer-Id': sam, 'X-Openid-Connect-User-Id': sam } }),
    ];
    for (const res of await Promise.all(attempts)) {
      assert.equal(res.status, 200);
      const { payload } = decodeJwt(((await res.json()) as { access_token: string }).access_token);
      assert.deepEqual(payload.scopes, { 'customer.modify_consent': DEMO_CUSTOMERS.alex });
    }
  });

  it('calls_without_antiforgery_header_get_403_and_reach_no_upstream', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const res = await alex.token({ csrf: false });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'csrf_header_missing');
    const wrongValue = await alex.token({ headers: { 'X-CSRF': 'yes' } });
    assert.equal(wrongValue.status, 403);
    assert.equal(stack.upstreamCount('token'), 0);
  });

  it('calls_from_a_foreign_origin_get_403_and_reach_no_upstream', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const res = await alex.token({ headers: { Origin: 'https://evil.example' } });
    assert.equal(res.status, 403);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'origin_forbidden');
    const proxied = await alex.request('GET', '/consent/api/consent_management', { headers: { Origin: 'null' } });
    assert.equal(proxied.status, 403);
    assert.equal(stack.mx.sandbox.stats().total, 0);
    const own = await alex.token({ headers: { Origin: new URL(stack.bff.url).origin } });
    assert.equal(own.status, 200);
  });

  it('a_text_plain_form_post_from_a_foreign_origin_is_refused_with_no_upstream_call', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const res = await alex.request('POST', '/consent/token', {
      csrf: false, body: 'x=1', headers: { 'content-type': 'text/plain', Origin: 'https://evil.example' },
    });
    assert.equal(res.status, 403);
    assert.equal(stack.mx.sandbox.stats().total, 0);
  });
});
