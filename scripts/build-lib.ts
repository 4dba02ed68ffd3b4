// `npm run build:lib`: the library build in dist/lib/ (ES modules + .d.ts) that `npm pack` ships beside the
// drop-in bundle: widget/ for bundler users (Lit left as an import), server/, contract/ and the MX sandbox for
// plain Node. The hand-written JSX augmentations (widget/*.d.ts) are copied, since tsc emits no .d.ts inputs.
// `--noCheck` halves the time: `npm run typecheck` checks the same files (and `prepack` runs it first).
import { execFileSync } from 'node:child_process';
import { copyFileSync, readdirSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

const root = fileURLToPath(new URL('..', import.meta.url));
const tsc = fileURLToPath(new URL('../node_modules/typescript/bin/tsc', import.meta.url));
const out = `${root}dist/lib`;

rmSync(out, { recursive: true, force: true });
for (const project of ['tsconfig.build.widget.json', 'tsconfig.build.server.json']) {
  execFileSync(process.execPath, [tsc, '-p', project, '--noCheck'], { cwd: root, stdio: 'inherit' });
}
for (const file of readdirSync(`${root}widget`).filter((f) => f.endsWith('.d.ts'))) {
  copyFileSync(`${root}widget/${file}`, `${out}/widget/${file}`);
}
