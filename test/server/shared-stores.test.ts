/**
 * The shared stores as a BFF opens them from its configuration, against the local Redis: how long an instance waits
 * for a token that another instance is fetching follows `MX_DEADLINE_MS`, the bound on that fetch.
 */
import assert from 'node:assert/strict';
import { after, describe, it } from 'node:test';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { openSharedStores, type SharedStores } from '../../server/shared-stores.js';
import { deleteKeysUnder, redisClient, REDIS_URL, testPrefix } from '../support/redis.js';

describe('shared stores opened from the configuration', () => {
  const prefix = testPrefix('shared-stores');
  const opened: SharedStores[] = [];
  after(async () => {
    await Promise.all(opened.map((s) => s.close()));
    const client = await redisClient();
    await deleteKeysUnder(client, prefix);
    await client.quit();
  });

  /** One BFF instance's stores. The per-step timeouts are short, so only the overall deadline allows a 6 s token fetch. */
  async function instance() {
    const env = { NODE_ENV: 'test', REDIS_URL, REDIS_PREFIX: prefix, MX_DEADLINE_MS: '9000', MX_CONNECT_TIMEOUT_MS: '100', MX_HEADERS_TIMEOUT_MS: '100', MX_BODY_TIMEOUT_MS: '100' };
    const stores = await openSharedStores(loadConfig(env, { requireUpstream: false }), createLogger('silent'));
    opened.push(stores);
    return stores.router.tokenStore!;
  }

  it('an_instance_waits_for_a_token_another_is_fetching_as_long_as_the_mx_deadline_allows_that_fetch', async () => {
    const [a, b] = await Promise.all([instance(), instance()]);
    const token = { token: 'from-a', expiresAt: Date.now() + 60_000 };
    let aFetching!: () => void;
    const fetchStarted = new Promise<void>((go) => (aFetching = go));
    const fromA = a.singleFlight('alex', async () => {
      aFetching();
      // Longer than connect + headers + body + the lock's TTL (5.3 s), within the 9 s deadline.
      await new Promise((done) => setTimeout(done, 6_000));
      await a.set('alex', token, 60_000);
      return token;
    });
    await fetchStarted;
    let bFetched = 0;
    const fromB = await b.singleFlight('alex', async () => {
      bFetched++;
      return { token: 'from-b', expiresAt: Date.now() + 60_000 };
    });
    assert.deepEqual(fromB, token, 'the waiting instance got the token the other one fetched');
    assert.equal(bFetched, 0, 'one fetch for both instances');
    assert.deepEqual(await fromA, token);
  });
});
