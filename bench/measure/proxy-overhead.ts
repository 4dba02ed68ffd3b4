import { Client } from 'undici';
import { Customer } from '@consent-manager/test-support/client';
import type { Measurement } from '../measurement.js';
import { spawnServer } from '../support/spawn.js';
import { percentile, round, spread } from '../stats.js';

const ROUNDS = 5;
const PAIRS = 400;
const WARMUP = 100;

interface Bff {
  url: string;
  mxUrl: string;
}

/**
 * The list call through the BFF (`GET /consent/api/consent_management`) against the same call straight to
 * the sandbox with the BFF's own token, one request at a time, the two alternating, over keep-alive
 * connections. Overhead = a percentile of the proxied latencies minus the same percentile of the direct ones.
 */
export const proxyOverhead: Measurement = {
  name: 'proxy-overhead',
  keys: ['proxy_overhead_ms_p50', 'proxy_overhead_ms_p99'],
  async run() {
    const bff = await spawnServer<Bff>('bff');
    const clients = { bff: new Client(bff.info.url), mx: new Client(bff.info.mxUrl) };
    try {
      const many50 = await measureCustomer(bff.info, clients, 'many50');
      const alex = await measureCustomer(bff.info, clients, 'alex');
      return {
        figures: {
          proxy_overhead_ms_p50: round(many50.p50.median, 3),
          proxy_overhead_ms_p99: round(many50.pooledP99, 3),
        },
        spread: { proxy_overhead_ms_p50: many50.p50, proxy_overhead_ms_p99: many50.p99 },
        extra: {
          proxied_ms_p50: round(many50.proxiedP50, 3),
          direct_ms_p50: round(many50.directP50, 3),
          list_bytes: many50.bytes,
          proxy_overhead_ms_p50_alex: round(alex.p50.median, 3),
          proxy_overhead_ms_p99_alex: round(alex.pooledP99, 3),
          list_bytes_alex: alex.bytes,
        },
        notes: {
          proxy_overhead_ms_p50:
            `many50 (${many50.bytes} bytes of JSON per list); ${ROUNDS} rounds × ${PAIRS} sequential pairs, median of the ` +
            `rounds' p50(proxied) − p50(direct); alex (8 apps) in extra. Sandbox and BFF share one process, as in the demo`,
          proxy_overhead_ms_p99: `p99(proxied) − p99(direct) over all ${ROUNDS * PAIRS} pairs; spread = the rounds' own p99 differences`,
        },
      };
    } finally {
      await clients.bff.close();
      await clients.mx.close();
      await bff.stop();
    }
  },
};

async function measureCustomer(info: Bff, clients: { bff: Client; mx: Client }, username: string) {
  const customer = new Customer(info.url);
  const login = await customer.request('POST', '/bench/login', { json: { username }, csrf: false });
  if (!login.ok) throw new Error(`bench login failed: HTTP ${login.status}`);
  // The same token the BFF holds for this customer, so both paths hit the sandbox alike.
  const { access_token: token } = (await (await customer.token()).json()) as { access_token: string };
  const proxied = () => timed(clients.bff, '/consent/api/consent_management', { cookie: customer.cookie, 'x-csrf': '1' });
  const direct = () => timed(clients.mx, '/api/v4/consent_management', { authorization: `Bearer ${token}` });

  const bytes = (await direct()).bytes;
  for (let i = 0; i < WARMUP; i++) {
    await proxied();
    await direct();
  }
  const p50: number[] = [];
  const p99: number[] = [];
  const proxiedP50: number[] = [];
  const directP50: number[] = [];
  const allThrough: number[] = [];
  const allStraight: number[] = [];
  for (let r = 0; r < ROUNDS; r++) {
    const through: number[] = [];
    const straight: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      // Alternate which goes first, so neither always runs on a just-warmed path.
      if (i % 2) {
        through.push((await proxied()).ms);
        straight.push((await direct()).ms);
      } else {
        straight.push((await direct()).ms);
        through.push((await proxied()).ms);
      }
    }
    p50.push(percentile(through, 50) - percentile(straight, 50));
    p99.push(percentile(through, 99) - percentile(straight, 99));
    proxiedP50.push(percentile(through, 50));
    directP50.push(percentile(straight, 50));
    allThrough.push(...through);
    allStraight.push(...straight);
  }
  return {
    p50: spread(p50),
    p99: spread(p99),
    // A round's p99 rests on its four slowest pairs; over all rounds it rests on twenty.
    pooledP99: percentile(allThrough, 99) - percentile(allStraight, 99),
    proxiedP50: spread(proxiedP50).median,
    directP50: spread(directP50).median,
    bytes,
  };
}

async function timed(client: Client, path: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await client.request({ method: 'GET', path, headers: { accept: 'application/json', ...headers } });
  const body = await res.body.text();
  const ms = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${res.statusCode} ${body.slice(0, 200)}`);
  return { ms, bytes: Buffer.byteLength(body) };
}
