import { readdir } from 'node:fs/promises';
import { join, relative } from 'node:path';
import { fileURLToPath } from 'node:url';

const DIST = fileURLToPath(new URL('../../dist/', import.meta.url));

/**
 * Every file under dist/ that can reach a browser: the drop-in files and their chunks, their source maps, the library
 * build of the element. Left out is the Node code of the library build, which must name the credentials it handles:
 * dist/lib/server/ (the BFF) and dist/lib/demo/ (the MX sandbox, which checks them). Paths relative to dist/.
 */
export async function browserFacingDistFiles(): Promise<{ name: string; path: string }[]> {
  const entries = await readdir(DIST, { recursive: true, withFileTypes: true });
  return entries
    .filter((e) => e.isFile())
    .map((e) => ({ path: join(e.parentPath, e.name), name: relative(DIST, join(e.parentPath, e.name)).split('\\').join('/') }))
    .filter((f) => !/^lib\/(server|demo)\//.test(f.name));
}

/** What `npm run build` must have written for a scan of dist/ to mean anything. */
export function assertBuilt(names: string[]): void {
  const missing = ['consent-manager.js', 'consent-manager.all.js'].filter((f) => !names.includes(f));
  if (missing.length || !names.some((n) => /^consent-manager-.+\.js$/.test(n))) {
    throw new Error(`dist/ lacks ${missing.join(', ') || 'the chunks'}: run npm run build first (npm test does)`);
  }
}
