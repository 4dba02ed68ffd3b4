import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { createServer } from 'node:net';
import { createClient } from 'redis';

/** The shared Redis the tests use; never flushed, never stopped: tests touch only keys under their own prefix. */
export const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';

/** A prefix of its own per run, so parallel runs and other users of the same Redis never see each other's keys. */
export function testPrefix(name: string): string {
  return `test:${name}:${crypto.randomUUID().slice(0, 8)}:`;
}

export type TestRedisClient = ReturnType<typeof createClient>;

export async function redisClient(url = REDIS_URL): Promise<TestRedisClient> {
  const client = createClient({ url });
  client.on('error', () => undefined);
  await client.connect();
  return client;
}

/** Every key under the prefix (SCAN, not KEYS, so a large shared Redis is not blocked). */
export async function keysUnder(client: TestRedisClient, prefix: string): Promise<string[]> {
  const keys: string[] = [];
  for await (const batch of client.scanIterator({ MATCH: `${globEscape(prefix)}*`, COUNT: 500 })) keys.push(...batch);
  return keys;
}

export async function deleteKeysUnder(client: TestRedisClient, prefix: string): Promise<void> {
  const keys = await keysUnder(client, prefix);
  if (keys.length > 0) await client.del(keys);
}

function globEscape(s: string): string {
  return s.replace(/[*?[\]\\]/g, '\\$&');
}

/**
 * A redis-server of the test's own on a free port, which the test may stop, pause and restart: the shared
 * Redis is never the one taken down.
 */
export class OwnRedis {
  private process: ChildProcess | undefined;

  private constructor(readonly port: number) {}

  static async start(): Promise<OwnRedis> {
    const redis = new OwnRedis(await freePort());
    await redis.restart();
    return redis;
  }

  get running(): boolean {
    return this.process !== undefined;
  }

  get url(): string {
    return `redis://127.0.0.1:${this.port}`;
  }

  /** (Re)starts on the same port with no persistence; resolves when it accepts connections. */
  async restart(): Promise<void> {
    const child = spawn('redis-server', ['--port', String(this.port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--daemonize', 'no'], {
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    this.process = child;
    let output = '';
    await new Promise<void>((resolve, reject) => {
      child.once('exit', (code) => reject(new Error(`redis-server exited with ${code}: ${output}`)));
      child.stdout!.on('data', (chunk: Buffer) => {
        output += chunk.toString('utf8');
        if (output.includes('Ready to accept connections')) resolve();
      });
    });
    child.stdout!.resume();
  }

  /** Kills the server (no shutdown save: nothing it held survives, as after a crash). */
  async stop(): Promise<void> {
    const child = this.process;
    if (!child || child.exitCode !== null || child.signalCode !== null) return;
    this.process = undefined;
    child.removeAllListeners('exit');
    const exited = once(child, 'exit');
    child.kill('SIGKILL');
    await exited;
  }

  /** Freezes the server: connections stay open but nothing is answered, as with a hung or swapped-out host. */
  pause(): void {
    this.process?.kill('SIGSTOP');
  }

  resume(): void {
    this.process?.kill('SIGCONT');
  }
}

/** A port nothing listens on now (another process may take it before the caller binds it). */
export async function freePort(): Promise<number> {
  const server = createServer();
  server.listen(0, '127.0.0.1');
  await once(server, 'listening');
  const { port } = server.address() as { port: number };
  server.close();
  await once(server, 'close');
  return port;
}
