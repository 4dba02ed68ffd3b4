import { execFile } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));
/** What the browser can load: the element's drop-in build and library build, and the contract they import. */
const BROWSER_FACING = ['widget/dist', 'widget/lib', 'contract/dist'];

/**
 * Runs `npm run build` (what a release and `npm test` run) with made-up secrets in its environment, under the
 * names a careless config would leak (the BFF's own variables, and Vite's `VITE_*`, which it hands to
 * `import.meta.env`), and returns them: a scan of the build for them afterwards can fail. The output is the same
 * files a plain build writes (if it is not, that difference is the leak), so the build is redone in place.
 */
export async function buildWithCanaries(): Promise<string[]> {
  const names = ['MX_CLIENT_SECRET', 'SESSION_SECRET', 'VITE_MX_CLIENT_SECRET', 'VITE_SESSION_SECRET', 'CLIENT_SECRET'];
  const canaries = Object.fromEntries(names.map((n) => [n, `canary-${n.toLowerCase()}-${randomUUID()}`]));
  await promisify(execFile)('npm', ['run', 'build'], { cwd: ROOT, env: { ...process.env, ...canaries }, maxBuffer: 16 << 20 });
  return Object.values(canaries);
}

/**
 * Every built file that can reach a browser: the drop-in files and their chunks, their source maps, the library
 * build of the element and of the contract. Left out is the Node code (server/dist, demo/sandbox/dist), which must
 * name the credentials it handles. Paths relative to the repository root.
 */
export async function browserFacingDistFiles(): Promise<{ name: string; path: string }[]> {
  const files: { name: string; path: string }[] = [];
  for (const dir of BROWSER_FACING.filter((d) => existsSync(join(ROOT, d)))) {
    const entries = await readdir(join(ROOT, dir), { recursive: true, withFileTypes: true });
    for (const e of entries.filter((x) => x.isFile())) {
      const path = join(e.parentPath, e.name);
      files.push({ path, name: relative(ROOT, path).split('\\').join('/') });
    }
  }
  return files;
}

/** What `npm run build` must have written for a scan of widget/dist/ to mean anything. */
export function assertBuilt(names: string[]): void {
  const missing = ['widget/dist/consent-manager.js', 'widget/dist/consent-manager.all.js'].filter((f) => !names.includes(f));
  if (missing.length || !names.some((n) => /^widget\/dist\/consent-manager-.+\.js$/.test(n))) {
    throw new Error(`widget/dist/ lacks ${missing.join(', ') || 'the chunks'}: run npm run build first (npm test does)`);
  }
}
