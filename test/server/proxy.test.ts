import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Consent } from '../../contract/consent.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';
import { startTestDemo } from '../support/demo.js';

const LIST = '/consent/api/consent_management';

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

describe('proxy mode', () => {
  let stack: Stack;
  let alex: Customer;
  let consents: Consent[];
  before(async () => {
    // The request log keeps Authorization verbatim here, to tell the BFF's token from the browser's.
    // A headers timeout short enough for the slow-upstream test, long enough for a loaded machine's plain answers.
    stack = await startStack({ MX_HEADERS_TIMEOUT_MS: '2000', RATE_LIMIT_WRITES_PER_MINUTE: '1000' }, { recordAuthorization: true });
  });
  after(() => stack.close());
  beforeEach(async () => {
    stack.mx.sandbox.reset();
    alex = new Customer(stack.bff.url);
    await alex.login('alex');
    consents = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex);
  });
  const active = () => consents.find((c) => c.revoked_at === null && c.accounts.length > 0)!;

  it('relays_the_list_of_the_sessions_customer', async () => {
    const res = await alex.request('GET', LIST);
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('cache-control'), 'no-store');
    assert.deepEqual(await res.json(), consents);
  });

  it('relays_each_of_the_three_changes_and_returns_the_updated_consent', async () => {
    const c = active();
    const account = c.accounts[0]!;
    const acc = await alex.request('PUT', `${LIST}/${c.id}/accounts/${account.account_id}`, { json: { enabled: !account.enabled } });
    assert.equal(acc.status, 200);
    assert.equal(((await acc.json()) as Consent).accounts[0]!.enabled, !account.enabled);
    const auto = await alex.request('PUT', `${LIST}/${c.id}/accounts`, { json: { automatic_access: !c.auto_enable_future_accounts } });
    assert.equal(((await auto.json()) as Consent).auto_enable_future_accounts, !c.auto_enable_future_accounts);
    const stop = await alex.request('PUT', `${LIST}/${c.id}/disable_app_sharing`);
    assert.equal(stop.status, 200);
    assert.ok(((await stop.json()) as Consent).revoked_at);
    assert.equal(stack.upstreamCount('revoke'), 1);
  });

  it('relays_only_the_allowlisted_routes_and_methods', async () => {
    const c = active();
    const refused = await Promise.all([
      alex.request('POST', LIST, { json: {} }),
      alex.request('DELETE', `${LIST}/${c.id}`),
      alex.request('GET', `${LIST}/${c.id}`),
      alex.request('GET', '/consent/api/token'),
      alex.request('POST', '/consent/api/token', { json: {} }),
      alex.request('GET', '/consent/api/users'),
      alex.request('PUT', `${LIST}/${c.id}/enable_app_sharing`),
    ]);
    for (const res of refused) assert.equal(res.status, 404);
    const stats = stack.mx.sandbox.stats();
    assert.equal(stats.total, 0, 'nothing reached the upstream');
  });

  it('never_forwards_the_browsers_cookie_or_authorization_upstream', async () => {
    const res = await alex.request('GET', LIST, { headers: { authorization: 'Bearer from-the-browser', 'x-forwarded-for': '6.6.6.6' } });
    assert.equal(res.status, 200);
    const seen = stack.mx.sandbox.requests().filter((r) => r.path.endsWith('/consent_management'));
    assert.equal(seen.length, 1);
    const headers = seen[0]!.headers as Record<string, string | undefined>;
    assert.equal(headers.cookie, undefined);
    assert.notEqual(headers.authorization, 'Bearer from-the-browser');
    assert.match(headers.authorization ?? '', /^Bearer eyJ/);
    assert.equal(headers['x-forwarded-for'], undefined);
  });

  it('rejects_bad_ids_in_paths_before_any_upstream_call', async () => {
    const c = active();
    const bad = ['..', '%2E%2E', 'a%2Fb', 'a%5Cb', 'x'.repeat(129), '%00', 'a%20b'];
    for (const id of bad) {
      const res = await alex.request('PUT', `${LIST}/${id}/accounts`, { json: { automatic_access: true } });
      assert.ok([400, 404].includes(res.status), `${id} → ${res.status}`);
      const acc = await alex.request('PUT', `${LIST}/${c.id}/accounts/${id}`, { json: { enabled: true } });
      assert.ok([400, 404].includes(acc.status), `account ${id} → ${acc.status}`);
    }
    assert.equal(stack.mx.sandbox.stats().total, 0);
  });

  it('rejects_bodies_over_the_limit_with_413', async () => {
    const c = active();
    const res = await alex.request('PUT', `${LIST}/${c.id}/accounts`, { body: JSON.stringify({ automatic_access: true, pad: 'x'.repeat(1024 * 1024) }), headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 413);
    assert.equal(await errorCode(res), 'body_too_large');
    assert.equal(stack.mx.sandbox.stats().total, 0);
  });

  it('rejects_malformed_json_with_400', async () => {
    const res = await alex.request('PUT', `${LIST}/${active().id}/accounts`, { body: '{"automatic_access": tru', headers: { 'content-type': 'application/json' } });
    assert.equal(res.status, 400);
    assert.equal(await errorCode(res), 'malformed_json');
  });

  it('rejects_bodies_that_break_the_schema_naming_the_field', async () => {
    const c = active();
    const notBool = await alex.request('PUT', `${LIST}/${c.id}/accounts`, { json: { automatic_access: 'yes' } });
    assert.equal(notBool.status, 400);
    assert.match(((await notBool.json()) as { error: { message: string } }).error.message, /automatic_access/);
    const extra = await alex.request('PUT', `${LIST}/${c.id}/accounts/${c.accounts[0]!.account_id}`, { json: { enabled: true, customer_id: DEMO_CUSTOMERS.sam } });
    assert.equal(extra.status, 400);
    assert.match(((await extra.json()) as { error: { message: string } }).error.message, /customer_id/);
    const missing = await alex.request('PUT', `${LIST}/${c.id}/accounts`, { json: {} });
    assert.equal(missing.status, 400);
    assert.equal(stack.mx.sandbox.stats().total, 0, 'bad input changes nothing');
    assert.deepEqual(stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex), consents);
  });

  it('another_customers_consent_ids_get_404_and_change_nothing', async () => {
    const sams = stack.mx.sandbox.consents(DEMO_CUSTOMERS.sam);
    const target = sams[0]!;
    const res = await alex.request('PUT', `${LIST}/${target.id}/disable_app_sharing`);
    assert.equal(res.status, 404);
    assert.equal(await errorCode(res), 'not_found');
    assert.deepEqual(stack.mx.sandbox.consents(DEMO_CUSTOMERS.sam), sams);
  });

  it('upstream_conflict_is_passed_through_as_409', async () => {
    const stopped = consents.find((c) => c.revoked_at !== null)!;
    const res = await alex.request('PUT', `${LIST}/${stopped.id}/accounts`, { json: { automatic_access: true } });
    assert.equal(res.status, 409);
    assert.equal(await errorCode(res), 'conflict');
  });

  it('upstream_5xx_reaches_mx_once_per_request_the_bff_never_retries', async () => {
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'error', status: 503, next: 2 });
    const res = await alex.request('GET', LIST);
    assert.equal(res.status, 502);
    assert.equal(await errorCode(res), 'upstream_unavailable');
    assert.equal(stack.upstreamCount('list'), 1, 'the widget is the one layer that retries');
  });

  it('upstream_down_gives_502_json', async () => {
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'drop' });
    const res = await alex.request('GET', LIST);
    assert.equal(res.status, 502);
    assert.equal(await errorCode(res), 'upstream_unavailable');
  });

  it('upstream_slow_gives_504_within_the_configured_timeout', async () => {
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'latency', latency_ms: 15_000 });
    const started = Date.now();
    const res = await alex.request('GET', LIST);
    const took = Date.now() - started;
    assert.equal(res.status, 504);
    assert.equal(await errorCode(res), 'upstream_timeout');
    assert.ok(took < 7_500, `answered after ${took} ms with a 2 s headers timeout, MX answering after 15 s`);
  });

  it('an_expired_upstream_token_is_replaced_and_the_call_retried_once', async () => {
    assert.equal((await alex.request('GET', LIST)).status, 200);
    const tokensBefore = stack.upstreamCount('token');
    stack.mx.sandbox.clock.advance(301);
    const res = await alex.request('GET', LIST);
    assert.equal(res.status, 200);
    assert.equal(stack.upstreamCount('token'), tokensBefore + 1, 'one fresh token');
    assert.equal(stack.upstreamCount('list'), 3, 'the 401 and exactly one retry');
  });
});

describe('modes', () => {
  it('proxy_only_mode_turns_off_the_token_route', async () => {
    const demo = await startTestDemo({ env: { CONSENT_MODE: 'proxy' } });
    try {
      const alex = new Customer(demo.url);
      await alex.login('alex');
      assert.equal((await alex.token()).status, 404);
      assert.equal((await alex.request('GET', LIST)).status, 200);
    } finally {
      await demo.close();
    }
  });

  it('direct_only_mode_relays_nothing', async () => {
    const demo = await startTestDemo({ env: { CONSENT_MODE: 'direct' } });
    try {
      const alex = new Customer(demo.url);
      await alex.login('alex');
      assert.equal((await alex.token()).status, 200);
      assert.equal((await alex.request('GET', LIST)).status, 404);
    } finally {
      await demo.close();
    }
  });
});
