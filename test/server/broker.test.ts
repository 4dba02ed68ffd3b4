import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { createTokenBroker, readExpiry } from '../../server/token-broker.js';
import { boundedTtlCache, createMemoryTokenStore } from '../../server/token-store.js';
import { createUpstreamClient, type UpstreamClient } from '../../server/upstream.js';
import { consentPaths } from '../../contract/consent.js';

const alex = DEMO_CUSTOMERS.alex;
const list = { method: 'GET' as const, path: consentPaths.list() };

describe('token broker against the sandbox', () => {
  let mx: StartedSandbox;
  let upstream: UpstreamClient;
  before(async () => {
    mx = await startSandbox({ clientId: 'broker', clientSecret: 'broker-secret' });
    upstream = createUpstreamClient({
      baseUrl: mx.url, version: 'v4', clientId: 'broker', clientSecret: 'broker-secret',
      timeouts: { connectMs: 1_000, headersMs: 2_000, bodyMs: 2_000 },
    });
  });
  after(async () => {
    await upstream.close();
    await mx.close();
  });
  beforeEach(() => mx.sandbox.reset());

  it('500_concurrent_token_requests_for_one_customer_make_exactly_one_upstream_request', async () => {
    const broker = createTokenBroker({ upstream, store: createMemoryTokenStore() });
    const tokens = await Promise.all(Array.from({ length: 500 }, () => broker.token(alex)));
    assert.equal(new Set(tokens.map((t) => t.token)).size, 1);
    assert.equal(mx.sandbox.stats().token, 1);
  });

  it('caches_until_shortly_before_exp_then_refreshes', async () => {
    const asked = Date.now();
    let now = asked;
    const broker = createTokenBroker({ upstream, store: createMemoryTokenStore(100, () => now), refreshBeforeExpiryMs: 60_000, now: () => now });
    const first = await broker.token(alex);
    const answered = Date.now();
    // MX stamps a 300 s token in whole seconds at some moment between asking and answering, however long a loaded
    // machine took; the broker's clock then starts from the answer.
    assert.equal(first.expiresAt, readExpiry(first.token), 'exp read from the JWT');
    assert.ok(first.expiresAt > asked - 1_000 + 300_000 && first.expiresAt <= answered + 300_000, 'a 300 s token');
    now = answered + 200_000;
    assert.equal((await broker.token(alex)).token, first.token, 'still fresh: cached');
    now += 45_000; // at most 55 s left, inside the 60 s refresh window
    const second = await broker.token(alex);
    assert.notEqual(second.token, first.token);
    assert.equal(mx.sandbox.stats().token, 2);
  });

  it('a_401_drops_the_token_and_retries_once_with_a_fresh_one', async () => {
    const broker = createTokenBroker({ upstream, store: createMemoryTokenStore() });
    await broker.call(alex, list);
    mx.sandbox.clock.advance(301);
    const res = await broker.call(alex, list);
    assert.equal(res.status, 200);
    const stats = mx.sandbox.stats();
    assert.equal(stats.token, 2);
    assert.equal(stats.list, 3);
  });

  it('a_second_401_is_returned_not_retried_again', async () => {
    const broker = createTokenBroker({ upstream, store: createMemoryTokenStore() });
    mx.sandbox.faults.set({ endpoint: 'list', kind: 'error', status: 401 });
    const res = await broker.call(alex, list);
    assert.equal(res.status, 401);
    assert.equal(mx.sandbox.stats().list, 2);
    assert.equal(mx.sandbox.stats().token, 2);
  });

  it('single_use_setting_gets_a_fresh_token_for_every_upstream_call', async () => {
    mx.sandbox.setSingleUse(true);
    const broker = createTokenBroker({ upstream, store: createMemoryTokenStore(), singleUse: true });
    for (let i = 0; i < 3; i++) assert.equal((await broker.call(alex, list)).status, 200);
    const handed = await Promise.all([broker.token(alex), broker.token(alex)]);
    assert.notEqual(handed[0].token, handed[1].token);
    assert.equal(mx.sandbox.stats().token, 5);
    assert.equal(mx.sandbox.stats().list, 3, 'no call needed a retry');
  });

  it('reuse_under_strict_single_use_upstream_fails_without_the_setting', async () => {
    mx.sandbox.setSingleUse(true);
    const broker = createTokenBroker({ upstream, store: createMemoryTokenStore() });
    assert.equal((await broker.call(alex, list)).status, 200);
    // The cached token was spent: the 401 retry path fetches a new one, so the customer still gets data.
    assert.equal((await broker.call(alex, list)).status, 200);
    assert.equal(mx.sandbox.stats().token, 2);
  });
});

describe('token store', () => {
  it('bounded_map_drops_the_oldest_entry_when_full_and_expires_entries', () => {
    // A clock not at 0: lru-cache reads a start time of 0 as "no expiry".
    let now = 1_000;
    const map = boundedTtlCache<number>(2, () => now);
    map.set('a', 1, { ttl: 100 });
    map.set('b', 2, { ttl: 100 });
    map.set('c', 3, { ttl: 100 });
    assert.equal(map.get('a'), undefined);
    assert.equal(map.size, 2);
    now = 1_101;
    assert.equal(map.get('b'), undefined);
  });

  it('reads_exp_from_a_jwt_and_tolerates_opaque_tokens', () => {
    const payload = Buffer.from(JSON.stringify({ exp: 1746143513 })).toString('base64url');
    assert.equal(readExpiry(`eyJhbGciOiJIUzI1NiJ9.${payload}.sig`), 1746143513000);
    assert.equal(readExpiry('opaque-token'), undefined);
    assert.equal(readExpiry('a.!!!.c'), undefined);
  });
});
