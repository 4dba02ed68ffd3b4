import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer } from '../support/client.js';
import { startCluster, type Cluster } from '../support/redis-cluster.js';
import {
  assertRecovered, describeFigures, journeyThroughFailover, journeyUsers, JOURNEY_CUSTOMERS, startJourneyCluster,
} from '../support/redis-failover.js';
import { scaleOutTests } from '../support/redis-scale-out-suite.js';
import { startTopology, type TestTopology } from '../support/redis-topology.js';
import { testPrefix } from '../support/redis.js';

const LIST = '/consent/api/consent_management';

describe('Redis: a cluster of three primaries, each with a replica', () => {
  let redis: TestTopology;
  before(async () => { redis = await startTopology('cluster', { acl: true }); });
  after(() => redis.stop());

  scaleOutTests('a Redis Cluster', () => redis);

  describe('slots', () => {
    const prefix = testPrefix('cluster-slots');
    let cluster: Cluster;
    before(async () => { cluster = await startCluster(3, { prefix, env: { ...redis.env, RATE_LIMIT_TOKEN_PER_MINUTE: '10000', RATE_LIMIT_READS_PER_MINUTE: '10000' } }); });
    after(async () => {
      await cluster.close();
      await redis.deleteKeysUnder(prefix);
    });

    it('a_customers_token_and_its_lock_share_a_hash_slot_whatever_the_customer_id', async () => {
      for (const id of [DEMO_CUSTOMERS.alex, 'a}b{c', '{x}', '']) {
        const slotOf = async (key: string) => Number(await redis.send(['CLUSTER', 'KEYSLOT', key]));
        assert.equal(await slotOf(`${prefix}{token:${id}}`), await slotOf(`${prefix}lock:{token:${id}}`), `customer id ${JSON.stringify(id)}`);
      }
      // And the customers' keys spread over the primaries rather than crowding into one slot.
      const slots = new Set(await Promise.all(Object.values(DEMO_CUSTOMERS).map((id) => redis.send(['CLUSTER', 'KEYSLOT', `${prefix}{token:${id}}`]))));
      assert.equal(slots.size, Object.values(DEMO_CUSTOMERS).length);
    });

    it('a_slot_moved_to_another_primary_is_followed_without_restart_and_its_token_moves_with_it', async () => {
      cluster.mx.sandbox.reset();
      const alex = new Customer(cluster.instances[0]!.url);
      await alex.login('alex');
      assert.equal((await alex.token()).status, 200);
      const tokenKey = `${prefix}{token:${DEMO_CUSTOMERS.alex}}`;
      const moved = await redis.moveSlotOf(tokenKey);
      console.log(`slot ${moved.slot} moved from ${moved.from} to ${moved.to}`);
      for (const instance of cluster.instances) {
        assert.equal((await alex.request('POST', `${instance.url}/consent/token`)).status, 200, `token through ${instance.url}`);
        assert.equal((await alex.request('GET', `${instance.url}${LIST}`)).status, 200);
      }
      assert.equal(cluster.mx.sandbox.stats().token, 1, 'the cached token moved with its slot');
      assert.equal(await redis.send(['EXISTS', tokenKey]), 1);
    });
  });

  // A cluster of its own, untouched by the slot move above: on the shared one, in the full suite, the victim's
  // replica was at times never elected.
  describe('failover', () => {
    const prefix = testPrefix('cluster-failover');
    let own: TestTopology;
    let cluster: Cluster;
    const users = journeyUsers();
    before(async () => {
      own = await startTopology('cluster', { acl: true });
      cluster = await startJourneyCluster(own, prefix, users);
    });
    after(async () => {
      await cluster.close();
      await own.stop();
    });

    it('a_primary_killed_mid_journey_costs_503s_for_its_slots_until_its_replica_takes_over_then_service_resumes_with_sessions_and_tokens', async () => {
      // The primary of the first customer's token: killed with its keys; its replica has them.
      const victimKey = `${prefix}{token:${users[JOURNEY_CUSTOMERS[0]!]}}`;
      const figures = await journeyThroughFailover(cluster, { customers: JOURNEY_CUSTOMERS, kill: () => own.killPrimary(victimKey) });
      console.log(describeFigures('Cluster', figures, own.replication, Number(own.replication['cluster-node-timeout'])));

      assert.ok(figures.failed < figures.requests / 2, 'the other primaries kept serving their slots');
      await assertRecovered(cluster, figures);
    });
  });
});
