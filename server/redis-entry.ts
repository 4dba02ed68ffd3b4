/**
 * `@consent-manager/bff/redis`: shared stores for several BFF instances behind one load balancer. Needs the
 * optional peers `redis`, `connect-redis` and `rate-limit-redis`:
 *
 *     const redis = await connectRedis({ url: process.env.REDIS_URL, prefix: 'bank:consent:' });
 *     app.use('/consent', createConsentRouter({ ...opts, tokenStore: redis.tokenStore, rateLimitStore: redis.rateLimitStore }));
 */
export { connectRedis, isRedisUnavailable, RedisUnavailableError, type RedisConnection, type RedisOptions } from './redis.js';
