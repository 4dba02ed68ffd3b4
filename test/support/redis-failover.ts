// A steady customer journey over three BFF instances while the Redis primary dies: what the customers saw.
import { randomBytes } from 'node:crypto';
import assert from 'node:assert/strict';
import { setTimeout as sleep } from 'node:timers/promises';
import { Customer } from './client.js';
import { startCluster, type Cluster } from './redis-cluster.js';
import type { Killed, TestTopology } from './redis-topology.js';

/** Nine customers, so that in a cluster every primary holds some of their keys. */
export const JOURNEY_CUSTOMERS = Array.from({ length: 9 }, (_, n) => `journey-${n}`);

/** Login name → a fresh customer id the sandbox provisions on first use (`autoProvision`). */
export function journeyUsers(): Record<string, string> {
  return Object.fromEntries(JOURNEY_CUSTOMERS.map((name) => [name, randomBytes(16).toString('base64url')]));
}

const LIST = '/consent/api/consent_management';
const TOKEN = '/consent/token';

export interface FailoverFigures {
  /** Requests sent during the journey, and how many were not answered 200. */
  requests: number;
  failed: number;
  /** Answers other than 200, by status: a failover must cost 503s, never a 500 or a 401. */
  byStatus: Record<string, number>;
  /** From the first failed request to the last one: how long customers saw 503s. */
  unavailableMs: number;
  /** From the kill to the last failed request. */
  recoveredAfterKillMs: number;
  /** Customers whose session, made before the kill, was gone afterwards (answered 401). */
  sessionsLost: number;
  /** The median answer time before the kill. */
  steadyMedianMs: number;
  /** From the kill until Redis itself named a new primary: the floor the BFF's recovery is read against. */
  promotedAfterKillMs: number;
}

export interface JourneyOptions {
  /** Login names (the cluster's `users`), one worker each. */
  customers: string[];
  /** Kills the primary; called once the journey is steady. */
  kill: () => Promise<Killed>;
  /** Steady traffic before the kill. */
  warmupMs?: number;
  /** The journey goes on this long after the last failure, and stops at `limitMs` after the kill in any case. */
  settleMs?: number;
  limitMs?: number;
  /** Pause between one customer's requests. */
  pauseMs?: number;
}

/**
 * Each customer logs in and takes a token, then lists their consents and asks for a token in turn, round robin
 * over the instances, until the journey has been healthy for `settleMs` after the kill (bounded by `limitMs`).
 */
export async function journeyThroughFailover(cluster: Cluster, opts: JourneyOptions): Promise<FailoverFigures> {
  // Settled means healthy for longer than the BFF's 2 s Redis command timeout: a request sent to the dead primary
  // fails before the journey may end, even on a loaded machine where few requests fit in the first seconds.
  const { warmupMs = 1_000, settleMs = 5_000, limitMs = 30_000, pauseMs = 40 } = opts;
  const instances = cluster.instances;
  const customers = await Promise.all(opts.customers.map(async (name, n) => {
    const customer = new Customer(instances[n % instances.length]!.url);
    const login = await customer.login(name);
    if (login.status !== 200) throw new Error(`login of ${name}: ${login.status}`);
    const token = await customer.token();
    if (token.status !== 200) throw new Error(`first token of ${name}: ${token.status}`);
    return customer;
  }));

  let killedAt: number | undefined;
  let lastFailure: number | undefined;
  let firstFailure: number | undefined;
  const steady: number[] = [];
  const byStatus: Record<string, number> = {};
  let requests = 0;
  let failed = 0;
  const done = () => {
    if (killedAt === undefined) return false;
    const now = performance.now();
    return now - killedAt > limitMs || now - Math.max(lastFailure ?? killedAt, killedAt) > settleMs;
  };

  const worker = async (customer: Customer, n: number) => {
    for (let turn = n; !done(); turn++) {
      const instance = instances[turn % instances.length]!;
      const sent = performance.now();
      const status = await customer.request(turn % 2 ? 'POST' : 'GET', `${instance.url}${turn % 2 ? TOKEN : LIST}`)
        .then((r) => r.status, () => 0);
      const answered = performance.now();
      requests++;
      if (killedAt === undefined) steady.push(answered - sent);
      if (status !== 200) {
        failed++;
        byStatus[status] = (byStatus[status] ?? 0) + 1;
        firstFailure ??= sent;
        lastFailure = answered;
      }
      await sleep(pauseMs);
    }
  };
  const killer = (async () => {
    await sleep(warmupMs);
    killedAt = performance.now();
    return (await opts.kill()).promoted;
  })();
  const [promoted] = await Promise.all([killer, ...customers.map(worker)]);
  if (killedAt === undefined) throw new Error('the primary was never killed');

  let sessionsLost = 0;
  for (const customer of customers) {
    const res = await customer.request('GET', `${instances[0]!.url}${LIST}`);
    if (res.status === 401) sessionsLost++;
    else if (res.status !== 200) throw new Error(`after the failover a list answered ${res.status}`);
  }
  steady.sort((a, b) => a - b);
  return {
    requests,
    failed,
    byStatus,
    unavailableMs: firstFailure === undefined ? 0 : lastFailure! - firstFailure,
    recoveredAfterKillMs: lastFailure === undefined ? 0 : lastFailure - killedAt,
    sessionsLost,
    steadyMedianMs: steady[Math.floor(steady.length / 2)] ?? NaN,
    promotedAfterKillMs: await promoted,
  };
}

/** One line for the test log and the report. */
export function describeFigures(topology: string, f: FailoverFigures, settings: Record<string, string | number>, detectionMs: number): string {
  return `${topology} failover: 503s for ${f.unavailableMs.toFixed(0)} ms (${(f.unavailableMs / detectionMs).toFixed(2)}x the `
    + `${detectionMs} ms detection timeout); Redis named a new primary ${f.promotedAfterKillMs.toFixed(0)} ms after the kill, `
    + `the last failed request ended ${f.recoveredAfterKillMs.toFixed(0)} ms after the kill `
    + `(${(f.recoveredAfterKillMs / f.promotedAfterKillMs).toFixed(2)}x Redis's own promotion time; steady median answer `
    + `${f.steadyMedianMs.toFixed(1)} ms); `
    + `${f.failed} of ${f.requests} requests failed ${JSON.stringify(f.byStatus)}; sessions lost: ${f.sessionsLost}; `
    + `settings ${JSON.stringify(settings)}`;
}

/** Three instances on the topology, for `users` the sandbox provisions on first use, the token limit out of the way. */
export function startJourneyCluster(topology: TestTopology, prefix: string, users: Record<string, string>): Promise<Cluster> {
  return startCluster(3, {
    prefix,
    env: { ...topology.env, RATE_LIMIT_TOKEN_PER_MINUTE: '10000', RATE_LIMIT_READS_PER_MINUTE: '10000' },
    users,
    sandbox: { autoProvision: true },
  });
}

/** What any failover must leave: only 503s while it lasted, no session lost, no extra token request, all ready. */
export async function assertRecovered(cluster: Cluster, figures: FailoverFigures): Promise<void> {
  assert.ok(figures.failed > 0, 'the kill was felt: requests needing the dead primary failed');
  assert.deepEqual(Object.keys(figures.byStatus), ['503'], 'every failure a 503, none a 500 or a 401');
  assert.equal(figures.sessionsLost, 0, 'sessions made before the kill were on the replica');
  assert.ok(figures.recoveredAfterKillMs < 15_000, `service resumed ${figures.recoveredAfterKillMs} ms after the kill`);
  const lag = figures.recoveredAfterKillMs - figures.promotedAfterKillMs;
  assert.ok(lag < 3_000, `the BFF followed the promotion ${lag.toFixed(0)} ms after Redis made it`);
  assert.equal(cluster.mx.sandbox.stats().token, JOURNEY_CUSTOMERS.length, 'still one upstream token request per customer');
  for (const instance of cluster.instances) {
    assert.equal((await fetch(`${instance.url}/readyz`)).status, 200, 'every instance ready again without a restart');
  }
}
