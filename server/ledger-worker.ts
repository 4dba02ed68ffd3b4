/**
 * Carries out what the ledger says is due, whatever the browser does. Any number of instances run one each:
 * the ledger hands each due change to one of them under a lease; an instance that dies holding one loses it
 * when the lease runs out, and another takes it over.
 */
import type { Logger } from './logger.js';
import type { ClaimedChange, Ledger, LedgerChange } from './ledger.js';

/** What carrying out a change came to. `retry`: MX could not be reached or answered 5xx; try again later. */
export type Outcome =
  | { kind: 'applied'; status: number }
  | { kind: 'failed'; status?: number; detail: string }
  | { kind: 'retry'; status?: number; detail: string };

export interface RetryPolicy {
  /** First delay after a failed attempt; doubles each time, with jitter. */
  baseMs: number;
  maxMs: number;
  /** Give up this long after the change was due. */
  boundMs: number;
}

export interface LedgerWorkerOptions {
  ledger: Ledger;
  /** Makes the change's call to MX. */
  execute: (change: ClaimedChange) => Promise<Outcome>;
  /** This instance's name in leases. */
  owner: string;
  /** Longer than any one call to MX can take, or a live holder could lose a change it is still sending. */
  leaseMs: number;
  retry: RetryPolicy;
  /**
   * How often to look for work other instances recorded or gave up (PostgreSQL). Without it (embedded, one
   * process) the worker wakes only when this process records a change and when the next one is due.
   */
  pollMs?: number;
  /** Changes claimed at once, and sent at once. */
  batchSize?: number;
  concurrency?: number;
  /** Settled changes go to this listener (tests measure due-to-applied delays with it). */
  onSettled?: (change: LedgerChange) => void;
  logger?: Logger;
}

export interface LedgerWorker {
  /** Look for due work now (a change was just recorded). */
  kick(): void;
  /** Finishes what is in flight, then stops. */
  stop(): Promise<void>;
}

export function backoff(attempt: number, policy: RetryPolicy): number {
  const ms = Math.min(policy.maxMs, policy.baseMs * 2 ** Math.max(0, attempt - 1));
  return ms / 2 + Math.random() * (ms / 2);
}

export function startLedgerWorker(opts: LedgerWorkerOptions): LedgerWorker {
  const { ledger, owner, leaseMs, retry } = opts;
  const batchSize = opts.batchSize ?? 20;
  const concurrency = opts.concurrency ?? 8;
  const log = opts.logger;
  let timer: NodeJS.Timeout | undefined;
  let running: Promise<void> | undefined;
  let again = false;
  let stopped = false;

  async function carryOut(change: ClaimedChange): Promise<void> {
    let outcome: Outcome;
    try {
      outcome = await opts.execute(change);
    } catch (err) {
      outcome = { kind: 'retry', detail: 'internal_error' };
      log?.error({ err: (err as Error).message, change: change.id }, 'ledger: carrying out a change threw');
    }
    const settled = outcome.kind === 'retry'
      ? await ledger.retryLater(change.id, owner, {
        delayMs: backoff(change.attempts, retry), boundMs: retry.boundMs, mxStatus: outcome.status, detail: outcome.detail,
      })
      : await ledger.settle(change.id, owner, outcome.kind === 'applied'
        ? { state: 'applied', mxStatus: outcome.status }
        : { state: 'failed', mxStatus: outcome.status, detail: outcome.detail });
    if (!settled) {
      log?.warn({ change: change.id }, 'ledger: lease lost before settling; its new holder settles it');
      return;
    }
    if (settled.state !== 'sent') opts.onSettled?.(settled);
    log?.info({
      event: 'ledger_change', change: settled.id, customer: settled.customer, action: settled.action,
      state: settled.state, attempts: settled.attempts, mx_status: settled.mxStatus, detail: settled.detail,
    }, 'ledger change');
  }

  async function cycle(): Promise<void> {
    for (;;) {
      const claimed = await ledger.claimDue(owner, leaseMs, batchSize);
      const queue = [...claimed];
      await Promise.all(Array.from({ length: Math.min(concurrency, queue.length) }, async () => {
        for (let c = queue.shift(); c; c = queue.shift()) await carryOut(c);
      }));
      if (claimed.length < batchSize || stopped) break;
    }
  }

  function schedule(ms: number) {
    if (stopped) return;
    clearTimeout(timer);
    timer = setTimeout(run, Math.max(0, Math.min(ms, 2 ** 31 - 1)));
    timer.unref();
  }

  function run(): void {
    if (stopped) return;
    if (running) {
      again = true;
      return;
    }
    running = (async () => {
      let next: number | undefined;
      try {
        do {
          again = false;
          await cycle();
        } while (again && !stopped);
        next = await ledger.nextDueInMs();
      } catch (err) {
        log?.warn({ err: (err as Error).message }, 'ledger: cannot reach the ledger; trying again');
        next = retry.baseMs;
      } finally {
        running = undefined;
      }
      const wait = Math.min(next ?? Infinity, opts.pollMs ?? Infinity);
      if (Number.isFinite(wait)) schedule(wait);
    })();
  }

  // Whatever fell due while no instance was running goes out now; from then on it keeps its own schedule.
  schedule(0);
  return {
    kick: () => schedule(0),
    async stop() {
      stopped = true;
      clearTimeout(timer);
      await running;
    },
  };
}
