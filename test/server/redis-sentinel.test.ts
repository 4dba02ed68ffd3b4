import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Customer } from '../support/client.js';
import { startCluster, type Cluster } from '../support/redis-cluster.js';
import {
  assertRecovered, describeFigures, journeyThroughFailover, journeyUsers, JOURNEY_CUSTOMERS, startJourneyCluster,
} from '../support/redis-failover.js';
import { scaleOutTests } from '../support/redis-scale-out-suite.js';
import { startTopology, type TestTopology } from '../support/redis-topology.js';
import { testPrefix } from '../support/redis.js';

describe('Redis: a primary and a replica watched by three sentinels', () => {
  let redis: TestTopology;
  before(async () => { redis = await startTopology('sentinel', { acl: true }); });
  after(() => redis.stop());

  scaleOutTests('a Sentinel deployment', () => redis);

  // A deployment of its own: the sentinels would refuse the failover below for twice `failover-timeout` after this one.
  describe('promotion', () => {
    const prefix = testPrefix('sentinel-promotion');
    let promoting: TestTopology;
    let cluster: Cluster;
    before(async () => {
      promoting = await startTopology('sentinel');
      cluster = await startCluster(3, { prefix, env: { ...promoting.env, RATE_LIMIT_TOKEN_PER_MINUTE: '10000', RATE_LIMIT_READS_PER_MINUTE: '10000' } });
    });
    after(async () => {
      await cluster.close();
      await promoting.stop();
    });

    it('a_promotion_while_the_old_primary_lives_on_as_a_replica_is_followed_without_restart', async () => {
      const alex = new Customer(cluster.instances[0]!.url);
      await alex.login('alex');
      assert.equal((await alex.token()).status, 200);
      const moved = await promoting.promote();
      console.log(`sentinels promoted ${moved.to}; ${moved.from} is now its replica`);
      // A login writes a new session: on the demoted primary that would be refused (READONLY).
      for (const instance of cluster.instances) {
        const sam = new Customer(instance.url);
        const login = await within(5_000, async () => (await sam.login('sam')).status === 200);
        console.log(`login through ${instance.url} answered 200 after ${login.toFixed(0)} ms`);
        assert.equal((await alex.request('POST', `${instance.url}/consent/token`)).status, 200);
      }
      assert.equal(cluster.mx.sandbox.stats().token, 1, 'the cached token was replicated and is served by the new primary');
    });
  });

  describe('failover', () => {
    const prefix = testPrefix('sentinel-failover');
    let cluster: Cluster;
    before(async () => { cluster = await startJourneyCluster(redis, prefix, journeyUsers()); });
    after(() => cluster.close());

    it('the_primary_killed_mid_journey_costs_503s_until_the_sentinels_promote_the_replica_then_service_resumes_with_sessions_and_tokens', async () => {
      const figures = await journeyThroughFailover(cluster, { customers: JOURNEY_CUSTOMERS, kill: () => redis.killPrimary() });
      console.log(describeFigures('Sentinel', figures, redis.replication, Number(redis.replication['down-after-milliseconds'])));

      await assertRecovered(cluster, figures);
    });
  });
});

/** Time until `attempt` succeeds, polled every 20 ms; fails after `limitMs`. */
async function within(limitMs: number, attempt: () => Promise<boolean>): Promise<number> {
  const started = performance.now();
  while (!(await attempt())) {
    if (performance.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await sleep(20);
  }
  return performance.now() - started;
}
