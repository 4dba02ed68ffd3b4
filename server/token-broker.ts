import type { ConsentCall, UpstreamClient, UpstreamResponse } from './upstream.js';
import { createInFlightLimit } from './in-flight.js';
import type { CachedToken, TokenStore } from './token-store.js';

/** The customer asked for more upstream token fetches than the limit allows; nothing was sent to MX. */
export class TokenFetchLimitedError extends Error {
  constructor(readonly retryAfterSeconds: number) {
    super('upstream token fetch limit reached for this customer');
    this.name = 'TokenFetchLimitedError';
  }
}

/** What the fetch limit needs of a rate-limit store (express-rate-limit's memory store, rate-limit-redis). */
export interface HitCounter {
  increment(key: string): Promise<{ totalHits: number; resetTime?: Date }>;
}

/** Counts each upstream token fetch against `perWindow` per customer, whichever route needed the token. */
export function tokenFetchLimit(counter: HitCounter, perWindow: number, now: () => number = Date.now) {
  return async (customerId: string): Promise<void> => {
    const { totalHits, resetTime } = await counter.increment(`token-fetch:${customerId}`);
    if (totalHits > perWindow) {
      throw new TokenFetchLimitedError(resetTime ? Math.max(1, Math.ceil((resetTime.getTime() - now()) / 1000)) : 60);
    }
  };
}

export interface TokenBrokerOptions {
  upstream: Pick<UpstreamClient, 'requestToken' | 'consent'>;
  store: TokenStore;
  /** Never reuse a token: each upstream consent call and each token handed out gets a fresh one. */
  singleUse?: boolean;
  /** A cached token is handed out only while it has at least this long to live. */
  refreshBeforeExpiryMs?: number;
  /** Lifetime assumed when the token's `exp` cannot be read (MX documents five minutes). */
  fallbackLifetimeMs?: number;
  now?: () => number;
  /** Called before every upstream token fetch; throws (TokenFetchLimitedError) to refuse it. */
  beforeFetch?: (customerId: string) => Promise<void>;
  /** Consent calls one customer may have in flight upstream at once (default 4). */
  inFlightPerCustomer?: number;
}

export interface TokenBroker {
  /** A token for this customer: the cached one while it is fresh enough, else one fetch shared by all callers. */
  token(customerId: string): Promise<CachedToken>;
  /**
   * Makes a consent call with the customer's token; after a 401 the token is dropped and the call made once more
   * with a fresh one (a stale token, not a failure: the broker repeats nothing else). `signal`: the caller left.
   */
  call(customerId: string, call: ConsentCall, signal?: AbortSignal): Promise<UpstreamResponse>;
  /** Forgets the customer's cached token (logout), or only `token` if given and still cached (refused by MX). */
  evict(customerId: string, token?: string): Promise<void>;
}

const key = (customerId: string) => `token:${customerId}`;

export function createTokenBroker(opts: TokenBrokerOptions): TokenBroker {
  const { upstream, store } = opts;
  const now = opts.now ?? Date.now;
  const skew = opts.refreshBeforeExpiryMs ?? 60_000;
  const fallback = opts.fallbackLifetimeMs ?? 300_000;
  const inFlight = createInFlightLimit(opts.inFlightPerCustomer ?? 4);

  async function fetchFresh(customerId: string): Promise<CachedToken> {
    await opts.beforeFetch?.(customerId);
    const token = await upstream.requestToken(customerId);
    return { token, expiresAt: readExpiry(token) ?? now() + fallback };
  }

  function fetchShared(customerId: string): Promise<CachedToken> {
    return store.singleFlight(key(customerId), async () => {
      const fresh = await fetchFresh(customerId);
      const ttl = fresh.expiresAt - skew - now();
      if (ttl > 0) await store.set(key(customerId), fresh, ttl);
      return fresh;
    });
  }

  async function token(customerId: string): Promise<CachedToken> {
    if (opts.singleUse) return fetchFresh(customerId);
    const cached = await store.get(key(customerId));
    if (cached && cached.expiresAt - skew > now()) return cached;
    return fetchShared(customerId);
  }

  return {
    token,
    call: (customerId, call, signal) => inFlight.run(customerId, async () => {
      const first = await token(customerId);
      const res = await upstream.consent(call, first.token, signal);
      if (res.status !== 401) return res;
      if (!opts.singleUse) await store.delete(key(customerId), first.token);
      const second = await token(customerId);
      return upstream.consent(call, second.token, signal);
    }),
    evict: (customerId, token) => store.delete(key(customerId), token),
  };
}

/** Reads `exp` from a JWT without verifying it: the BFF cannot verify MX's signature, it only schedules refresh. */
export function readExpiry(jwt: string): number | undefined {
  const payload = jwt.split('.')[1];
  if (!payload) return undefined;
  try {
    const exp = (JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
