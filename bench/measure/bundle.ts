import { readFile } from 'node:fs/promises';
import { gzipSync } from 'node:zlib';
import type { Measurement } from '../measurement.js';
import { BUNDLE, buildWidget } from '../support/build.js';

/** Builds exactly what `npm run build` ships, then weighs it as a CDN would serve it (gzip -9). */
export const bundle: Measurement = {
  name: 'bundle',
  keys: ['bundle_gzip_bytes', 'bundle_raw_bytes'],
  async run() {
    await buildWidget();
    const raw = await readFile(BUNDLE);
    return {
      figures: { bundle_gzip_bytes: gzipSync(raw, { level: 9 }).length, bundle_raw_bytes: raw.length },
      notes: { bundle_gzip_bytes: 'dist/consent-manager.js from `vite build`, Lit included; zlib level 9' },
    };
  },
};
