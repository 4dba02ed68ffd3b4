import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { loadConfig } from '../../server/config.js';
import { createLogger } from '../../server/logger.js';
import { openSharedStores } from '../../server/shared-stores.js';
import { Customer } from '../support/client.js';
import { startCluster } from '../support/redis-cluster.js';
import { startTopology, type TestTopology, type TopologyKind } from '../support/redis-topology.js';
import { testPrefix } from '../support/redis.js';

/** Opens the shared stores as a BFF starting with `env` would. */
async function open(env: Record<string, string>) {
  const config = loadConfig({ NODE_ENV: 'test', ...env }, { requireUpstream: false });
  return openSharedStores(config, createLogger('silent'));
}

// Every port here speaks TLS only (the plain port is off) and the `default` user is disabled.
for (const kind of ['server', 'sentinel', 'cluster'] as TopologyKind[]) {
  describe(`Redis ${kind} over TLS with an ACL user`, () => {
    let redis: TestTopology;
    before(async () => { redis = await startTopology(kind, { tls: true, acl: true }); });
    after(() => redis.stop());

    it('customers_log_in_and_get_tokens_through_tls_as_the_acl_user', async () => {
      const prefix = testPrefix(`tls-${kind}`);
      const cluster = await startCluster(1, { prefix, env: redis.env });
      try {
        const alex = new Customer(cluster.instances[0]!.url);
        assert.equal((await alex.login('alex')).status, 200);
        assert.equal((await alex.token()).status, 200);
        assert.equal((await fetch(`${cluster.instances[0]!.url}/readyz`)).status, 200);
        assert.ok((await redis.keysUnder(prefix)).some((k) => k.startsWith(`${prefix}sess:`)), 'the session is in this Redis');
      } finally {
        await cluster.close();
        await redis.deleteKeysUnder(prefix);
      }
    });

    it('without_the_ca_file_the_bff_refuses_to_start_naming_redis_ca_file', async () => {
      const { REDIS_CA_FILE: _ca, ...env } = redis.env;
      await assert.rejects(open(env), /certificate is not trusted .*REDIS_CA_FILE/);
    });

    it('a_wrong_password_refuses_to_start_naming_the_credentials', async () => {
      await assert.rejects(open({ ...redis.env, REDIS_PASSWORD: 'not-the-password' }), /refused the credentials .*REDIS_PASSWORD/);
    });
  });
}
