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

/** A Map with a size bound and per-entry expiry; the oldest entry goes first when full. */
export class BoundedTtlMap<V> {
  private readonly entries = new Map<string, { value: V; expiresAt: number }>();

  constructor(
    private readonly maxEntries: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const entry = this.entries.get(key);
    if (!entry) return undefined;
    if (entry.expiresAt <= this.now()) {
      this.entries.delete(key);
      return undefined;
    }
    return entry.value;
  }

  set(key: string, value: V, ttlMs: number): void {
    this.entries.delete(key);
    if (this.entries.size >= this.maxEntries) {
      const oldest = this.entries.keys().next();
      if (!oldest.done) this.entries.delete(oldest.value);
    }
    this.entries.set(key, { value, expiresAt: this.now() + ttlMs });
  }

  delete(key: string): void {
    this.entries.delete(key);
  }

  get size(): number {
    return this.entries.size;
  }
}

export function createMemoryTokenStore(maxEntries = 10_000, now: () => number = Date.now): TokenStore {
  const cache = new BoundedTtlMap<CachedToken>(maxEntries, now);
  const inFlight = new Map<string, Promise<CachedToken>>();
  return {
    get: async (key) => cache.get(key),
    set: async (key, value, ttlMs) => cache.set(key, value, ttlMs),
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
