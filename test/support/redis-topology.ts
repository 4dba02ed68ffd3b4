// Real Redis topologies for tests, from Debian's redis-server on loopback ports in a temp dir, stopped by PID:
// one server, a primary + replica watched by three sentinels, a cluster of three primaries each with a replica.
// Optionally with TLS (a CA and a server certificate made here with the openssl CLI) and an ACL user.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { promisify } from 'node:util';
import { createClient, createCluster } from 'redis';
import { freePort, REDIS_URL } from './redis.js';

const run = promisify(execFile);

export type TopologyKind = 'server' | 'sentinel' | 'cluster';

export interface TopologyOptions {
  /** TLS on every port (`rediss://`), with a CA file the BFF is given. */
  tls?: boolean;
  /** An ACL user the BFF logs in as; the `default` user is switched off. */
  acl?: boolean;
}

export interface Killed {
  address: string;
  /** Milliseconds from the kill until Redis itself names another primary (sentinels, or the cluster's slot map). */
  promoted: Promise<number>;
}

export interface TestTopology {
  kind: TopologyKind;
  /** The REDIS_* variables a bank would set for it. */
  env: Record<string, string>;
  /** Redis's own settings that decide how a failover goes, as a report states them. */
  replication: Record<string, string | number>;
  /** A command from the test's own client (not the BFF's code), to the primary holding `key` (else its first key). */
  send(args: string[], key?: string): Promise<unknown>;
  keysUnder(prefix: string): Promise<string[]>;
  deleteKeysUnder(prefix: string): Promise<void>;
  /** SIGKILLs the primary that serves `key` (the only primary outside a cluster); resolves once it is dead. */
  killPrimary(key?: string): Promise<Killed>;
  /** Sentinel only: a promotion the sentinels carry out while the old primary lives on, demoted to a replica. */
  promote(): Promise<{ from: string; to: string }>;
  /** Cluster only: moves the slot of `key`, with its keys, to another primary, as a resharding does. */
  moveSlotOf(key: string): Promise<{ slot: number; from: string; to: string }>;
  stop(): Promise<void>;
}

/** The BFF's user, allowed only what its stores send (the README's rule, with the tests' key prefix). */
const BFF_USER = 'consent-bff';
const BFF_PASSWORD = `pw-${crypto.randomUUID()}`;
const BFF_RULE = '~test:* ~consent:* resetchannels -@all +get +set +del +expire +pexpire +pttl +incr +decr +eval +evalsha '
  + '+script|load +scan +ping +role +cluster|slots';
/** Everyone else's: the servers' replication, the sentinels, redis-cli and the test's own checks. */
const ACL_USER = 'admin';
const ACL_PASSWORD = `pw-${crypto.randomUUID()}`;
const MASTER_NAME = 'consent';

// Fast detection on loopback; a bank's values are larger (see the README), the mechanism is the same.
const SENTINEL_SETTINGS = { 'down-after-milliseconds': 1_000, 'failover-timeout': 5_000, 'parallel-syncs': 1, quorum: 2 };
// Validity factor 0: a replica always stands for election, however long ago it last heard from its primary (on a
// busy test machine the default 10 sometimes left a shard without a primary for good).
const CLUSTER_SETTINGS = { 'cluster-node-timeout': 1_000, 'cluster-require-full-coverage': 'no', 'cluster-replica-validity-factor': 0 };
const COMMON_SETTINGS = { 'min-replicas-to-write': 0, 'repl-diskless-sync': 'yes', appendonly: 'no', save: '""', WAIT: 'not used' };

export async function startTopology(kind: TopologyKind, opts: TopologyOptions = {}): Promise<TestTopology> {
  const dir = await mkdtemp(join(tmpdir(), `consent-redis-${kind}-`));
  const processes: RedisProcess[] = [];
  try {
    const tls = opts.tls ? await makeCertificates(dir) : undefined;
    // The BFF's user may do everything; nobody else may log in.
    if (opts.acl) {
      await writeFile(join(dir, 'users.acl'), [
        `user ${BFF_USER} on >${BFF_PASSWORD} ${BFF_RULE}`, `user ${ACL_USER} on >${ACL_PASSWORD} ~* &* +@all`, 'user default off', '',
      ].join('\n'));
    }
    const base: NodeBase = { dir, tls, acl: opts.acl ?? false, processes };
    const scheme = tls ? 'rediss' : 'redis';
    // Tests share a loaded machine: an event loop stalled for half a second must not pass for a slow Redis.
    const env: Record<string, string> = { REDIS_COMMAND_TIMEOUT_MS: '2000' };
    if (opts.acl) Object.assign(env, { REDIS_USERNAME: BFF_USER, REDIS_PASSWORD: BFF_PASSWORD });
    if (tls) env.REDIS_CA_FILE = tls.ca;

    let killPrimary: TestTopology['killPrimary'];
    let moveSlotOf: TestTopology['moveSlotOf'] = () => Promise.reject(new Error('only a cluster has slots'));
    let promote: TestTopology['promote'] = () => Promise.reject(new Error('only sentinels promote'));
    let replication: Record<string, string | number> = {};
    if (kind === 'server') {
      if (!opts.tls && !opts.acl) {
        // The machine's shared Redis: only keys under the test's own prefix are touched.
        env.REDIS_URL = REDIS_URL;
        killPrimary = () => Promise.reject(new Error('the shared Redis is never killed'));
      } else {
        const server = await startNode(base, 'server', []);
        env.REDIS_URL = `${scheme}://127.0.0.1:${server.port}`;
        killPrimary = async () => {
          await server.kill();
          return { address: `127.0.0.1:${server.port}`, promoted: Promise.resolve(NaN) };
        };
      }
    } else if (kind === 'sentinel') {
      const primary = await startNode(base, 'primary', []);
      const replica = await startNode(base, 'replica', ['--replicaof', '127.0.0.1', String(primary.port)]);
      const sentinels = await Promise.all([1, 2, 3].map((n) => startSentinel(base, n, primary.port)));
      await waitForSentinels(base, sentinels);
      await waitForReplicaInSync(base, replica);
      env.REDIS_SENTINELS = sentinels.map((s) => `${scheme}://127.0.0.1:${s.port}`).join(',');
      env.REDIS_SENTINEL_MASTER = MASTER_NAME;
      replication = { ...SENTINEL_SETTINGS, ...COMMON_SETTINGS, replicas: 1, sentinels: 3 };
      promote = async () => {
        const from = await sentinelPrimary(base, sentinels[0]!);
        await sendTo(base, sentinels[0]!.port, ['SENTINEL', 'FAILOVER', MASTER_NAME], false);
        const to = await until('promotion', async () => {
          const now = await sentinelPrimary(base, sentinels[0]!);
          return now !== from ? now : undefined;
        });
        // The sentinels would demote the old primary at their next look (up to 10 s); the test does it at once.
        const demoted = [primary, replica].find((p) => `127.0.0.1:${p.port}` === from)!;
        await sendTo(base, demoted.port, ['REPLICAOF', ...to.split(':')]);
        await waitForReplicaInSync(base, demoted);
        return { from, to };
      };
      killPrimary = async () => {
        const address = await sentinelPrimary(base, sentinels[0]!);
        const victim = [primary, replica].find((p) => `127.0.0.1:${p.port}` === address)!;
        await victim.kill();
        const killedAt = performance.now();
        const promoted = until('promotion', async () => ((await sentinelPrimary(base, sentinels[1]!)) !== address ? performance.now() - killedAt : undefined));
        return { address, promoted };
      };
    } else {
      const ports = new Set<number>();
      while (ports.size < 6) ports.add(await clusterPort());
      const nodes = await Promise.all([...ports].map((port) => startNode(base, 'node', [
        '--cluster-enabled', 'yes', '--cluster-config-file', join(dir, `nodes-${port}.conf`),
        '--cluster-node-timeout', String(CLUSTER_SETTINGS['cluster-node-timeout']),
        '--cluster-require-full-coverage', CLUSTER_SETTINGS['cluster-require-full-coverage'],
        '--cluster-replica-validity-factor', String(CLUSTER_SETTINGS['cluster-replica-validity-factor']),
        ...(tls ? ['--tls-cluster', 'yes'] : []),
      ], port)));
      await run('redis-cli', [...cliAuth(base), '--cluster', 'create', ...nodes.map((n) => `127.0.0.1:${n.port}`), '--cluster-replicas', '1', '--cluster-yes'],
        { env: { ...process.env, ...(base.acl ? { REDISCLI_AUTH: ACL_PASSWORD } : {}) } });
      await waitForCluster(base, nodes);
      env.REDIS_CLUSTER_NODES = nodes.slice(0, 3).map((n) => `${scheme}://127.0.0.1:${n.port}`).join(',');
      replication = { ...CLUSTER_SETTINGS, ...COMMON_SETTINGS, primaries: 3, 'replicas per primary': 1 };
      const primaryOf = async (key: string) => {
        const slot = Number(await admin.send(['CLUSTER', 'KEYSLOT', key]));
        const shards = await admin.send(['CLUSTER', 'SLOTS']) as Array<[number, number, [string, number, ...unknown[]], ...unknown[]]>;
        const shard = shards.find(([from, to]) => slot >= from && slot <= to)!;
        const others = shards.filter((s) => s !== shard).map((s) => nodes.find((n) => n.port === Number(s[2][1]))!);
        return { slot, primary: nodes.find((n) => n.port === Number(shard[2][1]))!, others };
      };
      killPrimary = async (key) => {
        const { slot, primary, others } = await primaryOf(key ?? 'any');
        await primary.kill();
        const killedAt = performance.now();
        const promoted = until('promotion', async () => {
          const shards = await sendTo(base, others[0]!.port, ['CLUSTER', 'SLOTS']) as Array<[number, number, [string, number, ...unknown[]]]>;
          const owner = shards.find(([from, to]) => slot >= from && slot <= to)?.[2][1];
          return owner !== undefined && Number(owner) !== primary.port ? performance.now() - killedAt : undefined;
        }, 45_000);
        return { address: `127.0.0.1:${primary.port}`, promoted };
      };
      moveSlotOf = async (key) => {
        const { slot, primary: from, others } = await primaryOf(key);
        const to = others[0]!;
        const id = async (node: RedisProcess) => String(await sendTo(base, node.port, ['CLUSTER', 'MYID']));
        const [fromId, toId] = [await id(from), await id(to)];
        await sendTo(base, to.port, ['CLUSTER', 'SETSLOT', String(slot), 'IMPORTING', fromId]);
        await sendTo(base, from.port, ['CLUSTER', 'SETSLOT', String(slot), 'MIGRATING', toId]);
        for (;;) {
          const keys = await sendTo(base, from.port, ['CLUSTER', 'GETKEYSINSLOT', String(slot), '100']) as string[];
          if (keys.length === 0) break;
          await sendTo(base, from.port, ['MIGRATE', '127.0.0.1', String(to.port), '', '0', '5000',
            ...(base.acl ? ['AUTH2', ACL_USER, ACL_PASSWORD] : []), 'KEYS', ...keys]);
        }
        for (const node of [to, from, ...others.slice(1)]) await sendTo(base, node.port, ['CLUSTER', 'SETSLOT', String(slot), 'NODE', toId]);
        return { slot, from: `127.0.0.1:${from.port}`, to: `127.0.0.1:${to.port}` };
      };
    }

    const admin = await adminClient(base, env);
    const keysUnder = async (prefix: string) => {
      const keys: string[] = [];
      for await (const batch of admin.scan(`${prefix.replace(/[*?[\]\\]/g, '\\$&')}*`)) keys.push(...batch);
      return keys;
    };
    return {
      kind,
      env,
      replication,
      send: admin.send,
      keysUnder,
      async deleteKeysUnder(prefix) {
        await Promise.all((await keysUnder(prefix)).map((k) => admin.send(['DEL', k]).catch(() => undefined)));
      },
      killPrimary,
      moveSlotOf,
      promote,
      async stop() {
        try {
          await admin.close();
        } finally {
          await stopAll(processes);
          await rm(dir, { recursive: true, force: true });
        }
      },
    };
  } catch (err) {
    await stopAll(processes);
    await rm(dir, { recursive: true, force: true });
    throw err;
  }
}

interface AdminClient {
  send(args: string[], key?: string): Promise<unknown>;
  scan(match: string): AsyncIterable<string[]>;
  close(): Promise<void>;
}

/**
 * The test's own view of the data, with plain node-redis clients as the admin user: one server, the primary the
 * sentinels name at each call, or a cluster client.
 */
async function adminClient(base: NodeBase, env: Record<string, string>): Promise<AdminClient> {
  const tls = base.tls ? { tls: true as const, ca: await readCa(base) } : {};
  const auth = base.acl ? { username: ACL_USER, password: ACL_PASSWORD } : {};
  const single = async (options: Parameters<typeof createClient>[0]) => {
    const client = createClient(options);
    client.on('error', () => undefined);
    await client.connect();
    return client;
  };
  const scanOf = (client: Awaited<ReturnType<typeof single>>, match: string) => client.scanIterator({ MATCH: match, COUNT: 500 });
  if (env.REDIS_URL) {
    const client = await single({ url: env.REDIS_URL, ...auth, socket: { ...tls } });
    return {
      send: (args) => client.sendCommand(args),
      scan: (match) => scanOf(client, match),
      close: async () => client.destroy(),
    };
  }
  if (env.REDIS_SENTINELS) {
    const sentinel = Number(new URL(env.REDIS_SENTINELS.split(',')[0]!).port);
    const primary = async () => {
      const [host, port] = await sendTo(base, sentinel, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME], false) as [string, string];
      return single({ ...auth, socket: { host, port: Number(port), ...tls } });
    };
    const once = async <T>(work: (client: Awaited<ReturnType<typeof single>>) => Promise<T>) => {
      const client = await primary();
      try {
        return await work(client);
      } finally {
        client.destroy();
      }
    };
    return {
      send: (args) => once((client) => client.sendCommand(args)),
      async *scan(match) {
        const client = await primary();
        try {
          yield* scanOf(client, match);
        } finally {
          client.destroy();
        }
      },
      close: async () => undefined,
    };
  }
  const cluster = createCluster({
    rootNodes: env.REDIS_CLUSTER_NODES!.split(',').map((u) => ({ socket: { host: '127.0.0.1', port: Number(new URL(u).port) } })),
    defaults: { ...auth, socket: { ...tls, connectTimeout: 1_000, reconnectStrategy: false as const } },
  });
  cluster.on('error', () => undefined);
  await cluster.connect();
  return {
    send: (args, key) => cluster.sendCommand(key ?? (args[0] === 'CLUSTER' ? undefined : args[1]), false, args),
    async *scan(match) {
      for (const master of cluster.masters) yield* scanOf(await cluster.nodeClient(master), match);
    },
    close: async () => {
      // A node the test killed has a closed client, which makes destroy() throw after closing the others.
      try {
        cluster.destroy();
      } catch {
        // already closed
      }
    },
  };
}

interface Certificates { ca: string; cert: string; key: string }

interface NodeBase {
  dir: string;
  tls?: Certificates;
  acl: boolean;
  processes: RedisProcess[];
}

/** A CA and a certificate for 127.0.0.1 signed by it, made with the openssl CLI. */
async function makeCertificates(dir: string): Promise<Certificates> {
  const file = (name: string) => join(dir, name);
  await run('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-days', '1', '-subj', '/CN=consent-test-ca',
    '-keyout', file('ca.key'), '-out', file('ca.crt')]);
  await run('openssl', ['req', '-newkey', 'rsa:2048', '-nodes', '-subj', '/CN=127.0.0.1', '-keyout', file('redis.key'), '-out', file('redis.csr')]);
  await writeFile(file('san.ext'), 'subjectAltName=IP:127.0.0.1,DNS:localhost\n');
  await run('openssl', ['x509', '-req', '-in', file('redis.csr'), '-CA', file('ca.crt'), '-CAkey', file('ca.key'), '-CAcreateserial',
    '-days', '1', '-extfile', file('san.ext'), '-out', file('redis.crt')]);
  return { ca: file('ca.crt'), cert: file('redis.crt'), key: file('redis.key') };
}

/** The arguments every node shares: loopback, no persistence, the port (TLS or not), the ACL user. */
function nodeArgs(base: NodeBase, port: number): string[] {
  const args = ['--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--repl-diskless-sync', 'yes', '--repl-diskless-sync-delay', '0',
    '--dir', base.dir, '--daemonize', 'no', '--logfile', ''];
  args.push(...(base.tls
    ? ['--port', '0', '--tls-port', String(port), '--tls-cert-file', base.tls.cert, '--tls-key-file', base.tls.key,
      '--tls-ca-cert-file', base.tls.ca, '--tls-auth-clients', 'no', '--tls-replication', 'yes']
    : ['--port', String(port)]));
  if (base.acl) {
    args.push('--aclfile', join(base.dir, 'users.acl'), '--masteruser', ACL_USER, '--masterauth', ACL_PASSWORD);
  }
  return args;
}

async function startNode(base: NodeBase, role: string, extra: string[], port?: number): Promise<RedisProcess> {
  const p = port ?? await freePort();
  return RedisProcess.start(base, role, ['redis-server', ...nodeArgs(base, p), ...extra], p);
}

async function startSentinel(base: NodeBase, n: number, primaryPort: number): Promise<RedisProcess> {
  const port = await freePort();
  const file = join(base.dir, `sentinel-${n}.conf`);
  const lines = [
    base.tls ? `port 0\ntls-port ${port}\ntls-cert-file ${base.tls.cert}\ntls-key-file ${base.tls.key}\ntls-ca-cert-file ${base.tls.ca}\ntls-auth-clients no\ntls-replication yes`
      : `port ${port}`,
    'bind 127.0.0.1',
    `dir ${base.dir}`,
    `sentinel monitor ${MASTER_NAME} 127.0.0.1 ${primaryPort} ${SENTINEL_SETTINGS.quorum}`,
    `sentinel down-after-milliseconds ${MASTER_NAME} ${SENTINEL_SETTINGS['down-after-milliseconds']}`,
    `sentinel failover-timeout ${MASTER_NAME} ${SENTINEL_SETTINGS['failover-timeout']}`,
    `sentinel parallel-syncs ${MASTER_NAME} ${SENTINEL_SETTINGS['parallel-syncs']}`,
    ...(base.acl ? [`sentinel auth-user ${MASTER_NAME} ${ACL_USER}`, `sentinel auth-pass ${MASTER_NAME} ${ACL_PASSWORD}`] : []),
  ];
  await writeFile(file, `${lines.join('\n')}\n`);
  // Sentinels themselves have no ACL user here: REDIS_SENTINEL_USERNAME/PASSWORD exist for those that do.
  return RedisProcess.start({ ...base, acl: false }, `sentinel-${n}`, ['redis-server', file, '--sentinel'], port);
}

/** A client of the test's own to one node, for setup checks. */
async function nodeClient(base: NodeBase, port: number, acl = base.acl) {
  const client = createClient({
    ...(acl ? { username: ACL_USER, password: ACL_PASSWORD } : {}),
    socket: { host: '127.0.0.1', port, connectTimeout: 1_000, reconnectStrategy: false, ...(base.tls ? { tls: true as const, ca: await readCa(base) } : {}) },
  });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

const caCache = new Map<string, string>();
async function readCa(base: NodeBase): Promise<string> {
  const { readFile } = await import('node:fs/promises');
  const path = base.tls!.ca;
  if (!caCache.has(path)) caCache.set(path, await readFile(path, 'utf8'));
  return caCache.get(path)!;
}

async function until<T>(what: string, check: () => Promise<T | undefined>, limitMs = 20_000): Promise<T> {
  const started = Date.now();
  for (;;) {
    const value = await check().catch(() => undefined);
    if (value !== undefined) return value;
    if (Date.now() - started > limitMs) throw new Error(`${what}: not within ${limitMs} ms`);
    await sleep(50);
  }
}

async function sendTo(base: NodeBase, port: number, args: string[], acl = base.acl): Promise<unknown> {
  const client = await nodeClient(base, port, acl);
  try {
    return await client.sendCommand(args);
  } finally {
    client.destroy();
  }
}

/** Each sentinel sees the replica and the two other sentinels, so a failover can be agreed and carried out. */
async function waitForSentinels(base: NodeBase, sentinels: RedisProcess[]): Promise<void> {
  await Promise.all(sentinels.map((s) => until(`sentinel ${s.port} ready`, async () => {
    const reply = await sendTo(base, s.port, ['SENTINEL', 'MASTER', MASTER_NAME], false) as string[];
    const info = Object.fromEntries(reply.flatMap((v, i) => (i % 2 === 0 ? [[v, reply[i + 1]]] : [])));
    return Number(info['num-slaves']) >= 1 && Number(info['num-other-sentinels']) >= 2 ? true : undefined;
  })));
}

async function waitForReplicaInSync(base: NodeBase, replica: RedisProcess): Promise<void> {
  await until('replica in sync', async () => {
    const info = String(await sendTo(base, replica.port, ['INFO', 'replication']));
    return /master_link_status:up/.test(info) ? true : undefined;
  });
}

async function sentinelPrimary(base: NodeBase, sentinel: RedisProcess): Promise<string> {
  const [host, port] = await sendTo(base, sentinel.port, ['SENTINEL', 'GET-MASTER-ADDR-BY-NAME', MASTER_NAME], false) as [string, string];
  return `${host}:${port}`;
}

/** Every node reports the cluster ok, all slots served, and each replica is linked to its primary. */
async function waitForCluster(base: NodeBase, nodes: RedisProcess[]): Promise<void> {
  await Promise.all(nodes.map((n) => until(`cluster node ${n.port} ok`, async () => {
    const info = String(await sendTo(base, n.port, ['CLUSTER', 'INFO']));
    const replication = String(await sendTo(base, n.port, ['INFO', 'replication']));
    const linked = /role:master/.test(replication) ? /connected_slaves:1/.test(replication) : /master_link_status:up/.test(replication);
    return /cluster_state:ok/.test(info) && /cluster_slots_ok:16384/.test(info) && /cluster_known_nodes:6/.test(info) && linked ? true : undefined;
  })));
}

function cliAuth(base: NodeBase): string[] {
  return [
    ...(base.acl ? ['--user', ACL_USER] : []),
    ...(base.tls ? ['--tls', '--cacert', base.tls.ca] : []),
  ];
}

/** One redis-server process of the test's own, stopped (or killed, as a crash) by its PID. */
class RedisProcess {
  private constructor(readonly role: string, readonly port: number, private readonly child: ChildProcess) {}

  static async start(base: NodeBase, role: string, [command, ...args]: string[], port: number): Promise<RedisProcess> {
    const child = spawn(command!, args, { stdio: ['ignore', 'pipe', 'pipe'] });
    const node = new RedisProcess(role, port, child);
    base.processes.push(node);
    // Its log, kept short, explains a failed start.
    let log = '';
    const keep = (chunk: Buffer) => { log = (log + chunk.toString('utf8')).slice(-2_000); };
    child.stdout!.on('data', keep);
    child.stderr!.on('data', keep);
    const exited = once(child, 'exit').then(([code]) => { throw new Error(`${role} exited with ${String(code)}: ${log}`); });
    exited.catch(() => undefined);
    await Promise.race([exited, until(`${role} on ${port} answering`, async () => (await sendTo(base, port, ['PING']), true), 60_000)]);
    return node;
  }

  get alive(): boolean {
    return this.child.exitCode === null && this.child.signalCode === null;
  }

  /** SIGKILL: nothing is saved or handed over, as when the machine dies. */
  async kill(): Promise<void> {
    if (!this.alive) return;
    const exited = once(this.child, 'exit');
    process.kill(this.child.pid!, 'SIGKILL');
    await exited;
  }
}

async function stopAll(processes: RedisProcess[]): Promise<void> {
  await Promise.all(processes.map((p) => p.kill()));
}

async function canBind(port: number): Promise<boolean> {
  const server = createServer();
  server.listen(port, '127.0.0.1');
  const ok = await Promise.race([once(server, 'listening').then(() => true), once(server, 'error').then(() => false)]);
  if (ok) {
    server.close();
    await once(server, 'close');
  }
  return ok;
}

/** A free port whose cluster bus port (port + 10000) is free too. */
async function clusterPort(): Promise<number> {
  for (;;) {
    const port = await freePort();
    if (port + 10_000 <= 65_535 && await canBind(port + 10_000)) return port;
  }
}
