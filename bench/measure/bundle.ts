import { readdir, readFile } from 'node:fs/promises';
import { dirname, join } from 'node:path';
import { gzipSync } from 'node:zlib';
import type { Measurement } from '../measurement.js';
import { BUNDLE, buildWidget } from '../support/build.js';

const gzip = (raw: Buffer) => gzipSync(raw, { level: 9 }).length;

/**
 * Builds exactly what `npm run build` ships, then weighs it as a CDN would serve it (gzip -9). The barred figure is
 * the file a page's `<script type="module">` loads first; the chunks it loads later (on first use, or a language the
 * page asks for) and the single-file build are reported beside it.
 */
export const bundle: Measurement = {
  name: 'bundle',
  keys: ['bundle_gzip_bytes', 'bundle_raw_bytes'],
  async run() {
    await buildWidget();
    const raw = await readFile(BUNDLE);
    const dist = dirname(BUNDLE);
    const chunks: Record<string, number> = {};
    for (const file of (await readdir(dist)).filter((f) => /^consent-manager-.+\.js$/.test(f)).sort()) {
      chunks[file] = gzip(await readFile(join(dist, file)));
    }
    const allInOne = await readFile(join(dist, 'consent-manager.all.js'));
    return {
      figures: { bundle_gzip_bytes: gzip(raw), bundle_raw_bytes: raw.length },
      extra: { bundle_chunks_gzip_bytes: chunks, bundle_all_in_one_gzip_bytes: gzip(allInOne), bundle_all_in_one_raw_bytes: allInOne.length },
      notes: {
        bundle_gzip_bytes:
          'widget/dist/consent-manager.js from `vite build`, Lit included, zlib level 9: what the script tag loads before the first list. ' +
          'Its chunks (extra.bundle_chunks_gzip_bytes) load beside it from the same folder: the on-demand views once a list is ' +
          'on screen, a language when the page asks for it; consent-manager.all.js is everything in one file',
      },
    };
  },
};
