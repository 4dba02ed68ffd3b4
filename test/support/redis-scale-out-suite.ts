// The multi-instance promises (shared sessions, one token request per customer, shared limits, instances that
// stop or die) as tests any Redis topology must pass: one server, Sentinel, Cluster.
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { DEMO_CUSTOMERS } from '@consent-manager/mx-sandbox';
import { Customer } from './client.js';
import type { TestDemo } from './demo.js';
import { spawnInstance, startCluster, type Cluster } from './redis-cluster.js';
import type { TestTopology } from './redis-topology.js';
import { testPrefix } from './redis.js';

const LIST = '/consent/api/consent_management';
const TOKEN = '/consent/token';
const CUSTOMERS = ['alex', 'sam', 'new'] as const;

/** Registers the scale-out tests against the topology `topology()` returns once the caller's `before` ran. */
export function scaleOutTests(name: string, topology: () => TestTopology): void {
  describe(`three BFF instances sharing ${name}`, () => {
    const prefix = testPrefix(`scale-out-${name.split(' ')[0]}`);
    let redis: TestTopology;
    let cluster: Cluster;
    let a: TestDemo;
    let b: TestDemo;
    let c: TestDemo;

    before(async () => {
      redis = topology();
      cluster = await startCluster(3, {
        prefix,
        // Token limit out of the way of the 500-request test; the write limit low enough to reach. 500 requests at
        // once queue their session reads on each instance's Redis connection: on a loaded machine the queue outlasts
        // the 500 ms command timeout (a 503 that the outage tests are about, not these).
        env: {
          ...redis.env, RATE_LIMIT_TOKEN_PER_MINUTE: '10000', RATE_LIMIT_READS_PER_MINUTE: '10000', RATE_LIMIT_WRITES_PER_MINUTE: '4',
          REDIS_COMMAND_TIMEOUT_MS: '10000',
        },
      });
      [a, b, c] = cluster.instances as [TestDemo, TestDemo, TestDemo];
    });
    after(async () => {
      await cluster.close();
      await redis.deleteKeysUnder(prefix);
    });
    beforeEach(async () => {
      cluster.mx.sandbox.reset();
      // Tokens cached in Redis by an earlier test would hide this test's upstream requests.
      await Promise.all(CUSTOMERS.map((u) => a.router.forgetCustomer(DEMO_CUSTOMERS[u])));
    });

    it('a_session_created_through_one_instance_works_through_the_others', async () => {
      const alex = new Customer(a.url);
      await alex.login('alex');
      for (const instance of [b, c]) {
        const list = await alex.request('GET', `${instance.url}${LIST}`);
        assert.equal(list.status, 200, `list through ${instance.url}`);
        const token = await alex.request('POST', `${instance.url}${TOKEN}`);
        assert.equal(token.status, 200, `token through ${instance.url}`);
      }
      assert.equal(cluster.mx.sandbox.stats().token, 1, 'the token fetched through b is the one c hands out');
    });

    it('logout_through_one_instance_ends_the_session_and_forgets_the_token_on_all', async () => {
      const alex = new Customer(a.url);
      await alex.login('alex');
      assert.equal((await alex.request('POST', `${b.url}${TOKEN}`)).status, 200);
      const oldCookie = alex.cookie;
      assert.equal((await alex.request('POST', `${c.url}/demo/logout`, { json: {}, csrf: false })).status, 200);
      const replay = new Customer(a.url);
      replay.cookie = oldCookie;
      assert.equal((await replay.token()).status, 401, 'the session ended on c is gone on a');
      await alex.login('alex');
      assert.equal((await alex.token()).status, 200);
      assert.equal(cluster.mx.sandbox.stats().token, 2, 'the token forgotten on c was not reused by a');
    });

    it('500_concurrent_token_requests_over_three_instances_make_exactly_one_upstream_request', async () => {
      const alex = new Customer(a.url);
      await alex.login('alex');
      // A slow first answer keeps all 500 requests waiting on the one fetch, on every instance.
      cluster.mx.sandbox.faults.set({ endpoint: 'token', kind: 'latency', latency_ms: 300, next: 1 });
      const instances = [a, b, c];
      const responses = await Promise.all(Array.from({ length: 500 }, (_, n) => alex.request('POST', `${instances[n % 3]!.url}${TOKEN}`)));
      const refused = responses.filter((r) => r.status !== 200);
      assert.deepEqual(await Promise.all(refused.map(async (r) => `${r.status} ${await r.text()}`)), [], 'every request answered 200');
      const tokens = new Set(await Promise.all(responses.map(async (r) => ((await r.json()) as { access_token: string }).access_token)));
      assert.equal(tokens.size, 1, 'every instance handed out the same token');
      const upstream = cluster.mx.sandbox.stats().token;
      console.log(`upstream token requests for one customer, 500 concurrent requests over 3 instances: ${upstream}`);
      assert.equal(upstream, 1);
    });

    it('rate_limits_count_requests_on_every_instance_together', async () => {
      const alex = new Customer(a.url);
      await alex.login('alex');
      const consent = cluster.mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((x) => !x.revoked_at)!;
      const write = (instance: TestDemo, on: boolean) =>
        alex.request('PUT', `${instance.url}${LIST}/${consent.id}/accounts`, { json: { automatic_access: on } });
      const allowed = [await write(a, true), await write(b, false), await write(c, true), await write(a, false)];
      assert.deepEqual(allowed.map((r) => r.status), [200, 200, 200, 200]);
      for (const instance of [b, c]) {
        const refused = await write(instance, true);
        assert.equal(refused.status, 429, `the fifth write through ${instance.url} is over the shared limit of four`);
        assert.ok(Number(refused.headers.get('retry-after')) >= 1);
        assert.equal(((await refused.json()) as { error: { code: string } }).error.code, 'rate_limited');
      }
      assert.equal(cluster.mx.sandbox.stats().auto_share, 4, 'refused writes never reached MX');
    });

    it('an_instance_stopped_mid_traffic_loses_no_session_and_the_others_keep_serving', async () => {
      const victim = await cluster.add();
      const customers = await Promise.all(CUSTOMERS.map(async (name) => {
        const customer = new Customer(victim.url);
        await customer.login(name);
        return customer;
      }));
      // The load balancer: round robin over the instances it considers up, taking one out when it drains. A request
      // whose connection closes before any answer (a keep-alive connection the draining instance just shut) goes
      // to the next instance, as nginx's `proxy_next_upstream error` does.
      let pool = [a, b, victim];
      let turn = 0;
      let retried = 0;
      let stopping: Promise<void> | undefined;
      const balance = async (customer: Customer, method: string, path: string) => {
        for (let attempt = 0; ; attempt++) {
          const instance = pool[turn++ % pool.length]!;
          try {
            return { res: await customer.request(method, `${instance.url}${path}`), by: instance.url };
          } catch (err) {
            if (attempt > 0) throw err;
            retried++;
          }
        }
      };
      const served: Array<{ status: number; by: string; afterStop: boolean }> = [];
      const worker = async (customer: Customer) => {
        for (let n = 0; n < 40; n++) {
          const afterStop = stopping !== undefined;
          const { res, by } = n % 2 === 0 ? await balance(customer, 'GET', LIST) : await balance(customer, 'POST', TOKEN);
          served.push({ status: res.status, by, afterStop });
          if (served.length === 100 && !stopping) {
            pool = [a, b];
            stopping = victim.close();
          }
        }
      };
      await Promise.all(customers.flatMap((customer) => [worker(customer), worker(customer), worker(customer)]));
      await stopping;
      console.log(`instance stopped after 100 of 360 requests: ${served.filter((s) => s.status === 200).length} answered 200, `
        + `${retried} resent by the balancer after a closed keep-alive connection`);

      assert.equal(served.length, 360);
      assert.deepEqual(served.filter((s) => s.status !== 200), [], 'every request answered 200');
      assert.ok(served.some((s) => s.by === victim.url), 'the stopped instance served before it stopped');
      const after = served.filter((s) => s.afterStop);
      assert.ok(after.length > 200 && after.every((s) => s.by !== victim.url), 'the others served the rest');
      await assert.rejects(fetch(`${victim.url}/healthz`), 'the stopped instance is gone');
      for (const customer of customers) {
        assert.equal((await customer.request('GET', `${b.url}${LIST}`)).status, 200, 'a session made on the stopped instance lives on');
      }
      assert.equal(cluster.mx.sandbox.stats().token, CUSTOMERS.length, 'one token per customer, whichever instance asked');
    });

    it('a_lock_left_by_an_instance_that_died_delays_the_customer_by_at_most_the_lock_ttl', async () => {
      const doomed = await spawnInstance(cluster.env);
      try {
        const alex = new Customer(doomed.url);
        await alex.login('alex');
        cluster.mx.sandbox.faults.set({ endpoint: 'token', kind: 'latency', latency_ms: 3_000, next: 1 });
        const lost = alex.token().catch(() => undefined);
        // Killed while it holds the lock and its token request is with MX.
        while (cluster.mx.sandbox.stats().token === 0) await sleep(5);
        assert.equal(await redis.send(['EXISTS', `${prefix}lock:{token:${DEMO_CUSTOMERS.alex}}`]), 1);
        await doomed.kill();
        await lost;

        const started = performance.now();
        const res = await alex.request('POST', `${a.url}${TOKEN}`);
        const waited = performance.now() - started;
        console.log(`customer waited ${Math.round(waited)} ms for the lock of an instance killed while fetching (lock TTL 5000 ms)`);
        assert.equal(res.status, 200);
        // A lock that outlived its TTL would hold the customer to the 20 s wait bound; 4 s past the TTL is a loaded
        // machine's margin (the lock's expiry, the waiter's 25 ms polls and the fetch after it).
        assert.ok(waited < 5_000 + 4_000, `waited ${waited} ms`);
        assert.equal(cluster.mx.sandbox.stats().token, 2, "the dead instance's request and the one after its lock expired");
      } finally {
        await doomed.kill();
      }
    });

    it('every_key_lives_under_the_configured_prefix', async () => {
      const alex = new Customer(a.url);
      await alex.login('alex');
      await alex.token();
      const keys = await redis.keysUnder(prefix);
      const kinds = new Set(keys.map((k) => k.slice(prefix.length).replace(/[{}]/g, '').split(':')[0]));
      for (const kind of ['sess', 'token', 'rl']) assert.ok(kinds.has(kind), `${kind} keys under ${prefix}: ${[...kinds].join(', ')}`);
      const rateLimitKeys = keys.filter((k) => k.startsWith(`${prefix}rl:`));
      assert.ok(rateLimitKeys.some((k) => k.startsWith(`${prefix}rl:read:`)), 'each limiter under its own prefix');
    });
  });
}
