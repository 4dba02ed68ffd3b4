import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { readFile } from 'node:fs/promises';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export interface DemoChild {
  url: string;
  pid: number;
  /** Peak resident memory so far (VmHWM), in bytes. */
  peakRss(): Promise<number>;
  stop(): Promise<void>;
}

/** The demo bank in a process of its own (test/support/demo-child.ts), stopped by its own pid. */
export async function startDemoChild(env: Record<string, string> = {}): Promise<DemoChild> {
  const child = spawn(process.execPath, ['--import', 'tsx', fileURLToPath(new URL('./demo-child.ts', import.meta.url))], {
    env: { ...process.env, DEMO_ENV: JSON.stringify(env) },
    stdio: ['ignore', 'pipe', 'inherit'],
  });
  const lines = createInterface({ input: child.stdout! });
  const [first] = (await Promise.race([
    once(lines, 'line'),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`demo child exited with ${String(code)}`))),
  ])) as [string];
  child.stdout!.resume();
  const { url } = JSON.parse(first) as { url: string };
  return {
    url,
    pid: child.pid!,
    async peakRss() {
      const status = await readFile(`/proc/${child.pid}/status`, 'utf8');
      return Number(/VmHWM:\s+(\d+) kB/.exec(status)![1]) * 1024;
    },
    stop: () => stop(child),
  };
}

function stop(child: ChildProcess): Promise<void> {
  if (child.exitCode !== null || child.signalCode !== null) return Promise.resolve();
  const exited = once(child, 'exit').then(() => undefined);
  const force = setTimeout(() => child.kill('SIGKILL'), 5_000);
  child.kill('SIGTERM');
  return exited.finally(() => clearTimeout(force));
}
