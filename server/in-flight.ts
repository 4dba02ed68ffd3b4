/** More calls in flight for one key than the bound allows; nothing was sent. */
export class TooManyInFlightError extends Error {
  constructor() {
    super('too many upstream calls in flight for this customer');
    this.name = 'TooManyInFlightError';
  }
}

export interface InFlightLimit {
  /** Runs `work` if `key` has fewer than the bound in flight, else throws TooManyInFlightError without running it. */
  run<T>(key: string, work: () => Promise<T>): Promise<T>;
}

/**
 * Per-key bound on concurrent calls, per process: one customer can hold at most `perKey` of the upstream pool's
 * connections, whatever they send. A call over the bound is refused at once rather than queued, so a flood
 * holds no memory and no socket while it waits; the widget itself never has more than two calls in flight.
 */
export function createInFlightLimit(perKey: number): InFlightLimit {
  const counts = new Map<string, number>();
  return {
    async run(key, work) {
      const n = counts.get(key) ?? 0;
      if (n >= perKey) throw new TooManyInFlightError();
      counts.set(key, n + 1);
      try {
        return await work();
      } finally {
        const left = counts.get(key)! - 1;
        if (left === 0) counts.delete(key);
        else counts.set(key, left);
      }
    },
  };
}
