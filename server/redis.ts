import { RedisStore as RedisSessionStore } from 'connect-redis';
import type { Store as RateLimitStore } from 'express-rate-limit';
import type { Store as SessionStore } from 'express-session';
import { RedisStore as RedisRateLimitStore, type RedisReply } from 'rate-limit-redis';
import { createClient, ErrorReply } from 'redis';
import type { ReadinessCheck } from './app.js';
import type { Logger } from './logger.js';
import { createRedisTokenStore, type RedisSend, type RedisTokenStoreOptions } from './redis-token-store.js';
import type { TokenStore } from './token-store.js';

export interface RedisOptions {
  url: string;
  /** Starts every key: `<prefix>sess:`, `<prefix>token:`, `<prefix>lock:`, `<prefix>rl:<limiter>:`. */
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
  /** For `/readyz`: a problem while Redis is unreachable or does not answer in time. */
  ready: ReadinessCheck;
  /** Whether an error means Redis is unavailable (answer 503) rather than a bug. */
  isUnavailable(err: unknown): boolean;
  close(): Promise<void>;
}

/** Redis could not serve a command: unreachable, closed, not answering in time, or the client's queue full. */
export class RedisUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

// Replies of a Redis that runs but cannot serve: loading its dataset, failing over, out of memory, unable to persist.
const NOT_SERVING = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|OOM|MISCONF)\b/;

export function isRedisUnavailable(err: unknown): boolean {
  return err instanceof RedisUnavailableError || (err instanceof ErrorReply && NOT_SERVING.test(err.message));
}

/**
 * One Redis client for everything the instances share: sessions, the token cache and lock, rate limits.
 * Returns once connected, or after one connect timeout with Redis still down: the BFF then starts not
 * ready, answers 503 and recovers by itself as soon as Redis is up.
 */
export async function connectRedis(opts: RedisOptions): Promise<RedisConnection> {
  const commandTimeoutMs = opts.commandTimeoutMs ?? 500;
  const connectTimeoutMs = opts.connectTimeoutMs ?? 1_000;
  const maxDelay = opts.maxReconnectDelayMs ?? 500;
  const log = opts.logger;
  const where = new URL(opts.url).host;

  const client = createClient({
    url: opts.url,
    // Queued commands would hold requests for as long as Redis is away: fail them at once instead.
    disableOfflineQueue: true,
    // Bounds what piles up while a hung Redis accepts commands but answers none.
    commandsQueueMaxLength: 10_000,
    socket: {
      connectTimeout: connectTimeoutMs,
      // Jitter keeps a fleet of instances from reconnecting in lockstep.
      reconnectStrategy: (retries) => Math.min(50 * 2 ** retries, maxDelay) + Math.floor(Math.random() * 50),
    },
  });

  let downSince: number | undefined;
  client.on('error', (err: Error) => {
    if (downSince !== undefined) return;
    downSince = Date.now();
    log?.warn({ redis: where, err: { type: err.name, message: err.message } }, 'redis unavailable; answering 503 until it returns');
  });
  client.on('ready', () => {
    if (downSince === undefined) return;
    log?.info({ redis: where, down_ms: Date.now() - downSince }, 'redis available again');
    downSince = undefined;
  });

  // node-redis's own command timeout stops counting once a command is written, so a hung server would
  // hold requests forever; this deadline covers the whole round trip.
  const bounded = <T>(work: Promise<T>) => guarded(work, commandTimeoutMs);
  const send: RedisSend = (args) => bounded(client.sendCommand(args));

  const connecting = client.connect().then(() => true, () => false);
  const connected = await guarded(connecting, connectTimeoutMs).catch(() => false);
  if (!connected) log?.warn({ redis: where }, 'redis not reachable at start; retrying in the background');

  return {
    sessionStore: new RedisSessionStore({ client: sessionClient(client, bounded), prefix: `${opts.prefix}sess:` }),
    tokenStore: createRedisTokenStore({ send, prefix: opts.prefix, ...opts.token }),
    rateLimitStore: (limiter) => new RecoveringRateLimitStore({
      sendCommand: (...args: string[]) => send(args) as Promise<RedisReply>,
      prefix: `${opts.prefix}rl:${limiter}:`,
    }),
    async ready() {
      if (!client.isReady) return `redis at ${where}: not connected`;
      try {
        await send(['PING']);
        return undefined;
      } catch (err) {
        return `redis at ${where}: ${(err as Error).message}`;
      }
    },
    isUnavailable: isRedisUnavailable,
    async close() {
      // Called after the HTTP server drained, so nothing waits on a reply; a graceful QUIT could hang on a hung Redis.
      if (client.isOpen) client.destroy();
      await connecting;
    },
  };
}

type Client = ReturnType<typeof createClient>;

/** What connect-redis calls, each command under the deadline. */
function sessionClient(client: Client, bounded: <T>(work: Promise<T>) => Promise<T>) {
  return {
    get: (key: string) => bounded(client.get(key)),
    set: (key: string, value: string, options?: Parameters<Client['set']>[2]) => bounded(client.set(key, value, options)),
    expire: (key: string, seconds: number) => bounded(client.expire(key, seconds)),
    del: (keys: string[]) => bounded(client.del(keys)),
    mGet: (keys: string[]) => bounded(client.mGet(keys)),
    scanIterator: (options: Parameters<Client['scanIterator']>[0]) => client.scanIterator(options),
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

/**
 * Every command passes here, so every failure to reach Redis surfaces as one error type, whatever node-redis,
 * connect-redis or rate-limit-redis made of it.
 */
function guarded<T>(work: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const expired = new Promise<never>((_resolve, reject) => {
    timer = setTimeout(() => reject(new RedisUnavailableError(`Redis did not answer within ${ms} ms`)), ms);
  });
  const answered = work.catch((err: unknown) => {
    // Redis's own replies (WRONGTYPE, NOSCRIPT, which rate-limit-redis handles) and bugs pass through unchanged.
    if (err instanceof ErrorReply || err instanceof TypeError) throw err;
    throw new RedisUnavailableError(`Redis unavailable: ${err instanceof Error ? err.message : String(err)}`, { cause: err });
  });
  return Promise.race([answered, expired]).finally(() => clearTimeout(timer));
}
