import { it } from 'node:test';
import { setTimeout as sleep } from 'node:timers/promises';
import { Customer } from '../support/client.js';
import { startCluster } from '../support/redis-cluster.js';
import { OwnRedis, testPrefix } from '../support/redis.js';
it('dbg', async () => {
  const redis = await OwnRedis.start();
  const cluster = await startCluster(1, { redisUrl: redis.url, prefix: testPrefix('dbg') });
  const a = cluster.instances[0]!;
  const alex = new Customer(a.url);
  console.log('login', (await alex.login('alex')).status);
  redis.pause();
  const t = performance.now();
  const r = await alex.token();
  console.log('hung', r.status, performance.now() - t, await r.text());
  console.log('readyz', (await fetch(a.url + '/readyz')).status);
  redis.resume();
  await sleep(100);
  const { createClient } = await import('redis');
  const cl = createClient({ url: redis.url }); await cl.connect();
  for await (const k of cl.scanIterator({ MATCH: '*' })) console.log('keys', k, await Promise.all(k.map((x: string) => cl.pTTL(x))));
  await cl.close();
  for (let i = 0; i < 10; i++) {
    const t2 = performance.now();
    const res = await alex.token();
    console.log(i, res.status, Math.round(performance.now() - t2), (await res.text()).slice(0, 100));
    await sleep(200);
  }
  await cluster.close(); await redis.stop();
});
