/**
 * The project's one retry helper. It lives here, in the package that imports nothing, because the widget may
 * depend on Lit alone and the helper must run in browsers and in Node alike.
 *
 * Exactly one layer retries a failed consent call: the widget's API client (the project README says why). The BFF and
 * its upstream client never repeat a failed call, so retries cannot multiply from one layer to the next.
 */

/**
 * A retry budget: gRPC's retry throttling (gRFC A6). Each failed attempt takes a token, each success gives back
 * `ratio` of one, and a retry is allowed only while more than half of `max` tokens are left. A client that meets a
 * flaky upstream retries freely; one that keeps failing soon tries each call once, so during an outage it adds no
 * load of its own however often the customer presses "Try again".
 */
export interface RetryBudget {
  /** An attempt failed in a way worth retrying; says whether a retry is allowed. */
  failed(): boolean;
  succeeded(): void;
}

export function retryBudget(max = 10, ratio = 0.1): RetryBudget {
  let tokens = max;
  return {
    failed: () => (tokens = Math.max(0, tokens - 1)) > max / 2,
    succeeded: () => void (tokens = Math.min(max, tokens + ratio)),
  };
}

export interface RetryOptions {
  /** Attempts in all, the first one included. */
  attempts: number;
  /** Backoff after attempt n: `backoffMs` × 2^(n-1) (no jitter: the budget, not randomness, keeps retries from piling up). */
  backoffMs: number;
  /** Whether this failure may be tried again (the call is safe to repeat and the failure may pass). */
  retryable(error: unknown): boolean;
  /** Shared by the calls of one client. */
  budget: RetryBudget;
  /** The caller gave up: no further attempt is made. */
  signal?: AbortSignal;
}

/** Runs `attempt` until it succeeds, fails in a way not worth retrying, or the attempts or the budget run out. */
export async function retry<T>(attempt: () => Promise<T>, { attempts, backoffMs, retryable, budget, signal }: RetryOptions): Promise<T> {
  for (let n = 1; ; n++) {
    try {
      const value = await attempt();
      budget.succeeded();
      return value;
    } catch (error) {
      // The budget hears of every retryable failure, the last attempt's too.
      if (!retryable(error) || signal?.aborted || !budget.failed() || n >= attempts) throw error;
      // An abort during the wait ends the loop at the next attempt, which `signal` makes fail at once.
      await new Promise((resolve) => setTimeout(resolve, backoffMs * 2 ** (n - 1)));
    }
  }
}
