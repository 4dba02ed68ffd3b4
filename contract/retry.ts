/**
 * The project's one retry helper. It lives here, in the package that imports nothing, because the widget may
 * depend on Lit alone and the helper must run in browsers and in Node alike.
 *
 * Exactly one layer retries a failed consent call: the widget's API client (see its README for why). The BFF and
 * its upstream client never repeat a failed call, so retries cannot multiply from one layer to the next.
 */

/**
 * A retry budget: gRPC's retry throttling (gRFC A6). Each failed attempt takes a token, each success gives back
 * `ratio` of one, and a retry is allowed only while more than half of `max` tokens are left. A client that meets a
 * flaky upstream retries freely; one that keeps failing soon tries each call once, so during an outage it adds no
 * load of its own however often the customer presses "Try again".
 */
export class RetryBudget {
  private tokens: number;

  constructor(
    private readonly max = 10,
    private readonly ratio = 0.1,
  ) {
    this.tokens = max;
  }

  /** An attempt failed in a way worth retrying; says whether a retry is allowed. */
  failed(): boolean {
    this.tokens = Math.max(0, this.tokens - 1);
    return this.tokens > this.max / 2;
  }

  succeeded(): void {
    this.tokens = Math.min(this.max, this.tokens + this.ratio);
  }
}

export interface RetryOptions {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** Backoff before the second attempt; doubled each time, the upper half of it random. */
  backoffMs: number;
  /** Whether this failure may be tried again (the call is safe to repeat and the failure may pass). */
  retryable(error: unknown): boolean;
  budget?: RetryBudget;
  /** Aborts the backoff wait too. */
  signal?: AbortSignal;
}

/** Runs `attempt` until it succeeds, fails in a way not worth retrying, or the attempts or the budget run out. */
export async function retry<T>(attempt: (n: number) => Promise<T>, opts: RetryOptions): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      const value = await attempt(n);
      opts.budget?.succeeded();
      return value;
    } catch (error) {
      if (!opts.retryable(error) || opts.signal?.aborted) throw error;
      const allowed = opts.budget?.failed() ?? true;
      if (n >= opts.attempts || !allowed) throw error;
      await wait(opts.backoffMs * 2 ** (n - 1) * (0.5 + Math.random() / 2), opts.signal);
    }
  }
}

function wait(ms: number, signal?: AbortSignal): Promise<void> {
  return new Promise((resolve, reject) => {
    const timer = setTimeout(() => {
      signal?.removeEventListener('abort', abort);
      resolve();
    }, ms);
    const abort = () => {
      clearTimeout(timer);
      reject(signal!.reason);
    };
    signal?.addEventListener('abort', abort, { once: true });
  });
}
