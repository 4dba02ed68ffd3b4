import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { createRedisTokenStore, type RedisTokenStoreOptions } from '../../server/redis-token-store.js';
import { TokenWaitTimeoutError, type CachedToken } from '../../server/token-store.js';
import { deleteKeysUnder, redisClient, testPrefix, type TestRedisClient } from '../support/redis.js';

const hour = () => Date.now() + 3_600_000;

/** Stands for the upstream token request: counts its calls, takes `ms`, and stores what it got as the broker does. */
function countingFetch(store: { set(key: string, value: CachedToken, ttlMs: number): Promise<void> }, key: string, ms: number) {
  let calls = 0;
  return {
    get calls() { return calls; },
    fetch: async (): Promise<CachedToken> => {
      calls++;
      await sleep(ms);
      const token = { token: `t-${calls}-${crypto.randomUUID()}`, expiresAt: hour() };
      await store.set(key, token, 60_000);
      return token;
    },
  };
}

describe('Redis token store', () => {
  const prefix = testPrefix('token-store');
  let redis: TestRedisClient;
  /** Two stores on one Redis stand for two BFF instances. */
  const instance = (opts: Partial<RedisTokenStoreOptions> = {}) =>
    createRedisTokenStore({ send: (args) => redis.sendCommand(args), prefix, ...opts });

  before(async () => { redis = await redisClient(); });
  after(async () => {
    await deleteKeysUnder(redis, prefix);
    await redis.close();
  });

  it('two_instances_share_one_fetch_for_one_key', async () => {
    const [a, b] = [instance(), instance()];
    const upstream = countingFetch(a, 'token:shared', 150);
    const results = await Promise.all(Array.from({ length: 100 }, (_, n) => (n % 2 ? a : b).singleFlight('token:shared', upstream.fetch)));
    assert.equal(upstream.calls, 1);
    assert.equal(new Set(results.map((r) => r.token)).size, 1);
    assert.equal(await redis.exists(`${prefix}lock:{token:shared}`), 0, 'the lock is released');
  });

  it('a_fetch_slower_than_the_lock_ttl_keeps_its_lock_alive', async () => {
    // The fetch outlasts the lock's TTL two and a half times over; renewal every TTL/3 leaves a loaded machine's
    // timer 2 s of slack before the lock would lapse.
    const [a, b] = [instance({ lockTtlMs: 3_000 }), instance({ lockTtlMs: 3_000 })];
    const upstream = countingFetch(a, 'token:slow', 7_500);
    const first = a.singleFlight('token:slow', upstream.fetch);
    await sleep(50);
    const second = await b.singleFlight('token:slow', upstream.fetch);
    assert.equal(second.token, (await first).token);
    assert.equal(upstream.calls, 1, 'no second fetch after the first lock TTL passed');
  });

  it('a_failed_fetch_releases_the_lock_so_the_next_caller_fetches_at_once', async () => {
    // A lock left behind would hold b for its minute-long TTL (up to b's 20 s bound); at once is well under that on any load.
    const [a, b] = [instance({ lockTtlMs: 60_000 }), instance({ lockTtlMs: 60_000 })];
    await assert.rejects(a.singleFlight('token:fails', async () => { throw new Error('upstream said no'); }), /upstream said no/);
    assert.equal(await redis.exists(`${prefix}lock:{token:fails}`), 0);
    const upstream = countingFetch(b, 'token:fails', 0);
    const started = performance.now();
    await b.singleFlight('token:fails', upstream.fetch);
    assert.ok(performance.now() - started < 10_000, 'no wait for a lock nobody holds');
    assert.equal(upstream.calls, 1);
  });

  it('a_waiter_gives_up_after_its_bound_with_an_upstream_timeout', async () => {
    // Another instance, alive, holding the lock for longer than this waiter may wait.
    // The lock outlives the bound by a minute: a waiter that ignored its bound fails the upper limit on any load.
    await redis.set(`${prefix}lock:{token:held}`, 'someone-else', { expiration: { type: 'PX', value: 60_000 } });
    const waiter = instance({ maxWaitMs: 1_000 });
    const started = performance.now();
    await assert.rejects(waiter.singleFlight('token:held', async () => ({ token: 'never', expiresAt: hour() })), (err: unknown) =>
      err instanceof TokenWaitTimeoutError);
    const waited = performance.now() - started;
    assert.ok(waited >= 1_000 && waited < 15_000, `waited ${waited} ms`);
    assert.equal(await redis.get(`${prefix}lock:{token:held}`), 'someone-else', "another instance's lock is never released by a waiter");
  });

  it('delete_with_a_token_removes_only_that_token', async () => {
    const store = instance();
    await store.set('token:cas', { token: 'newer', expiresAt: hour() }, 60_000);
    await store.delete('token:cas', 'older');
    assert.equal((await store.get('token:cas'))?.token, 'newer', 'a token fetched meanwhile stays');
    await store.delete('token:cas', 'newer');
    assert.equal(await store.get('token:cas'), undefined);
    await store.set('token:cas', { token: 'any', expiresAt: hour() }, 60_000);
    await store.delete('token:cas');
    assert.equal(await store.get('token:cas'), undefined, 'logout forgets whatever is cached');
  });

  it('cached_tokens_expire_with_their_ttl', async () => {
    const store = instance();
    // Two seconds to read it back on a loaded machine; then Redis expires it (a key without a TTL never would).
    await store.set('token:ttl', { token: 'short', expiresAt: hour() }, 2_000);
    assert.equal((await store.get('token:ttl'))?.token, 'short');
    const pttl = await redis.pTTL(`${prefix}{token:ttl}`);
    assert.ok(pttl > 0 && pttl <= 2_000, `PTTL ${pttl}`);
    const until = Date.now() + 15_000;
    while ((await store.get('token:ttl')) !== undefined && Date.now() < until) await sleep(100);
    assert.equal(await store.get('token:ttl'), undefined);
  });
});
