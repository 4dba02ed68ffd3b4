import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { TokenWaitTimeoutError, type CachedToken, type TokenStore } from './token-store.js';

/**
 * Sends one Redis command and resolves with its reply; the caller bounds how long that may take. In a cluster the
 * command goes to the node holding its first key (`route` overrides).
 */
export type RedisSend = (args: string[], route?: string) => Promise<unknown>;

export interface RedisTokenStoreOptions {
  send: RedisSend;
  /** Starts every key; instances that share tokens use the same one. */
  prefix: string;
  /**
   * How long a lock outlives the instance holding it. A live holder renews it, so a slow upstream
   * does not let a second fetch start; a dead one stops renewing and the customer waits at most this long.
   */
  lockTtlMs?: number;
  /** How often a waiter looks for the holder's result. */
  pollMs?: number;
  /** A waiter's bound: at least the longest an upstream token request can take (its timeouts), plus one lock TTL. */
  maxWaitMs?: number;
}

// Compare-and-act in one step: between a GET and a DEL another instance may have taken the key over.
// ACQUIRE reads the cache and takes the lock in one step, so a token stored between the two is never fetched again.
const ACQUIRE = "local v = redis.call('GET', KEYS[1]) if v then return {'cached', v} end "
  + "if redis.call('SET', KEYS[2], ARGV[1], 'NX', 'PX', ARGV[2]) then return {'locked'} end return {'busy'}";
const RELEASE = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";
const RENEW = "if redis.call('GET', KEYS[1]) == ARGV[1] then return redis.call('PEXPIRE', KEYS[1], ARGV[2]) end return 0";
const DELETE_IF_TOKEN = "local v = redis.call('GET', KEYS[1]) "
  + "if v and cjson.decode(v).token == ARGV[1] then return redis.call('DEL', KEYS[1]) end return 0";

/**
 * The token cache and single-flight lock shared by every instance on one Redis: one upstream token request
 * per customer per token lifetime, whichever instances the requests land on.
 */
export function createRedisTokenStore(opts: RedisTokenStoreOptions): TokenStore {
  const { send, prefix } = opts;
  const lockTtlMs = opts.lockTtlMs ?? 5_000;
  const pollMs = opts.pollMs ?? 25;
  const maxWaitMs = opts.maxWaitMs ?? 20_000;
  // The braces make a hash tag: a key and its lock share a cluster slot, as ACQUIRE, which uses both, requires.
  const cacheKey = (key: string) => `${prefix}{${key}}`;
  const lockKey = (key: string) => `${prefix}lock:{${key}}`;
  // Callers on this instance share one Redis conversation per key instead of each polling the lock.
  const inFlight = new Map<string, Promise<CachedToken>>();

  async function get(key: string): Promise<CachedToken | undefined> {
    return parse(await send(['GET', cacheKey(key)]));
  }

  async function holdingLock(key: string, owner: string, fetch: () => Promise<CachedToken>): Promise<CachedToken> {
    const lock = lockKey(key);
    const renew = setInterval(() => {
      send(['EVAL', RENEW, '1', lock, owner, String(lockTtlMs)]).catch(() => undefined);
    }, lockTtlMs / 3);
    renew.unref();
    try {
      return await fetch();
    } finally {
      clearInterval(renew);
      // If the release fails the lock still expires on its own within one TTL.
      await send(['EVAL', RELEASE, '1', lock, owner]).catch(() => undefined);
    }
  }

  async function acquireOrWait(key: string, fetch: () => Promise<CachedToken>): Promise<CachedToken> {
    const giveUpAt = Date.now() + maxWaitMs;
    for (;;) {
      const owner = randomUUID();
      const [state, raw] = await send(['EVAL', ACQUIRE, '2', cacheKey(key), lockKey(key), owner, String(lockTtlMs)]) as [string, unknown];
      const cached = state === 'cached' ? parse(raw) : undefined;
      if (cached) return cached;
      if (state === 'locked') return holdingLock(key, owner, fetch);
      if (Date.now() >= giveUpAt) {
        throw new TokenWaitTimeoutError('The token request in flight on another instance did not finish in time.');
      }
      await sleep(pollMs);
    }
  }

  return {
    get,
    async set(key, value, ttlMs) {
      await send(['SET', cacheKey(key), JSON.stringify(value), 'PX', String(Math.max(1, Math.ceil(ttlMs)))]);
    },
    async delete(key, token) {
      if (token === undefined) await send(['DEL', cacheKey(key)]);
      else await send(['EVAL', DELETE_IF_TOKEN, '1', cacheKey(key), token]);
    },
    singleFlight(key, fetch) {
      const running = inFlight.get(key);
      if (running) return running;
      const started = acquireOrWait(key, fetch).finally(() => inFlight.delete(key));
      inFlight.set(key, started);
      return started;
    },
  };
}

function parse(raw: unknown): CachedToken | undefined {
  if (typeof raw !== 'string') return undefined;
  try {
    return JSON.parse(raw) as CachedToken;
  } catch {
    return undefined;
  }
}
