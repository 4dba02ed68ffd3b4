import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { setTimeout as sleep } from 'node:timers/promises';
import { fileURLToPath } from 'node:url';
import type { StartSandboxOptions, StartedSandbox } from '@consent-manager/mx-sandbox';
import { startSandbox } from './mx-contract.js';
import { startTestDemo, type TestDemo } from './demo.js';
import { CLIENT_ID, CLIENT_SECRET } from './stack.js';

export interface Cluster {
  /** The one MX sandbox every instance calls, so its stats count upstream requests across all of them. */
  mx: StartedSandbox;
  instances: TestDemo[];
  /** What every instance is started with: the settings that must match across a fleet. */
  env: Record<string, string>;
  /** Starts one more instance in this process, sharing everything. */
  add(): Promise<TestDemo>;
  close(): Promise<void>;
}

export interface ClusterOptions {
  /** One Redis server; or pass a topology's REDIS_* variables in `env`. */
  redisUrl?: string;
  prefix: string;
  env?: Record<string, string>;
  /** Demo login name → customer id (DEMO_CUSTOMERS by default). */
  users?: Record<string, string>;
  sandbox?: Partial<StartSandboxOptions>;
}

/** N demo BFF instances, as N machines behind a load balancer would run them: one MX, one Redis, one secret. */
export async function startCluster(size: number, opts: ClusterOptions): Promise<Cluster> {
  const mx = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...opts.sandbox });
  const env = {
    MX_BASE_URL: mx.url,
    MX_CLIENT_ID: CLIENT_ID,
    MX_CLIENT_SECRET: CLIENT_SECRET,
    SESSION_SECRET: `ss-${crypto.randomUUID()}-${crypto.randomUUID()}`,
    ...(opts.redisUrl ? { REDIS_URL: opts.redisUrl } : {}),
    REDIS_PREFIX: opts.prefix,
    ...opts.env,
  };
  const started: TestDemo[] = [];
  const add = async () => {
    const instance = await startTestDemo({ env, users: opts.users });
    started.push(instance);
    return instance;
  };
  const instances = await Promise.all(Array.from({ length: size }, add));
  // As a load balancer with health checks would, the tests start once every instance is ready (Redis reached).
  await Promise.all(instances.map((instance) => untilReady(instance.url)));
  return {
    mx,
    instances,
    env,
    add,
    async close() {
      // An instance a test already stopped is closed twice: its server refuses quietly.
      await Promise.all(started.map((i) => i.close().catch(() => undefined)));
      await mx.close();
    },
  };
}

export interface ChildInstance {
  url: string;
  /** SIGKILL: the process ends at once, mid-request, without releasing anything it holds. */
  kill(): Promise<void>;
}

/** One instance in a process of its own, so that it can die the way machines do. */
export async function spawnInstance(env: Record<string, string>): Promise<ChildInstance> {
  const script = fileURLToPath(new URL('./redis-instance.ts', import.meta.url));
  const child: ChildProcess = spawn(process.execPath, ['--import', 'tsx', script, JSON.stringify(env)], {
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  let output = '';
  const url = await new Promise<string>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`instance exited with ${code}: ${output}`)));
    child.stdout!.on('data', (chunk: Buffer) => {
      output += chunk.toString('utf8');
      const line = output.split('\n').find((l) => l.startsWith('{"url"'));
      if (line) resolve((JSON.parse(line) as { url: string }).url);
    });
  });
  child.removeAllListeners('exit');
  return {
    url,
    async kill() {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = once(child, 'exit');
      child.kill('SIGKILL');
      await exited;
    },
  };
}

// A process compiling its TypeScript on a loaded machine can take tens of seconds to listen.
async function untilReady(url: string, limitMs = 60_000): Promise<void> {
  const started = Date.now();
  while ((await fetch(`${url}/readyz`).then((r) => r.status, () => 0)) !== 200) {
    if (Date.now() - started > limitMs) throw new Error(`${url} not ready within ${limitMs} ms`);
    await sleep(50);
  }
}
