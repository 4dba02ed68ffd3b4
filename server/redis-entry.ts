/**
 * `@consent-manager/bff/redis`: shared stores for several BFF instances behind one load balancer, on one Redis
 * server, a Sentinel deployment or a Cluster, each with TLS and an ACL user. Needs the optional peers `redis`,
 * `connect-redis` and `rate-limit-redis`:
 *
 *     const { settings } = readRedisSettings(process.env);   // REDIS_URL, or REDIS_SENTINELS + REDIS_SENTINEL_MASTER, or REDIS_CLUSTER_NODES
 *     const redis = await connectRedis({ connection: settings!, prefix: 'bank:consent:' });
 *     app.use('/consent', createConsentRouter({ ...opts, tokenStore: redis.tokenStore, rateLimitStore: redis.rateLimitStore }));
 */
export {
  connectRedis, isRedisUnavailable, RedisUnavailableError,
  type RedisAddress, type RedisConnection, type RedisConnectionSettings, type RedisOptions, type RedisTopology,
} from './redis.js';
export { readRedisSettings } from './redis-config.js';
