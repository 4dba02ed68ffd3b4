import { randomUUID } from 'node:crypto';
import { hostname } from 'node:os';
import type { Ledger, LedgerChange } from './ledger.js';
import { createEmbeddedLedger } from './ledger-pglite.js';
import { executor } from './ledger-routes.js';
import { startLedgerWorker, type RetryPolicy } from './ledger-worker.js';
import type { Logger } from './logger.js';
import type { TokenBroker } from './token-broker.js';

/** `createConsentRouter({ ledger })`: where confirmed changes are recorded and how they are carried out. */
export interface LedgerOptions {
  /**
   * The ledger: `createPostgresLedger`, `createEmbeddedLedger`, or the bank's own implementation of `Ledger`.
   * Default: an embedded one in memory, which loses pending stops with the process: pass a durable one.
   */
  store?: Ledger;
  /**
   * The bank's undo window: the longest a confirmed stop is held before it is carried out (default 30 s). The
   * page may ask for less (the element's `undo-seconds`); a request that names none gets all of it.
   */
  undoSeconds?: number;
  /** How long an instance holds a change it is sending; another takes it over after (default 60 s). */
  leaseMs?: number;
  /** How often each instance looks for work recorded by others or left by a dead one (default 1000 ms). */
  pollMs?: number;
  /** Retries while MX is down: backoff from 1 s doubling to 5 min, given up 24 h after the change was due. */
  retry?: Partial<RetryPolicy>;
  /** Settled changes older than this are deleted, checked hourly (default: kept for good). */
  retentionDays?: number;
  /** Called as each change is settled by the worker (applied, failed for good). */
  onSettled?: (change: LedgerChange) => void;
}

export interface RouterLedger {
  store: Ledger;
  owner: string;
  leaseMs: number;
  undoMs: number;
  kick(): void;
  close(): Promise<void>;
}

export const DEFAULT_RETRY: RetryPolicy = { baseMs: 1_000, maxMs: 5 * 60_000, boundMs: 24 * 3_600_000 };

/** The router's ledger and the worker that carries out its due changes on this instance. */
export function setUpLedger(opts: LedgerOptions, deps: { broker: Pick<TokenBroker, 'call'>; logger?: Logger }): RouterLedger {
  const store = opts.store ?? lazyLedger(() => createEmbeddedLedger({ dataDir: 'memory://' }));
  const owner = `${hostname()}:${process.pid}:${randomUUID().slice(0, 8)}`;
  const leaseMs = opts.leaseMs ?? 60_000;
  const worker = startLedgerWorker({
    ledger: store,
    execute: executor(deps.broker),
    owner,
    leaseMs,
    retry: { ...DEFAULT_RETRY, ...opts.retry },
    pollMs: opts.pollMs ?? 1_000,
    onSettled: opts.onSettled,
    logger: deps.logger,
  });
  const pruning = opts.retentionDays ? startPruning(store, opts.retentionDays, deps.logger) : undefined;
  return {
    store,
    owner,
    leaseMs,
    undoMs: Math.max(0, opts.undoSeconds ?? 30) * 1000,
    kick: worker.kick,
    async close() {
      clearInterval(pruning);
      await worker.stop();
      if (!opts.store) await store.close();
    },
  };
}

const PRUNE_EVERY_MS = 3_600_000;

/** The retention job: every instance runs it; deleting what is already gone is harmless. */
export function startPruning(store: Ledger, retentionDays: number, logger?: Logger): NodeJS.Timeout {
  const prune = () => {
    const before = new Date(Date.now() - retentionDays * 86_400_000);
    store.prune(before).then(
      (n) => n > 0 && logger?.info({ event: 'ledger_pruned', deleted: n, before: before.toISOString() }, 'ledger pruned'),
      (err: Error) => logger?.warn({ err: err.message }, 'ledger: pruning failed; trying again in an hour'),
    );
  };
  prune();
  const timer = setInterval(prune, PRUNE_EVERY_MS);
  timer.unref();
  return timer;
}

/**
 * A ledger opened on first use. Only for one that starts empty (in memory): until something is recorded
 * there is nothing to claim, so the worker's polls do not open it.
 */
export function lazyLedger(open: () => Promise<Ledger>): Ledger {
  let opened: Promise<Ledger> | undefined;
  const get = () => (opened ??= open());
  return {
    record: async (c) => (await get()).record(c),
    recordBatch: async (c, b) => (await get()).recordBatch(c, b),
    get: async (c, id) => (await get()).get(c, id),
    cancel: async (c, id) => (await get()).cancel(c, id),
    history: async (c, o) => (await get()).history(c, o),
    batch: async (c, b) => (await get()).batch(c, b),
    cancelBatch: async (c, b) => (await get()).cancelBatch(c, b),
    markSeen: async (c, ids) => (await get()).markSeen(c, ids),
    claimDue: async (o, l, n) => (opened ? (await opened).claimDue(o, l, n) : []),
    reclaim: async (c, r, id, o, l) => (await get()).reclaim(c, r, id, o, l),
    settle: async (id, o, s) => (await get()).settle(id, o, s),
    retryLater: async (id, o, p) => (await get()).retryLater(id, o, p),
    nextDueInMs: async () => (opened ? (await opened).nextDueInMs() : undefined),
    async *exportRange(from, to) {
      yield* (await get()).exportRange(from, to);
    },
    prune: async (before) => (opened ? (await opened).prune(before) : 0),
    close: async () => {
      if (opened) await (await opened).close();
    },
  };
}
