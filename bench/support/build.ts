import { execFile } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { repoRoot } from './spawn.js';

export const BUNDLE = join(repoRoot, 'widget/dist/consent-manager.js');

/** The same build as `npm run build`, which the demo serves at /assets. */
export async function buildWidget(): Promise<void> {
  await promisify(execFile)(process.execPath, ['node_modules/vite/bin/vite.js', 'build', '--logLevel', 'warn'], {
    cwd: repoRoot,
    timeout: 120_000,
  });
}
