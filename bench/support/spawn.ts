import { spawn, type ChildProcess } from 'node:child_process';
import { join } from 'node:path';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface Spawned<T> {
  info: T;
  pid: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Extra node flags, e.g. `--expose-gc`. */
  execArgv?: string[];
  timeoutMs?: number;
}

/**
 * Starts `bench/servers/<name>.ts` in its own node process, so load generator and server each get a core
 * instead of sharing one event loop. The child prints one JSON line when it listens; stop() ends it by pid.
 * With BENCH_CPU_PROF=<dir>, every server writes a V8 CPU profile there when it stops (to find where time goes).
 */
export async function spawnServer<T>(name: string, env: Record<string, string> = {}, opts: SpawnOptions = {}): Promise<Spawned<T>> {
  const timeoutMs = opts.timeoutMs ?? 30_000;
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROF, name)}`] : [];
  const child = spawn(process.execPath, [...profile, ...(opts.execArgv ?? []), '--import', 'tsx', `bench/servers/${name}.ts`], {
    cwd: repoRoot,
    env: { ...process.env, NODE_ENV: 'production', ...env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const info = await firstLine<T>(child, timeoutMs).catch(async (err: Error) => {
    await stopChild(child);
    throw new Error(`${name} server did not start: ${err.message}\n${stderr.trim()}`);
  });
  return { info, pid: child.pid!, stop: () => stopChild(child) };
}

function firstLine<T>(child: ChildProcess, timeoutMs: number): Promise<T> {
  return new Promise((resolve, reject) => {
    const lines = createInterface({ input: child.stdout! });
    const timer = setTimeout(() => reject(new Error(`no answer within ${timeoutMs} ms`)), timeoutMs);
    lines.once('line', (line) => {
      clearTimeout(timer);
      try {
        resolve(JSON.parse(line) as T);
      } catch {
        reject(new Error(`unexpected first line: ${line.slice(0, 200)}`));
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      reject(new Error(`exited with code ${code}`));
    });
    // Anything printed later must still be read, or a full pipe would block the child.
    child.stdout!.resume();
  });
}

/** Ends a server child by its own pid: SIGTERM, then SIGKILL after 5 s. */
export function stopChild(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  return new Promise((resolve) => {
    const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
    child.once('exit', () => {
      clearTimeout(force);
      resolve();
    });
    child.kill('SIGTERM');
  });
}
