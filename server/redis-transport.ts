import { setTimeout as sleep } from 'node:timers/promises';
import { createClient, createCluster, ErrorReply } from 'redis';
import type { RedisAddress, RedisConnectionSettings } from './redis-config.js';

/** Redis could not serve a command: unreachable, closed, not answering in time, or the client's queue full. */
export class RedisUnavailableError extends Error {
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = 'RedisUnavailableError';
  }
}

// Replies of a Redis that runs but cannot serve: loading its dataset, failing over, out of memory, unable to
// persist, a replica where a primary was expected, too few replicas for `min-replicas-to-write`.
const NOT_SERVING = /^(LOADING|BUSY|MASTERDOWN|READONLY|TRYAGAIN|CLUSTERDOWN|OOM|MISCONF|NOREPLICAS)\b/;

export function isRedisUnavailable(err: unknown): boolean {
  return err instanceof RedisUnavailableError || (err instanceof ErrorReply && NOT_SERVING.test(err.message));
}

export interface TransportTiming {
  commandTimeoutMs: number;
  connectTimeoutMs: number;
  maxReconnectDelayMs: number;
}

const AUTH_REFUSED = /^(WRONGPASS|NOAUTH|NOPERM)\b/;
const UNTRUSTED = new Set(['SELF_SIGNED_CERT_IN_CHAIN', 'DEPTH_ZERO_SELF_SIGNED_CERT', 'UNABLE_TO_VERIFY_LEAF_SIGNATURE',
  'UNABLE_TO_GET_ISSUER_CERT_LOCALLY', 'ERR_TLS_CERT_ALTNAME_INVALID', 'CERT_HAS_EXPIRED', 'CERT_NOT_YET_VALID']);

/**
 * Why a connection can never work as configured, or undefined for an outage that may end by itself: Redis
 * refused the credentials, or its certificate is not trusted (a missing REDIS_CA_FILE, a wrong host name).
 */
export function misconfiguration(err: unknown): string | undefined {
  if (err instanceof RedisUnavailableError && err.cause) return misconfiguration(err.cause);
  if (!(err instanceof Error)) return undefined;
  if (AUTH_REFUSED.test(err.message)) return `Redis refused the credentials (${err.message.split(' ')[0]}): check REDIS_USERNAME and REDIS_PASSWORD`;
  const code = (err as NodeJS.ErrnoException).code;
  if (code && UNTRUSTED.has(code)) return `Redis's TLS certificate is not trusted (${code}): set REDIS_CA_FILE to the CA that signed it`;
  return undefined;
}

/** One way of reaching the primary that holds a key, whatever the topology. */
export interface RedisTransport {
  /** Where it points, for logs and readiness (addresses only, never credentials). */
  readonly where: string;
  /**
   * Sends one command, bounded by the command timeout. In a cluster, `route` is the key whose slot picks the
   * node; without it the command's first key does.
   */
  send(args: string[], route?: string): Promise<unknown>;
  /** Every key matching a pattern, on every primary. */
  scan(match: string, count: number): AsyncIterable<string[]>;
  /** A problem description while no primary answers (for `/readyz`), undefined when ready. */
  ready(): Promise<string | undefined>;
  /** Settles once first connected, or (one server) once the first attempt failed; it keeps trying in the background. */
  readonly started: Promise<unknown>;
  /** The last error a connection met (refused, TLS, credentials): why it is not connected. */
  readonly lastError: unknown;
  close(): Promise<void>;
}

type Client = ReturnType<typeof createClient>;

/** Starts connecting to the configured topology at once; `started` tells when the first connection is up. */
export function openTransport(settings: RedisConnectionSettings, timing: TransportTiming, onChange: (message: string, where: string) => void): RedisTransport {
  switch (settings.topology.kind) {
    case 'server': return serverTransport(settings.topology.url, settings, timing);
    case 'sentinel': return sentinelTransport(settings.topology, settings, timing, onChange);
    case 'cluster': return clusterTransport(settings.topology.nodes, settings, timing, onChange);
  }
}

/** What every data connection gets: fail fast while disconnected, reconnect with a capped, jittered backoff. */
function nodeOptions(s: RedisConnectionSettings, t: TransportTiming, address?: RedisAddress) {
  return {
    username: s.username,
    password: s.password,
    // Queued commands would hold requests for as long as Redis is away: fail them at once instead.
    disableOfflineQueue: true,
    // Bounds what piles up while a hung Redis accepts commands but answers none.
    commandsQueueMaxLength: 10_000,
    socket: {
      ...address,
      connectTimeout: t.connectTimeoutMs,
      // Jitter keeps a fleet of instances from reconnecting in lockstep.
      reconnectStrategy: (retries: number) => Math.min(50 * 2 ** retries, t.maxReconnectDelayMs) + Math.floor(Math.random() * 50),
      ...(s.tls ? { tls: true as const, ...(s.ca ? { ca: s.ca } : {}) } : {}),
    },
  };
}

function serverTransport(url: string, s: RedisConnectionSettings, t: TransportTiming): RedisTransport {
  const client = createClient({ url, ...nodeOptions(s, t) });
  let lastError: unknown;
  client.on('error', (err) => { lastError = err; });
  const connecting = client.connect().then(() => true, () => false);
  const send = (args: string[]) => guarded(client.sendCommand(args), t.commandTimeoutMs);
  return {
    where: new URL(url).host,
    get lastError() { return lastError; },
    started: connecting,
    send,
    scan: (match, count) => client.scanIterator({ MATCH: match, COUNT: count }),
    ready: () => (client.isReady ? ping(send) : Promise.resolve('not connected')),
    async close() {
      // Called after the HTTP server drained, so nothing waits on a reply; a graceful QUIT could hang on a hung Redis.
      if (client.isOpen) client.destroy();
      await connecting;
    },
  };
}

/**
 * The primary the sentinels name, followed across promotions: whenever the primary stops answering (or answers
 * READONLY, having been demoted), the sentinels are asked again and the client moves to the new one. Built on
 * plain clients rather than node-redis's `createSentinel`, whose commands wait and retry without bound while
 * no primary is reachable, and so would run long after the request that sent them was answered 503.
 */
function sentinelTransport(
  topology: Extract<RedisConnectionSettings['topology'], { kind: 'sentinel' }>,
  s: RedisConnectionSettings,
  t: TransportTiming,
  onChange: (message: string, where: string) => void,
): RedisTransport {
  const sentinels = [...topology.sentinels];
  let primary: { address: string; client: Client } | undefined;
  let locating: Promise<void> | undefined;
  let lastLocated = 0;
  let closed = false;
  let lastError: unknown;

  async function askSentinels(): Promise<RedisAddress | undefined> {
    for (const node of [...sentinels]) {
      const client = createClient({
        username: topology.sentinelUsername,
        password: topology.sentinelPassword,
        socket: { ...nodeOptions(s, t, node).socket, reconnectStrategy: false },
      });
      client.on('error', () => undefined);
      try {
        await guarded(client.connect(), t.connectTimeoutMs);
        const reply = await guarded(client.sendCommand(['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', topology.masterName]), t.commandTimeoutMs);
        if (Array.isArray(reply) && reply.length === 2) {
          // The next question goes to the sentinel that answered this one.
          sentinels.splice(sentinels.indexOf(node), 1);
          sentinels.unshift(node);
          return { host: String(reply[0]), port: Number(reply[1]) };
        }
      } catch (err) {
        // This sentinel is down or refused us: ask the next.
        lastError = err;
      } finally {
        if (client.isOpen) client.destroy();
      }
    }
    return undefined;
  }

  async function follow(): Promise<void> {
    const address = await askSentinels();
    if (!address || closed) return;
    const key = `${address.host}:${address.port}`;
    // The same primary, reconnecting by itself if it dropped: nothing to move.
    if (primary?.address === key) return;
    const client = createClient(nodeOptions(s, t, address));
    client.on('error', (err) => {
      lastError = err;
      if (primary?.client === client) void relocate();
    });
    const connected = await guarded(client.connect(), t.connectTimeoutMs).then(() => true, () => false);
    // A sentinel that has not yet heard of a promotion may name the old primary, now a replica.
    if (connected && await isReplica(client)) {
      client.destroy();
      return;
    }
    if (closed) {
      if (client.isOpen) client.destroy();
      return;
    }
    const previous = primary;
    primary = { address: key, client };
    if (previous?.client.isOpen) previous.client.destroy();
    onChange(previous ? 'following the new primary named by the sentinels' : 'primary located through the sentinels', key);
  }

  /** At most one round of questions at a time, and not more often than every 100 ms. */
  function relocate(): Promise<void> {
    if (closed) return Promise.resolve();
    if (!locating && Date.now() - lastLocated >= 100) {
      locating = follow().catch(() => undefined).finally(() => {
        lastLocated = Date.now();
        locating = undefined;
      });
    }
    return locating ?? Promise.resolve();
  }

  // While no primary is connected and no request comes to notice, keep looking.
  const watch = setInterval(() => {
    if (!primary?.client.isReady) void relocate();
  }, Math.max(t.maxReconnectDelayMs, 250));
  watch.unref();

  async function send(args: string[]): Promise<unknown> {
    const client = primary?.client;
    if (!client?.isReady) {
      void relocate();
      throw new RedisUnavailableError('Redis unavailable: no reachable primary');
    }
    try {
      return await guarded(client.sendCommand(args), t.commandTimeoutMs);
    } catch (err) {
      if (isRedisUnavailable(err)) void relocate();
      throw err;
    }
  }

  return {
    get where() {
      return `${primary?.address ?? 'no primary'} (sentinel master ${topology.masterName})`;
    },
    get lastError() { return lastError; },
    started: relocate(),
    send,
    scan(match, count) {
      if (!primary?.client.isReady) throw new RedisUnavailableError('Redis unavailable: no reachable primary');
      return primary.client.scanIterator({ MATCH: match, COUNT: count });
    },
    ready: () => (primary?.client.isReady ? ping(send) : Promise.resolve('no reachable primary')),
    async close() {
      closed = true;
      clearInterval(watch);
      await locating;
      if (primary?.client.isOpen) primary.client.destroy();
    },
  };
}

async function ping(send: (args: string[]) => Promise<unknown>): Promise<string | undefined> {
  try {
    await send(['PING']);
    return undefined;
  } catch (err) {
    return (err as Error).message;
  }
}

async function isReplica(client: Client): Promise<boolean> {
  const role = await client.sendCommand(['ROLE']).catch(() => undefined);
  return Array.isArray(role) && role[0] !== 'master';
}

/**
 * node-redis's cluster client follows MOVED and ASK (a slot move) by itself, but not a primary that stopped
 * answering: after a failed command the slot map is read again, so the promoted replica is found.
 */
function clusterTransport(
  nodes: RedisAddress[],
  s: RedisConnectionSettings,
  t: TransportTiming,
  onChange: (message: string, where: string) => void,
): RedisTransport {
  const rootNodes = nodes.map((address) => ({ socket: address }));
  const cluster = createCluster({ rootNodes, defaults: nodeOptions(s, t), maxCommandRedirections: 16 });
  let lastError: unknown;
  cluster.on('error', (err) => { lastError = err; });
  cluster.on('node-error', (err) => { lastError = err; });
  let connected = false;
  let closed = false;
  const seeds = nodes.map((n) => `${n.host}:${n.port}`).join(',');

  // An instance started while the cluster is down starts anyway and joins it once it answers.
  const connecting = (async () => {
    while (!closed) {
      try {
        await cluster.connect();
        connected = true;
        return;
      } catch (err) {
        lastError ??= err;
        await sleep(t.maxReconnectDelayMs);
      }
    }
  })();

  let refreshing: Promise<void> | undefined;
  let lastRefreshed = 0;
  function refresh(): void {
    if (closed || !connected || refreshing || Date.now() - lastRefreshed < 100) return;
    const before = primaries();
    // Any node still answering knows the current slot map; the seeds are the fallback.
    const from = cluster.masters.find((m) => m.client?.isReady)?.client ?? ({ options: rootNodes[0] } as unknown as Client);
    refreshing = cluster._slots.rediscover(from as Parameters<typeof cluster._slots.rediscover>[0])
      .then(() => {
        const after = primaries();
        if (after !== before) onChange('cluster primaries changed', after);
      }, () => undefined)
      .finally(() => {
        lastRefreshed = Date.now();
        refreshing = undefined;
      });
  }
  const primaries = () => cluster.masters.map((m) => m.address).sort().join(',');

  return {
    where: `cluster ${seeds}`,
    started: connecting,
    get lastError() { return lastError; },
    async send(args, route) {
      if (!connected) throw new RedisUnavailableError('Redis unavailable: cluster not reached yet');
      try {
        return await guarded(cluster.sendCommand(route ?? firstKey(args), false, args), t.commandTimeoutMs);
      } catch (err) {
        if (isRedisUnavailable(err)) refresh();
        throw err;
      }
    },
    async *scan(match, count) {
      for (const master of [...cluster.masters]) {
        const client = await guarded(cluster.nodeClient(master), t.commandTimeoutMs);
        yield* client.scanIterator({ MATCH: match, COUNT: count });
      }
    },
    async ready() {
      if (!connected) return 'cluster not reached yet';
      if (cluster.slots.some((shard) => shard === undefined)) return 'not every slot has a primary';
      const down = await Promise.all(cluster.masters.map(async (master) => {
        try {
          const client = await guarded(cluster.nodeClient(master), t.commandTimeoutMs);
          await guarded(client.sendCommand(['PING']), t.commandTimeoutMs);
          return undefined;
        } catch {
          refresh();
          return master.address;
        }
      }));
      const unreachable = down.filter(Boolean);
      return unreachable.length ? `primary ${unreachable.join(', ')} not answering` : undefined;
    },
    async close() {
      closed = true;
      try {
        if (cluster.isOpen) cluster.destroy();
      } catch {
        // A node client that closed by itself makes destroy() throw after it closed the others.
      }
      await connecting;
    },
  };
}

/** The key a command's slot is computed from: the first key of EVAL-style commands, else the first argument. */
function firstKey(args: string[]): string | undefined {
  const name = args[0]?.toUpperCase();
  if (name === 'EVAL' || name === 'EVALSHA' || name === 'EVAL_RO' || name === 'EVALSHA_RO') {
    return Number(args[2]) > 0 ? args[3] : undefined;
  }
  if (name === 'PING' || name === 'SCRIPT' || name === 'INFO' || name === 'ROLE') return undefined;
  return args[1];
}

/**
 * Every command passes here, so every failure to reach Redis surfaces as one error type, whatever node-redis,
 * connect-redis or rate-limit-redis made of it. node-redis's own command timeout stops counting once a command
 * is written, so a hung server would hold requests forever; this deadline covers the whole round trip.
 */
export function guarded<T>(work: Promise<T>, ms: number): Promise<T> {
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
