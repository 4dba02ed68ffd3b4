import { spawn, type ChildProcess } from 'node:child_process';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface Spawned<T> {
  /** What the child printed first: one JSON line, once it listens. */
  info: T;
  pid: number;
  stop(): Promise<void>;
}

export interface SpawnOptions {
  /** Node flags before `--import tsx`, e.g. `--expose-gc`. */
  execArgv?: string[];
  /** Added to this process's environment. */
  env?: Record<string, string>;
  cwd?: string;
  /** How long to wait for the first line (default 60 s: room for a loaded machine). */
  timeoutMs?: number;
}

/**
 * Runs a TypeScript file in a node process of its own, so that a server and what measures it each get their own event
 * loop (the tests' flood and memory figures, the benchmarks' servers). The child prints one JSON line when it listens;
 * `stop()` ends it by its own pid.
 */
export async function spawnNode<T>(script: string, opts: SpawnOptions = {}): Promise<Spawned<T>> {
  const child = spawn(process.execPath, [...(opts.execArgv ?? []), '--import', 'tsx', script], {
    cwd: opts.cwd,
    env: { ...process.env, ...opts.env },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  child.stderr!.on('data', (chunk: Buffer) => {
    stderr = (stderr + chunk.toString('utf8')).slice(-4_000);
  });
  const info = await firstLine<T>(child, opts.timeoutMs ?? 60_000).catch(async (err: Error) => {
    await stopChild(child);
    throw new Error(`${script} did not start: ${err.message}\n${stderr.trim()}`);
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

/** Ends a child by its own pid: SIGTERM, then SIGKILL after 5 s. */
function stopChild(child: ChildProcess): Promise<void> {
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

export interface DemoChild {
  url: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), in bytes. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
}

/** The demo bank in a process of its own (test/support/demo-child.ts), stopped by its own pid. */
export async function startDemoChild(env: Record<string, string> = {}): Promise<DemoChild> {
  const { info, pid, stop } = await spawnNode<{ url: string }>(fileURLToPath(new URL('./demo-child.ts', import.meta.url)), {
    env: { DEMO_ENV: JSON.stringify(env) },
  });
  return {
    url: info.url,
    pid,
    async peakRss() {
      const status = await readFile(`/proc/${pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    stop,
  };
}
