import { setTimeout as sleep } from 'node:timers/promises';
import { RedisStore as RedisSessionStore } from 'connect-redis';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Store as SessionStore } from 'express-session';
import { RedisStore as RedisRateLimitStore, type RedisReply } from 'rate-limit-redis';
import type { ReadinessCheck } from './app.js';
import type { Logger } from './logger.js';
import type { RedisConnectionSettings } from './redis-config.js';
import { createRedisTokenStore, type RedisTokenStoreOptions } from './redis-token-store.js';
import { isRedisUnavailable, misconfiguration, openTransport, type RedisTransport } from './redis-transport.js';
import type { TokenStore } from './token-store.js';

export type { RedisAddress, RedisConnectionSettings, RedisTopology } from './redis-config.js';
export { isRedisUnavailable, RedisUnavailableError } from './redis-transport.js';

export interface RedisOptions {
  /**
   * One server as a `redis://` or `rediss://` URL (credentials may be in it), or the settings of any topology:
   * `{ topology: { kind: 'sentinel', sentinels, masterName }, tls, ca, username, password }`, or
   * `{ topology: { kind: 'cluster', nodes }, ... }`.
   */
  connection: string | RedisConnectionSettings;
  /** Starts every key: `<prefix>sess:`, `<prefix>{token:<customer>}`, `<prefix>lock:`, `<prefix>rl:<limiter>:`. */
  prefix: string;
  logger?: Logger;
  /** Longest a command may take before the request gets a 503; default 500 ms. */
  commandTimeoutMs?: number;
  /** Longest a TCP connect may take; default 1000 ms. */
  connectTimeoutMs?: number;
  /** Cap of the reconnect backoff, and so the most a recovery waits after Redis returns; default 500 ms. */
  maxReconnectDelayMs?: number;
  token?: Pick<RedisTokenStoreOptions, 'lockTtlMs' | 'pollMs' | 'maxWaitMs'>;
}

export interface RedisConnection {
  sessionStore: SessionStore;
  tokenStore: TokenStore;
  /** A new store per limiter, each under its own prefix. */
  rateLimitStore(limiter: string): RateLimitStore;
  /** For `/readyz`: a problem while no primary is reachable or answers in time. */
  ready: ReadinessCheck;
  /** Whether an error means Redis is unavailable (answer 503) rather than a bug. */
  isUnavailable(err: unknown): boolean;
  close(): Promise<void>;
}

/**
 * One connection for everything the instances share: sessions, the token cache and lock, rate limits; to one
 * server, to the primary Sentinel names, or to a cluster. Returns once connected, or after one connect timeout
 * with Redis still down: the BFF then starts not ready, answers 503 and recovers by itself as soon as a primary
 * answers, including one promoted after a failover.
 */
export async function connectRedis(opts: RedisOptions): Promise<RedisConnection> {
  const settings: RedisConnectionSettings = typeof opts.connection === 'string'
    ? { topology: { kind: 'server', url: opts.connection }, tls: opts.connection.startsWith('rediss:') }
    : opts.connection;
  const timing = {
    commandTimeoutMs: opts.commandTimeoutMs ?? settings.commandTimeoutMs ?? 500,
    connectTimeoutMs: opts.connectTimeoutMs ?? 1_000,
    maxReconnectDelayMs: opts.maxReconnectDelayMs ?? 500,
  };
  const log = opts.logger;
  const transport = openTransport(settings, timing, (message, where) => log?.info({ redis: where }, message));
  const send = watched(transport, log);

  const connected = await Promise.race([transport.started.then(() => true), sleep(timing.connectTimeoutMs).then(() => false)]);
  const problem = connected ? await transport.ready() : 'not connected';
  if (problem !== undefined) {
    // Wrong credentials or an untrusted certificate will not fix themselves: refuse to start, saying which.
    const wrong = misconfiguration(transport.lastError);
    if (wrong) {
      await transport.close();
      throw new Error(wrong);
    }
    log?.warn({ redis: transport.where, err: describe(transport.lastError) }, 'redis not reachable at start; retrying in the background');
  }

  return {
    sessionStore: new RedisSessionStore({ client: sessionClient(transport, send), prefix: `${opts.prefix}sess:` }),
    tokenStore: createRedisTokenStore({ send, prefix: opts.prefix, ...opts.token }),
    rateLimitStore: (limiter) => new RecoveringRateLimitStore({
      // The key routes the script's load and run to the node that holds it (a cluster keeps scripts per node).
      sendCommandCluster: ({ key, command }) => send(command, key) as Promise<RedisReply>,
      prefix: `${opts.prefix}rl:${limiter}:`,
    }),
    async ready() {
      const problem = await transport.ready();
      return problem === undefined ? undefined : `redis at ${transport.where}: ${problem}`;
    },
    isUnavailable: isRedisUnavailable,
    close: () => transport.close(),
  };
}

/** The transport's send, logging once when Redis becomes unavailable and once when it serves again. */
function watched(transport: RedisTransport, log: Logger | undefined): RedisTransport['send'] {
  let downSince: number | undefined;
  return async (args, route) => {
    try {
      const reply = await transport.send(args, route);
      if (downSince !== undefined) {
        log?.info({ redis: transport.where, down_ms: Date.now() - downSince }, 'redis available again');
        downSince = undefined;
      }
      return reply;
    } catch (err) {
      if (downSince === undefined && isRedisUnavailable(err)) {
        downSince = Date.now();
        log?.warn({ redis: transport.where, err: describe(err), cause: describe(transport.lastError) }, 'redis unavailable; answering 503 until it returns');
      }
      throw err;
    }
  };
}

/** Only an error's class and message: objects thrown by clients can carry connection options and credentials. */
function describe(err: unknown): { type: string; message: string } | undefined {
  return err instanceof Error ? { type: err.name, message: err.message } : undefined;
}

/**
 * What connect-redis calls, each command one key through the transport: in a cluster the keys of `del` and
 * `mGet` (only used by `clear()` and `all()`) live in different slots, so they go one by one.
 */
function sessionClient(transport: RedisTransport, send: RedisTransport['send']) {
  return {
    get: (key: string) => send(['GET', key]),
    set: (key: string, value: string, options?: { expiration?: { type: string; value: number } }) =>
      send(options?.expiration ? ['SET', key, value, options.expiration.type, String(options.expiration.value)] : ['SET', key, value]),
    expire: (key: string, seconds: number) => send(['EXPIRE', key, String(seconds)]),
    del: async (keys: string[]) => (await Promise.all(keys.map((k) => send(['DEL', k])))).reduce<number>((n, d) => n + Number(d), 0),
    mGet: (keys: string[]) => Promise.all(keys.map((k) => send(['GET', k]))),
    scanIterator: (options: { MATCH: string; COUNT: number }) => transport.scan(options.MATCH, options.COUNT),
  };
}

/**
 * rate-limit-redis loads its scripts once at start and keeps a failed load forever, so a BFF started while
 * Redis was down would fail every limited request after Redis came up. This one reloads a failed script.
 */
class RecoveringRateLimitStore extends RedisRateLimitStore {
  override async init(options: Parameters<RedisRateLimitStore['init']>[0]): Promise<void> {
    // A failure here is retried on first use; express-rate-limit would only log it.
    await super.init(options).catch(() => undefined);
  }

  override increment(key: string) {
    this.incrementScriptSha = this.incrementScriptSha.catch(() => this.loadIncrementScript());
    return super.increment(key);
  }

  override get(key: string) {
    this.getScriptSha = this.getScriptSha.catch(() => this.loadGetScript());
    return super.get(key);
  }
}
