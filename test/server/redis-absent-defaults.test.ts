import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { SessionData } from 'express-session';
import { ConfigError, loadConfig } from '../../server/config.js';
import { BoundedMemoryStore } from '../../server/session.js';
import { createMemoryTokenStore } from '../../server/token-store.js';
import { Customer } from '../support/client.js';
import { startTestDemo } from '../support/demo.js';

const session = (customerId: string, expiresInMs = 60_000) =>
  ({ customerId, cookie: { expires: new Date(Date.now() + expiresInMs), originalMaxAge: expiresInMs } }) as unknown as SessionData;

const load = (store: BoundedMemoryStore, sid: string) =>
  new Promise<SessionData | null | undefined>((resolve) => store.get(sid, (_err, s) => resolve(s)));

// Without REDIS_URL one machine serves everyone from memory; these bounds keep that memory finite.
describe('without REDIS_URL: the embedded defaults', () => {
  it('the_session_store_drops_the_oldest_session_when_full', async () => {
    const store = new BoundedMemoryStore(2, 60_000);
    store.set('s1', session('c1'));
    store.set('s2', session('c2'));
    store.set('s3', session('c3'));
    assert.equal(store.size, 2);
    assert.equal(await load(store, 's1'), null);
    assert.equal((await load(store, 's3'))?.customerId, 'c3');
  });

  it('the_session_store_expires_a_session_when_its_cookie_does', async () => {
    // On a clock the test moves, with seconds of margin either side of the cookie's 40 s, whatever the load.
    let now = Date.now();
    const store = new BoundedMemoryStore(10, 60_000, () => now);
    store.set('idle', session('c1', 40_000));
    now += 35_000;
    assert.equal((await load(store, 'idle'))?.customerId, 'c1');
    now += 6_000;
    assert.equal(await load(store, 'idle'), null);
  });

  it('the_token_cache_drops_the_oldest_token_when_full_and_expires_tokens', async () => {
    // A clock not at 0: lru-cache reads a start time of 0 as "no expiry".
    let now = 1_000;
    const store = createMemoryTokenStore(2, () => now);
    for (const n of [1, 2, 3]) await store.set(`token:c${n}`, { token: `t${n}`, expiresAt: 1_000 }, 500);
    assert.equal(await store.get('token:c1'), undefined);
    assert.equal((await store.get('token:c3'))?.token, 't3');
    now = 1_501;
    assert.equal(await store.get('token:c3'), undefined);
  });

  it('the_demo_serves_and_is_ready_without_redis', async () => {
    const demo = await startTestDemo();
    try {
      const ready = await fetch(`${demo.url}/readyz`);
      assert.deepEqual(await ready.json(), { status: 'ready', problems: [] });
      const alex = new Customer(demo.url);
      await alex.login('alex');
      assert.equal((await alex.token()).status, 200);
    } finally {
      await demo.close();
    }
  });

  it('redis_prefix_defaults_to_consent_and_is_validated', () => {
    const base = { NODE_ENV: 'test' };
    assert.equal(loadConfig(base, { requireUpstream: false }).redisPrefix, 'consent:');
    assert.equal(loadConfig({ ...base, REDIS_PREFIX: 'bank-a:consent:' }, { requireUpstream: false }).redisPrefix, 'bank-a:consent:');
    assert.throws(() => loadConfig({ ...base, REDIS_PREFIX: 'two words' }, { requireUpstream: false }), ConfigError);
    assert.throws(() => loadConfig({ ...base, REDIS_URL: 'http://127.0.0.1:6379' }, { requireUpstream: false }), ConfigError);
  });
});
