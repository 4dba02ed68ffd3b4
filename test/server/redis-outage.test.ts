import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Customer } from '../support/client.js';
import type { TestDemo } from '../support/demo.js';
import { startCluster, type Cluster } from '../support/redis-cluster.js';
import { OwnRedis, testPrefix } from '../support/redis.js';

const TOKEN = '/consent/token';

interface ErrorBody { error: { code: string; message: string } }

/** Time until `attempt` first succeeds, polled every 10 ms, giving up after `limitMs`. */
async function timeUntil(attempt: () => Promise<boolean>, limitMs = 10_000): Promise<number> {
  const started = performance.now();
  while (!(await attempt().catch(() => false))) {
    if (performance.now() - started > limitMs) throw new Error(`not within ${limitMs} ms`);
    await sleep(10);
  }
  return performance.now() - started;
}

const readyz = (instance: TestDemo) => fetch(`${instance.url}/readyz`);

async function loginAndToken(instance: TestDemo, user = 'alex'): Promise<boolean> {
  const customer = new Customer(instance.url);
  if ((await customer.login(user)).status !== 200) return false;
  return (await customer.token()).status === 200;
}

// Against a redis-server of the test's own: the shared one is never stopped.
describe('Redis outage', () => {
  let redis: OwnRedis;
  let cluster: Cluster;
  let a: TestDemo;
  let b: TestDemo;

  before(async () => {
    redis = await OwnRedis.start();
    cluster = await startCluster(2, { redisUrl: redis.url, prefix: testPrefix('outage') });
    [a, b] = cluster.instances as [TestDemo, TestDemo];
  });
  after(async () => {
    await cluster.close();
    // The whole server goes, and every key with it.
    await redis.stop();
  });
  beforeEach(async () => {
    if (!redis.running) await redis.restart();
    for (const instance of cluster.instances) await timeUntil(async () => (await readyz(instance)).status === 200);
    cluster.mx.sandbox.reset();
  });

  it('redis_down_answers_503_json_within_a_second_and_readyz_reports_it', async () => {
    const alex = new Customer(a.url);
    await alex.login('alex');
    assert.equal((await alex.token()).status, 200);
    await redis.stop();

    const started = performance.now();
    const res = await alex.request('POST', `${b.url}${TOKEN}`);
    const ms = performance.now() - started;
    console.log(`503 latency with Redis down: ${ms.toFixed(1)} ms`);
    assert.equal(res.status, 503);
    assert.ok(ms < 1_000, `answered in ${ms} ms`);
    assert.equal(res.headers.get('retry-after'), '1');
    assert.equal(((await res.json()) as ErrorBody).error.code, 'session_store_unavailable');

    const login = await new Customer(a.url).login('sam');
    assert.equal(login.status, 503, 'a login needs the session store too');
    for (const instance of [a, b]) {
      const ready = await readyz(instance);
      assert.equal(ready.status, 503);
      const body = (await ready.json()) as { status: string; problems: string[] };
      assert.equal(body.status, 'not_ready');
      assert.match(body.problems.join(' '), /redis/);
      assert.equal((await fetch(`${instance.url}/healthz`)).status, 200, 'alive, just not ready');
    }
    assert.equal(cluster.mx.sandbox.stats().token, 1, 'nothing reached MX while Redis was away');
  });

  it('redis_back_on_the_same_port_resumes_service_without_restarting_the_bff', async () => {
    await redis.stop();
    // Long enough for the reconnect backoff to reach its cap.
    await sleep(2_000);
    assert.equal((await readyz(a)).status, 503);
    await redis.restart();
    const recovered = await Promise.all([a, b].map((instance) => timeUntil(() => loginAndToken(instance))));
    const ready = await Promise.all([a, b].map((instance) => timeUntil(async () => (await readyz(instance)).status === 200)));
    console.log(`recovery after Redis returned: first login+token ${recovered.map((ms) => `${ms.toFixed(0)} ms`).join(', ')}; ready ${ready.map((ms) => `${ms.toFixed(0)} ms`).join(', ')} later`);
    assert.ok(Math.max(...recovered) < 2_000, `recovered within ${recovered.join(', ')} ms`);
  });

  it('a_hung_redis_answers_503_within_a_second_and_resumes_with_sessions_intact', async () => {
    const alex = new Customer(a.url);
    await alex.login('alex');
    redis.pause();
    try {
      const started = performance.now();
      const res = await alex.request('POST', `${b.url}${TOKEN}`);
      const ms = performance.now() - started;
      console.log(`503 latency with Redis hung: ${ms.toFixed(1)} ms`);
      assert.equal(res.status, 503);
      assert.ok(ms < 1_000, `answered in ${ms} ms`);
      assert.equal(((await res.json()) as ErrorBody).error.code, 'session_store_unavailable');
      assert.equal((await readyz(a)).status, 503);
    } finally {
      redis.resume();
    }
    // The same cookie: a session whose load timed out must not be deleted once Redis answers again.
    const recovered = await timeUntil(async () => (await alex.request('POST', `${b.url}${TOKEN}`)).status === 200, 3_000);
    console.log(`recovery after a hung Redis resumed: ${recovered.toFixed(0)} ms`);
  });

  it('an_instance_started_while_redis_is_down_serves_once_redis_comes_up', async () => {
    await redis.stop();
    const late = await cluster.add();
    assert.equal((await readyz(late)).status, 503);
    assert.equal((await new Customer(late.url).login('alex')).status, 503);
    await redis.restart();
    await timeUntil(() => loginAndToken(late));
    assert.equal((await readyz(late)).status, 200);
    // Its rate limiter could not load its script at start; it must count now, not fail every request.
    const sam = new Customer(late.url);
    await sam.login('sam');
    const res = await sam.token();
    assert.equal(res.status, 200);
    assert.ok(res.headers.get('ratelimit'), 'the limiter counted the request');
  });
});
