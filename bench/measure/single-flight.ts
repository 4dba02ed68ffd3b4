import { randomBytes } from 'node:crypto';
import { connect } from 'node:net';
import { createClient } from 'redis';
import { Pool } from 'undici';
import { Customer } from '@consent-manager/test-support/client';
import type { Measurement, Outcome } from '../measurement.js';
import { spawnServer, type Spawned } from '../support/spawn.js';
import { spread } from '../stats.js';

const CONCURRENT = 500;
const REPEATS = 3;
const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const CUSTOMER = 'alex';

/**
 * 500 `POST /consent/token` at once for one customer whose token no instance holds, then the sandbox's count
 * of token requests it received. Sandbox and BFF instances are separate processes, as deployed.
 */
export const singleFlight: Measurement = {
  name: 'single-flight',
  keys: ['upstream_token_requests_500_concurrent', 'upstream_token_requests_500_concurrent_3_instances'],
  async run() {
    // Each on its own: a failure of the three-instance run (Redis under strain) must not hide the one-instance figure.
    const key = 'upstream_token_requests_500_concurrent';
    const one = await measure(1, {}).catch((err: Error): Outcome => ({ figures: { [key]: null }, notes: { [key]: `not measured: ${err.message}` } }));
    const three = await threeInstances().catch((err: Error): Outcome => ({
      figures: { [`${key}_3_instances`]: null }, notes: { [`${key}_3_instances`]: `not measured: ${err.message}` },
    }));
    return {
      figures: { ...one.figures, ...three.figures },
      spread: { ...one.spread, ...three.spread },
      notes: {
        [key]: `worst of ${REPEATS} bursts of ${CONCURRENT} concurrent requests, each after a logout that drops the cached token`,
        ...one.notes,
        ...three.notes,
      },
    };
  },
};

async function threeInstances(): Promise<Outcome> {
  const key = 'upstream_token_requests_500_concurrent_3_instances';
  if (!(await reachable(REDIS_URL))) {
    return { figures: { [key]: null }, notes: { [key]: `not measured: no Redis answers at ${REDIS_URL} (REDIS_URL overrides)` } };
  }
  // A prefix of our own: the shared Redis is never flushed, and this run cannot meet another's keys.
  const prefix = `bench-${randomBytes(6).toString('hex')}:`;
  // A loaded machine stalls Redis replies past the client's 500 ms default; the bar counts token requests, not stalls.
  const outcome = await measure(3, { REDIS_URL, REDIS_PREFIX: prefix, REDIS_COMMAND_TIMEOUT_MS: '2000' }).finally(() => forget(prefix));
  return {
    figures: { [key]: outcome.figures.upstream_token_requests_500_concurrent ?? null },
    spread: { [key]: outcome.spread!.upstream_token_requests_500_concurrent! },
    notes: { [key]: `3 demo processes sharing ${REDIS_URL} under prefix ${prefix} (REDIS_COMMAND_TIMEOUT_MS=2000), one sandbox; bursts spread round-robin` },
  };
}

async function measure(instances: number, env: Record<string, string>): Promise<Outcome> {
  const clientId = 'bench-bank';
  const clientSecret = randomBytes(24).toString('base64url');
  const mx = await spawnServer<{ url: string }>('sandbox', { BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret });
  const bffs: Spawned<{ url: string }>[] = [];
  try {
    const demoEnv = {
      MX_BASE_URL: mx.info.url, MX_CLIENT_ID: clientId, MX_CLIENT_SECRET: clientSecret,
      RATE_LIMIT_TOKEN_PER_MINUTE: '1000000', RATE_LIMIT_READS_PER_MINUTE: '1000000', ...env,
    };
    for (let i = 0; i < instances; i++) bffs.push(await spawnServer('demo', { BENCH_DEMO_ENV: JSON.stringify(demoEnv) }));
    const pools = bffs.map((b) => new Pool(b.info.url, { connections: CONCURRENT }));
    try {
      const counts: number[] = [];
      for (let r = 0; r < REPEATS; r++) {
        const customers = bffs.map((b) => new Customer(b.info.url));
        for (const c of customers) await expectOk(c.login(CUSTOMER), 'login');
        await expectOk(fetch(`${mx.info.url}/__sandbox/reset`, { method: 'POST' }), 'sandbox reset');
        const statuses = await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => {
          const at = i % instances;
          return pools[at]!.request({ method: 'POST', path: '/consent/token', headers: { cookie: customers[at]!.cookie, 'x-csrf': '1' } })
            .then(async (res) => ({ status: res.statusCode, body: await res.body.text() }));
        }));
        const failed = statuses.filter((s) => s.status !== 200);
        if (failed.length > 0) {
          throw new Error(`${failed.length} of ${CONCURRENT} token requests failed (e.g. HTTP ${failed[0]!.status} ${failed[0]!.body.slice(0, 160)})`);
        }
        const stats = (await (await fetch(`${mx.info.url}/__sandbox/stats`)).json()) as { token: number };
        counts.push(stats.token);
        // Logging out drops the customer's token, so the next burst starts cold again.
        for (const c of customers) await expectOk(c.logout(), 'logout');
      }
      return { figures: { upstream_token_requests_500_concurrent: Math.max(...counts) }, spread: { upstream_token_requests_500_concurrent: spread(counts) } };
    } finally {
      await Promise.all(pools.map((p) => p.close()));
    }
  } finally {
    for (const b of bffs) await b.stop();
    await mx.stop();
  }
}

async function expectOk(response: Promise<Response>, what: string): Promise<void> {
  const res = await response;
  if (!res.ok) throw new Error(`${what} failed: HTTP ${res.status}`);
}

function reachable(url: string): Promise<boolean> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve) => {
    const socket = connect({ host: hostname, port: Number(port || 6379), timeout: 1_000 });
    const done = (ok: boolean) => {
      socket.destroy();
      resolve(ok);
    };
    socket.once('connect', () => done(true));
    socket.once('error', () => done(false));
    socket.once('timeout', () => done(false));
  });
}

/** Deletes this run's keys (sessions, rate-limit windows) and nothing else. */
async function forget(prefix: string): Promise<void> {
  const client = createClient({ url: REDIS_URL });
  await client.connect();
  try {
    for await (const keys of client.scanIterator({ MATCH: `${prefix}*`, COUNT: 500 })) {
      if (keys.length) await client.del(keys);
    }
  } finally {
    client.destroy();
  }
}
