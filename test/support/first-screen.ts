// What a page loads before the first list is on screen, weighed as a CDN serves it (gzip -9): shared by the widget's
// bundle test (web-test-runner.config.mjs hands it to the browser as server commands) and bench/measure/bundle.ts.
import { execFile } from 'node:child_process';
import { mkdtemp, readdir, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { basename, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { gzipSync } from 'node:zlib';

const root = fileURLToPath(new URL('../..', import.meta.url));

/** Where `npm run build` writes the drop-in file and its chunks. */
export const DIST = join(root, 'widget/dist');

/** The goal for each first-screen figure (product.md): 16 KB gzipped. */
export const FIRST_SCREEN_BUDGET = 16 * 1024;

export const gzipSize = (bytes: Buffer | string) => gzipSync(bytes, { level: 9 }).length;

/** gzip -9 size of each drop-in file named (as a page requests it: the file name in DIST). */
export async function distSizes(files: string[]): Promise<Record<string, number>> {
  const sizes: Record<string, number> = {};
  for (const file of files) {
    const name = basename(file);
    if (!/^consent-manager[\w.-]*\.js$/.test(name)) throw new Error(`not a drop-in file: ${file}`);
    sizes[name] = gzipSize(await readFile(join(DIST, name)));
  }
  return sizes;
}

export interface BundlerBuild {
  /** gzip -9 of the JS a page loads at start: the app's entry chunk and every chunk it imports statically. */
  firstScreen: number;
  /** Every JS file of the app's build, gzip -9: the on-demand chunks load by `import()` when first used. */
  files: Record<string, number>;
  /** The files counted in `firstScreen`. */
  loaded: string[];
}

/**
 * A bundler user's view: the element package's library build, as `npm run build -w @consent-manager/element` ships it
 * (scripts/build-lib.ts), then a fresh Vite app whose only code imports `@consent-manager/element`, resolved as an
 * installed package (its `exports`, its `sideEffects`, Lit from node_modules); weighs the app's output JS.
 */
export async function bundlerBuild(): Promise<BundlerBuild> {
  await promisify(execFile)(process.execPath, ['--import', 'tsx', 'scripts/build-lib.ts', 'element'], { cwd: root, timeout: 60_000 });
  const app = await mkdtemp(join(tmpdir(), 'consent-manager-app-'));
  try {
    await symlink(join(root, 'node_modules'), join(app, 'node_modules'), 'dir');
    await writeFile(join(app, 'index.html'), '<!doctype html><consent-manager></consent-manager><script type="module" src="./main.js"></script>\n');
    await writeFile(join(app, 'main.js'), "import '@consent-manager/element';\n");
    const { build } = await import('vite');
    const out = await build({
      root: app,
      configFile: false,
      logLevel: 'silent',
      build: { outDir: join(app, 'dist'), modulePreload: false },
    });
    const output = (Array.isArray(out) ? out : [out]).flatMap((o) => ('output' in o ? o.output : []));
    const chunks = new Map(output.flatMap((o) => (o.type == 'chunk' ? [[o.fileName, o] as const] : [])));
    const files = Object.fromEntries([...chunks].map(([name, c]) => [name, gzipSize(c.code)]));
    const loaded = new Set<string>();
    const visit = (name: string) => {
      if (loaded.has(name)) return;
      loaded.add(name);
      chunks.get(name)!.imports.forEach(visit);
    };
    [...chunks.values()].filter((c) => c.isEntry).forEach((c) => visit(c.fileName));
    return { firstScreen: [...loaded].reduce((sum, name) => sum + files[name]!, 0), files, loaded: [...loaded] };
  } finally {
    await rm(app, { recursive: true, force: true });
  }
}

/** The drop-in chunks in DIST, for a report. */
export async function distFiles(): Promise<string[]> {
  return (await readdir(DIST)).filter((f) => /^consent-manager[\w.-]*\.js$/.test(f)).sort();
}
