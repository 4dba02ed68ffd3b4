import { Client } from 'undici';
import { Customer } from '@consent-manager/test-support/client';
import type { Measurement } from '../measurement.js';
import { startStack } from '../support/stack.js';
import { percentile, round, spread } from '../stats.js';

const ROUNDS = 5;
const PAIRS = 400;
const WARMUP = 200;

/**
 * The list call through the BFF (`GET /consent/api/consent_management`) against the same call straight to the
 * sandbox with the token the BFF holds, one request at a time, the two alternating, over keep-alive connections;
 * sandbox and BFF each in their own process. Overhead = p50(proxied) − p50(direct) per round; the direct list is
 * the floor.
 */
export const relay: Measurement = {
  name: 'relay',
  keys: ['relay_overhead_ms_p50_many50', 'relay_overhead_ms_p50_alex'],
  async run() {
    const stack = await startStack();
    const clients = { bff: new Client(stack.bffUrl), mx: new Client(stack.mxUrl) };
    try {
      const many50 = await measureCustomer(stack.bffUrl, clients, 'many50');
      const alex = await measureCustomer(stack.bffUrl, clients, 'alex');
      const note = (who: Sample, name: string) =>
        `${name} (${who.bytes} bytes of JSON per list); ${ROUNDS} rounds × ${PAIRS} sequential pairs, order alternating, ` +
        `median over rounds of p50(proxied) − p50(direct); direct list p50 ${round(who.directP50, 3)} ms, proxied ÷ direct ` +
        `${round(who.proxiedP50 / who.directP50, 2)}`;
      return {
        figures: {
          relay_overhead_ms_p50_many50: round(many50.p50.median, 3),
          relay_overhead_ms_p50_alex: round(alex.p50.median, 3),
        },
        spread: { relay_overhead_ms_p50_many50: many50.p50, relay_overhead_ms_p50_alex: alex.p50 },
        baseline: {
          relay_overhead_ms_p50_many50: 'the same list straight from the sandbox, same token, interleaved',
          relay_overhead_ms_p50_alex: 'the same list straight from the sandbox, same token, interleaved',
        },
        extra: Object.fromEntries(Object.entries({ many50, alex }).flatMap(([name, s]) => [
          [`relay_${name}_list_bytes`, s.bytes],
          [`relay_${name}_direct_ms_p50`, round(s.directP50, 3)],
          [`relay_${name}_proxied_ms_p50`, round(s.proxiedP50, 3)],
          [`relay_${name}_proxied_to_direct_p50`, round(s.proxiedP50 / s.directP50, 3)],
          [`relay_${name}_overhead_ms_p99_pooled`, round(s.pooledP99, 3)],
        ])),
        notes: { relay_overhead_ms_p50_many50: note(many50, 'many50'), relay_overhead_ms_p50_alex: note(alex, 'alex') },
      };
    } finally {
      await clients.bff.close();
      await clients.mx.close();
      await stack.stop();
    }
  },
};

interface Sample {
  p50: ReturnType<typeof spread>;
  pooledP99: number;
  proxiedP50: number;
  directP50: number;
  bytes: number;
}

async function measureCustomer(bffUrl: string, clients: { bff: Client; mx: Client }, username: string): Promise<Sample> {
  const customer = new Customer(bffUrl);
  const login = await customer.login(username);
  if (!login.ok) throw new Error(`login as ${username} failed: HTTP ${login.status}`);
  // The same token the BFF holds for this customer, so both paths hit the sandbox alike.
  const { access_token: token, api_base: apiBase } = (await (await customer.token()).json()) as { access_token: string; api_base: string };
  const listPath = `${new URL(apiBase).pathname}/consent_management`;
  const proxied = () => timed(clients.bff, '/consent/api/consent_management', { cookie: customer.cookie, 'x-csrf': '1' });
  const direct = () => timed(clients.mx, listPath, { authorization: `Bearer ${token}` });

  const proxiedBytes = (await proxied()).bytes;
  const bytes = (await direct()).bytes;
  if (proxiedBytes !== bytes) throw new Error(`${username}: the proxied list has ${proxiedBytes} bytes, the direct one ${bytes}`);
  for (let i = 0; i < WARMUP; i++) {
    await proxied();
    await direct();
  }
  const p50: number[] = [];
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
    proxiedP50.push(percentile(through, 50));
    directP50.push(percentile(straight, 50));
    allThrough.push(...through);
    allStraight.push(...straight);
  }
  return {
    p50: spread(p50),
    pooledP99: percentile(allThrough, 99) - percentile(allStraight, 99),
    proxiedP50: spread(proxiedP50).median,
    directP50: spread(directP50).median,
    bytes,
  };
}

async function timed(client: Client, path: string, headers: Record<string, string>): Promise<{ ms: number; bytes: number }> {
  const started = performance.now();
  const res = await client.request({ method: 'GET', path, headers: { accept: 'application/json', ...headers } });
  const body = await res.body.arrayBuffer();
  const ms = performance.now() - started;
  if (res.statusCode !== 200) throw new Error(`GET ${path}: HTTP ${res.statusCode} ${Buffer.from(body).toString('utf8', 0, 200)}`);
  return { ms, bytes: body.byteLength };
}
