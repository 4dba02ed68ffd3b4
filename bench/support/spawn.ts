import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { spawnNode, type Spawned } from '@consent-manager/test-support/child';

export type { Spawned };

export const repoRoot = fileURLToPath(new URL('../../', import.meta.url));

export interface SpawnOptions {
  /** Extra node flags, e.g. `--expose-gc`. */
  execArgv?: string[];
  timeoutMs?: number;
}

/**
 * Starts `bench/servers/<name>.ts` in its own node process, so load generator and server each get a core instead of
 * sharing one event loop, in production mode. With BENCH_CPU_PROF=<dir>, every server writes a V8 CPU profile there
 * when it stops (to find where time goes).
 */
export function spawnServer<T>(name: string, env: Record<string, string> = {}, opts: SpawnOptions = {}): Promise<Spawned<T>> {
  const profile = process.env.BENCH_CPU_PROF ? ['--cpu-prof', `--cpu-prof-dir=${join(process.env.BENCH_CPU_PROF, name)}`] : [];
  return spawnNode<T>(`bench/servers/${name}.ts`, {
    cwd: repoRoot,
    env: { NODE_ENV: 'production', ...env },
    execArgv: [...profile, ...(opts.execArgv ?? [])],
    timeoutMs: opts.timeoutMs ?? 30_000,
  });
}
