import { LRUCache } from 'lru-cache';

/**
 * A shared store gave up waiting for the token request another instance has in flight. The router answers it as it
 * answers an upstream timeout: the customer's request waited on MX, through that other instance.
 */
export class TokenWaitTimeoutError extends Error {
  override readonly name = 'TokenWaitTimeoutError';
}

/** A token as the broker keeps it. */
export interface CachedToken {
  token: string;
  /** Epoch ms when the upstream stops accepting it. */
  expiresAt: number;
}

/**
 * Where the broker keeps tokens. The in-memory store serves one process; a shared store (Redis) makes N
 * instances behave as one: same cache, and one fetch in flight per key across all of them.
 */
export interface TokenStore {
  get(key: string): Promise<CachedToken | undefined>;
  set(key: string, value: CachedToken, ttlMs: number): Promise<void>;
  /** Removes the entry, but only if it still holds `token` (a newer token fetched meanwhile stays). */
  delete(key: string, token?: string): Promise<void>;
  /**
   * Runs `fetch` unless a fetch for `key` is already in flight, in which case its result is shared.
   * `fetch` stores what it gets before resolving.
   */
  singleFlight(key: string, fetch: () => Promise<CachedToken>): Promise<CachedToken>;
  close?(): Promise<void>;
}

/**
 * A bounded map with per-entry expiry (lru-cache): the least recently used entry goes first when full. `now` is the
 * clock the expiry is measured on (tests pass their own); read on every check, never cached.
 */
export function boundedTtlCache<V extends NonNullable<unknown>>(max: number, now: () => number = Date.now): LRUCache<string, V> {
  return new LRUCache<string, V>({ max, ttlResolution: 0, perf: { now } });
}

export function createMemoryTokenStore(maxEntries = 10_000, now: () => number = Date.now): TokenStore {
  const cache = boundedTtlCache<CachedToken>(maxEntries, now);
  const inFlight = new Map<string, Promise<CachedToken>>();
  return {
    get: async (key) => cache.get(key),
    set: async (key, value, ttlMs) => {
      cache.set(key, value, { ttl: ttlMs });
    },
    delete: async (key, token) => {
      if (token === undefined || cache.get(key)?.token === token) cache.delete(key);
    },
    singleFlight(key, fetch) {
      const running = inFlight.get(key);
      if (running) return running;
      const started = fetch().finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
  };
}
