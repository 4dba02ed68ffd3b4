import type { BffAppOptions } from './app.js';
import type { BffConfig } from './config.js';
import type { Logger } from './logger.js';
import type { ConsentRouterOptions } from './router.js';

export interface SharedStores {
  router: Pick<ConsentRouterOptions, 'tokenStore' | 'rateLimitStore'>;
  app: Pick<BffAppOptions, 'sessionStore' | 'readiness' | 'storeUnavailable'>;
  close(): Promise<void>;
}

const LOCK_TTL_MS = 5_000;

/**
 * What both composition roots spread into the router and the app: with Redis configured (one server, Sentinel or
 * Cluster), the stores every instance shares; without it nothing, so the bounded in-memory defaults serve one machine.
 */
export async function openSharedStores(config: BffConfig, logger: Logger): Promise<SharedStores> {
  if (!config.redis) return { router: {}, app: {}, close: async () => undefined };
  // Loaded only here: redis, connect-redis and rate-limit-redis are optional peers a one-machine BFF never needs.
  const { connectRedis } = await import('./redis.js');
  const redis = await connectRedis({
    connection: config.redis,
    prefix: config.redisPrefix,
    logger,
    // A waiter outlasts the slowest token request another instance can be making (the overall MX deadline bounds it;
    // the holder renews its lock meanwhile), and one lost lock.
    token: { lockTtlMs: LOCK_TTL_MS, maxWaitMs: config.mx.timeouts.deadlineMs + LOCK_TTL_MS },
  });
  return {
    router: { tokenStore: redis.tokenStore, rateLimitStore: redis.rateLimitStore },
    app: { sessionStore: redis.sessionStore, readiness: [redis.ready], storeUnavailable: redis.isUnavailable },
    close: () => redis.close(),
  };
}
