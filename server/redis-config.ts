import { readFileSync } from 'node:fs';

export interface RedisAddress {
  host: string;
  port: number;
}

/** Where the shared stores live: one server, a Sentinel-watched primary, or a cluster. */
export type RedisTopology =
  | { kind: 'server'; url: string }
  | { kind: 'sentinel'; sentinels: RedisAddress[]; masterName: string; sentinelUsername?: string; sentinelPassword?: string }
  | { kind: 'cluster'; nodes: RedisAddress[] };

/** What every topology accepts: TLS and an ACL user, applied to each node the client connects to. */
export interface RedisConnectionSettings {
  topology: RedisTopology;
  /** On for `rediss://`; the sentinels and the servers they name, or every cluster node, speak TLS. */
  tls: boolean;
  /** PEM certificates to trust instead of the system's (the bank's internal CA). */
  ca?: string;
  username?: string;
  password?: string;
  /** Longest a command may take before the request gets a 503 (REDIS_COMMAND_TIMEOUT_MS; the client's default is 500). */
  commandTimeoutMs?: number;
}

/** Every variable read here; the README documents each (a test checks). */
export const REDIS_VARIABLES = [
  'REDIS_URL', 'REDIS_SENTINELS', 'REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD',
  'REDIS_CLUSTER_NODES', 'REDIS_USERNAME', 'REDIS_PASSWORD', 'REDIS_CA_FILE', 'REDIS_COMMAND_TIMEOUT_MS',
] as const;

/**
 * Reads the Redis forms of the environment: `REDIS_URL` (one server), `REDIS_SENTINELS` + `REDIS_SENTINEL_MASTER`,
 * or `REDIS_CLUSTER_NODES`; each with TLS (`rediss://`, `REDIS_CA_FILE`) and an ACL user. Every problem is
 * reported; none set means no Redis (in-memory stores).
 */
export function readRedisSettings(env: NodeJS.ProcessEnv): { settings?: RedisConnectionSettings; problems: string[] } {
  const v = Object.fromEntries(REDIS_VARIABLES.map((k) => [k, env[k]?.trim() || undefined])) as
    Record<(typeof REDIS_VARIABLES)[number], string | undefined>;
  const problems: string[] = [];
  const forms = (['REDIS_URL', 'REDIS_SENTINELS', 'REDIS_CLUSTER_NODES'] as const).filter((k) => v[k]);
  if (forms.length === 0) {
    const stray = REDIS_VARIABLES.filter((k) => v[k]);
    if (stray.length > 0) problems.push(`${stray.join(', ')}: set without REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES`);
    return { problems };
  }
  if (forms.length > 1) return { problems: [`${forms.join(', ')}: set only one (one server, Sentinel, or Cluster)`] };

  let topology: RedisTopology | undefined;
  let tls = false;
  let username = v.REDIS_USERNAME;
  let password = v.REDIS_PASSWORD;
  if (v.REDIS_URL) {
    const url = parseUrl(v.REDIS_URL);
    if (!url || url.hostname === '') {
      problems.push('REDIS_URL: must be a redis:// or rediss:// URL, e.g. rediss://redis.internal:6380');
    } else {
      tls = url.protocol === 'rediss:';
      if (url.username || url.password) {
        if (username || password) problems.push('REDIS_URL: credentials both in the URL and in REDIS_USERNAME/REDIS_PASSWORD; keep one');
        username = decodeURIComponent(url.username) || undefined;
        password = decodeURIComponent(url.password) || undefined;
      }
      url.username = '';
      url.password = '';
      topology = { kind: 'server', url: url.toString() };
    }
  } else {
    const name = v.REDIS_SENTINELS ? 'REDIS_SENTINELS' : 'REDIS_CLUSTER_NODES';
    const list = readAddressList(name, v[name]!, problems);
    tls = list.tls;
    if (name === 'REDIS_SENTINELS') {
      if (!v.REDIS_SENTINEL_MASTER) problems.push('REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS (the name the sentinels monitor)');
      if (v.REDIS_SENTINEL_USERNAME && !v.REDIS_SENTINEL_PASSWORD) problems.push('REDIS_SENTINEL_USERNAME: needs REDIS_SENTINEL_PASSWORD');
      topology = {
        kind: 'sentinel', sentinels: list.addresses, masterName: v.REDIS_SENTINEL_MASTER ?? '',
        sentinelUsername: v.REDIS_SENTINEL_USERNAME, sentinelPassword: v.REDIS_SENTINEL_PASSWORD,
      };
    } else {
      topology = { kind: 'cluster', nodes: list.addresses };
    }
  }
  for (const k of ['REDIS_SENTINEL_MASTER', 'REDIS_SENTINEL_USERNAME', 'REDIS_SENTINEL_PASSWORD'] as const) {
    if (v[k] && topology?.kind !== 'sentinel') problems.push(`${k}: only with REDIS_SENTINELS`);
  }
  if (username && !password) problems.push('REDIS_USERNAME: needs REDIS_PASSWORD');

  let ca: string | undefined;
  if (v.REDIS_CA_FILE) {
    if (!tls) problems.push('REDIS_CA_FILE: only with TLS (rediss://)');
    try {
      ca = readFileSync(v.REDIS_CA_FILE, 'utf8');
      if (!ca.includes('-----BEGIN CERTIFICATE-----')) problems.push(`REDIS_CA_FILE: ${v.REDIS_CA_FILE} holds no PEM certificate`);
    } catch (err) {
      problems.push(`REDIS_CA_FILE: cannot read ${v.REDIS_CA_FILE} (${(err as NodeJS.ErrnoException).code ?? 'error'})`);
    }
  }
  const commandTimeoutMs = v.REDIS_COMMAND_TIMEOUT_MS === undefined ? undefined : Number(v.REDIS_COMMAND_TIMEOUT_MS);
  if (commandTimeoutMs !== undefined && !(Number.isInteger(commandTimeoutMs) && commandTimeoutMs >= 50 && commandTimeoutMs <= 60_000)) {
    problems.push('REDIS_COMMAND_TIMEOUT_MS: must be a whole number of milliseconds from 50 to 60000');
  }
  if (problems.length > 0 || !topology) return { problems };
  return { settings: { topology, tls, ca, username, password, ...(commandTimeoutMs ? { commandTimeoutMs } : {}) }, problems };
}

/** `host:port` or `redis[s]://host:port` entries, comma-separated, all with the same scheme. */
function readAddressList(name: string, value: string, problems: string[]): { addresses: RedisAddress[]; tls: boolean } {
  const addresses: RedisAddress[] = [];
  const schemes = new Set<string>();
  for (const entry of value.split(',').map((s) => s.trim()).filter(Boolean)) {
    const url = parseUrl(/^\w+:\/\//.test(entry) ? entry : `redis://${entry}`);
    if (url && (url.username || url.password)) {
      // Not echoed: it holds a password.
      problems.push(`${name}: an entry holds credentials; put them in REDIS_USERNAME/REDIS_PASSWORD`);
      continue;
    }
    if (!url || !url.hostname || !url.port || url.pathname.replace('/', '') !== '') {
      problems.push(`${name}: "${entry}" is not host:port or redis[s]://host:port`);
      continue;
    }
    schemes.add(url.protocol);
    addresses.push({ host: url.hostname.replace(/^\[|\]$/g, ''), port: Number(url.port) });
  }
  if (addresses.length === 0 && problems.length === 0) problems.push(`${name}: lists no address`);
  if (schemes.size > 1) problems.push(`${name}: mixes redis:// and rediss://; TLS is on for every node or for none`);
  return { addresses, tls: schemes.has('rediss:') };
}

function parseUrl(value: string): URL | undefined {
  try {
    const url = new URL(value);
    return url.protocol === 'redis:' || url.protocol === 'rediss:' ? url : undefined;
  } catch {
    return undefined;
  }
}
