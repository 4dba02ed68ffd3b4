/**
 * `npm run bench:ledger`: what the consent ledger adds to each change, on the embedded PGlite and on PostgreSQL
 * (127.0.0.1:5432, a database of its own, dropped after). Per change:
 *   - a relayed write (account, auto-share): record it claimed + settle it;
 *   - a stop: record it pending + the worker's claim + settle it.
 * The floor, measured in the same run and interleaved with the changes: the MX write itself (an account PUT to
 * the sandbox over loopback with a cached token), and a bare `SELECT 1` on the same database.
 * Prints JSON: p50/p99 in ms, each p50 as a ratio to the MX-write floor, and the spread of the rounds' p50s.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { DEMO_CUSTOMERS } from '../demo/sandbox/seed.js';
import { startSandbox } from '../demo/sandbox/server.js';
import { consentPaths } from '@consent-manager/contract';
import { hashId } from '../server/customer-hash.js';
import type { Ledger } from '../server/ledger.js';
import { loadLedgerConfig, openLedger, openLedgerClient } from '../server/ledger-config.js';
import type { SqlClient } from '../server/ledger-sql.js';
import { createTokenBroker } from '../server/token-broker.js';
import { createMemoryTokenStore } from '../server/token-store.js';
import { createUpstreamClient } from '../server/upstream.js';
import { createTestDatabase } from '../test/support/postgres.js';

const ROUNDS = 5;
const PER_ROUND = 200;
const WARMUP = 50;

const ms = (start: bigint) => Number(process.hrtime.bigint() - start) / 1e6;
const pct = (xs: number[], q: number) => {
  const s = [...xs].sort((a, b) => a - b);
  return s[Math.min(s.length - 1, Math.ceil(q * s.length) - 1)]!;
};
const r3 = (x: number) => Math.round(x * 1000) / 1000;

async function measure(name: string, env: Record<string, string>, probe: SqlClient | undefined) {
  const mx = await startSandbox({ clientId: 'bench', clientSecret: 'bench-secret' });
  const upstream = createUpstreamClient({
    baseUrl: mx.url, version: 'v4', clientId: 'bench', clientSecret: 'bench-secret',
    timeouts: { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000 },
  });
  const broker = createTokenBroker({ upstream, store: createMemoryTokenStore() });
  const ledger: Ledger = await openLedger(loadLedgerConfig(env));
  const customerId = DEMO_CUSTOMERS.alex;
  const customer = hashId(customerId);
  const consent = mx.sandbox.consents(customerId)[0]!;
  const account = consent.accounts[0]!;
  const owner = 'bench';
  let flip = false;

  const mxWrite = async () => {
    flip = !flip;
    const t = process.hrtime.bigint();
    await broker.call(customerId, { method: 'PUT', path: consentPaths.account(consent.id, account.account_id), body: { enabled: flip } });
    return ms(t);
  };
  const relayed = async () => {
    const t = process.hrtime.bigint();
    const { change } = await ledger.record({
      customer, customerRef: customerId, consentId: consent.id, accountId: account.account_id, action: 'account', value: true,
      delayMs: 0, idempotencyKey: crypto.randomUUID(), start: { as: 'claimed', owner, leaseMs: 60_000 },
    });
    await ledger.settle(change.id, owner, { state: 'applied', mxStatus: 200 });
    return ms(t);
  };
  const stop = async () => {
    const t = process.hrtime.bigint();
    // A consent id of its own each time: one outstanding stop per app is the rule.
    await ledger.record({ customer, customerRef: customerId, consentId: `CNS-${crypto.randomUUID()}`, action: 'stop', delayMs: 0 });
    const [held] = await ledger.claimDue(owner, 60_000, 1);
    await ledger.settle(held!.id, owner, { state: 'applied', mxStatus: 200 });
    return ms(t);
  };
  const select1 = async () => {
    const t = process.hrtime.bigint();
    await probe!.query('SELECT 1');
    return ms(t);
  };

  for (let i = 0; i < WARMUP; i++) {
    await mxWrite();
    await relayed();
    await stop();
    if (probe) await select1();
  }
  const all = { mx: [] as number[], relayed: [] as number[], stop: [] as number[], select1: [] as number[] };
  const roundP50 = { relayed: [] as number[], stop: [] as number[], mx: [] as number[] };
  for (let r = 0; r < ROUNDS; r++) {
    const round = { mx: [] as number[], relayed: [] as number[], stop: [] as number[] };
    for (let i = 0; i < PER_ROUND; i++) {
      round.mx.push(await mxWrite());
      round.relayed.push(await relayed());
      round.stop.push(await stop());
      if (probe) all.select1.push(await select1());
    }
    for (const k of ['mx', 'relayed', 'stop'] as const) {
      all[k].push(...round[k]);
      roundP50[k].push(pct(round[k], 0.5));
    }
  }
  await ledger.close();
  await upstream.close();
  await mx.close();

  const floor = pct(all.mx, 0.5);
  const figure = (k: 'relayed' | 'stop') => ({
    p50_ms: r3(pct(all[k], 0.5)),
    p99_ms: r3(pct(all[k], 0.99)),
    p50_ratio_to_mx_write: r3(pct(all[k], 0.5) / floor),
    rounds_p50_ms: [r3(Math.min(...roundP50[k])), r3(Math.max(...roundP50[k]))],
  });
  return {
    ledger: name,
    changes_per_kind: ROUNDS * PER_ROUND,
    floor_mx_write: { p50_ms: r3(floor), p99_ms: r3(pct(all.mx, 0.99)), rounds_p50_ms: [r3(Math.min(...roundP50.mx)), r3(Math.max(...roundP50.mx))] },
    ...(probe ? { floor_select_1: { p50_ms: r3(pct(all.select1, 0.5)), p99_ms: r3(pct(all.select1, 0.99)) } } : {}),
    relayed_write: figure('relayed'),
    stop: figure('stop'),
  };
}

const results = [];
const dir = mkdtempSync(join(tmpdir(), 'consent-ledger-bench-'));
try {
  // The embedded directory is opened once, by the ledger itself: no second client beside it.
  results.push(await measure('embedded PGlite (directory)', { LEDGER_DIR: dir }, undefined));
} finally {
  rmSync(dir, { recursive: true, force: true });
}
const db = await createTestDatabase('bench');
try {
  const env = { DATABASE_URL: db.url };
  const probe = await openLedgerClient(loadLedgerConfig(env));
  try {
    results.push(await measure('PostgreSQL 127.0.0.1:5432', env, probe));
  } finally {
    await probe.close();
  }
} finally {
  await db.drop();
}
console.log(JSON.stringify({ node: process.version, results }, null, 2));
