// The publishable output of each package: `node --import tsx scripts/build-lib.ts [contract|element|bff|mx-sandbox ...]`
// (all four without arguments; each package's `npm run build` names itself). tsc emits ES modules + .d.ts that Node
// and bundlers use without tsx. The contract goes first: the others resolve it as the installed package, through
// its `exports`, exactly as a bank's install will. `--noCheck` halves the time: `npm run typecheck` checks the
// same files. The element's hand-written JSX augmentations (widget/*.d.ts) are copied, since tsc emits none.
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { minifyHTMLLiterals } from '@literals/html-css-minifier';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const PACKAGES: Record<string, { dir: string; out: string }> = {
  contract: { dir: 'contract', out: 'dist' },
  element: { dir: 'widget', out: 'lib' },
  bff: { dir: 'server', out: 'dist' },
  'mx-sandbox': { dir: 'demo/sandbox', out: 'dist' },
};

const asked = process.argv.slice(2);
const unknown = asked.filter((name) => !(name in PACKAGES));
if (unknown.length) throw new Error(`build-lib: unknown package ${unknown.join(', ')} (one of ${Object.keys(PACKAGES).join(', ')})`);
const names = asked.length ? asked : Object.keys(PACKAGES);
for (const name of new Set(['contract', ...names])) {
  const { dir, out } = PACKAGES[name]!;
  rmSync(`${root}${dir}/${out}`, { recursive: true, force: true });
  execFileSync(process.execPath, [tsc, '-p', `${dir}/tsconfig.build.json`, '--noCheck'], { cwd: root, stdio: 'inherit' });
  if (name === 'element') {
    for (const file of readdirSync(`${root}widget`).filter((f) => f.endsWith('.d.ts'))) copyFileSync(`${root}widget/${file}`, `${root}widget/lib/${file}`);
    await minifyTemplates(`${root}widget/lib`);
  }
}

/**
 * Lit's `html` and `css` templates in the element's library build, minified as in the drop-in build (vite.config.ts):
 * a bundler minifies the code around them but not the markup and CSS inside.
 */
async function minifyTemplates(dir: string) {
  for (const entry of readdirSync(dir, { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.js'))) {
    const file = `${dir}/${entry}`;
    const minified = await minifyHTMLLiterals(readFileSync(file, 'utf8'), { fileName: file });
    if (minified) writeFileSync(file, minified.code);
  }
}
