import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { startCluster, type Cluster } from '../support/redis-cluster.js';
import { describeFigures, journeyThroughFailover, journeyUsers, JOURNEY_CUSTOMERS } from '../support/redis-failover.js';
import { scaleOutTests } from '../support/redis-scale-out-suite.js';
import { startTopology, type TestTopology } from '../support/redis-topology.js';
import { testPrefix } from '../support/redis.js';

describe('Redis: a primary and a replica watched by three sentinels', () => {
  let redis: TestTopology;
  before(async () => { redis = await startTopology('sentinel', { acl: true }); });
  after(() => redis.stop());

  scaleOutTests('a Sentinel deployment', () => redis);

  describe('failover', () => {
    const prefix = testPrefix('sentinel-failover');
    let cluster: Cluster;
    before(async () => {
      cluster = await startCluster(3, {
        prefix,
        env: { ...redis.env, RATE_LIMIT_TOKEN_PER_MINUTE: '10000' },
        users: journeyUsers(),
        sandbox: { autoProvision: true },
      });
    });
    after(() => cluster.close());

    it('the_primary_killed_mid_journey_costs_503s_until_the_sentinels_promote_the_replica_then_service_resumes_with_sessions_and_tokens', async () => {
      const figures = await journeyThroughFailover(cluster, { customers: JOURNEY_CUSTOMERS, kill: () => redis.killPrimary() });
      console.log(describeFigures('Sentinel', figures, redis.replication, Number(redis.replication['down-after-milliseconds'])));

      assert.ok(figures.failed > 0, 'the kill was felt: some requests failed while no primary answered');
      assert.deepEqual(Object.keys(figures.byStatus), ['503'], 'every failure a 503, none a 500 or a 401');
      assert.equal(figures.sessionsLost, 0, 'sessions made before the kill were on the replica');
      assert.ok(figures.recoveredAfterKillMs < 15_000, `service resumed ${figures.recoveredAfterKillMs} ms after the kill`);
      assert.equal(cluster.mx.sandbox.stats().token, JOURNEY_CUSTOMERS.length, 'still one upstream token request per customer');
      for (const instance of cluster.instances) {
        assert.equal((await fetch(`${instance.url}/readyz`)).status, 200, 'every instance ready again without a restart');
      }
    });
  });
});
