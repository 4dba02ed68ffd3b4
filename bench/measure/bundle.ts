import { readFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser } from 'playwright-core';
import { FIRST_LIST_PROBE } from '@consent-manager/test-support/first-list';
import { bundlerBuild, DIST, distFiles, distSizes, gzipSize } from '@consent-manager/test-support/first-screen';
import type { Measurement } from '../measurement.js';
import { evaluateWithin, loadList, loggedInContext } from '../support/browser.js';
import { buildWidget } from '../support/build.js';
import { withDemoInBrowser } from '../support/demo-in-browser.js';

/** The demo bank's page as `alex` in `lang`: what it loads before the first list, gzip -9 each. */
async function firstScreen(browser: Browser, url: string, lang: 'en' | 'es') {
  const context = await loggedInContext(browser, url, 'alex', 1);
  // The widget's bundle test weighs its first screen with the same probe.
  await context.addInitScript({ content: FIRST_LIST_PROBE });
  try {
    const load = await loadList(context, `/?mode=proxy&lang=${lang}`);
    try {
      const files = (await evaluateWithin(load.page, 'window.firstListFiles()', 5000)) as string[];
      const sizes = await distSizes(files);
      return { total: Object.values(sizes).reduce((a, b) => a + b, 0), sizes };
    } finally {
      await load.page.close();
    }
  } finally {
    await context.close();
  }
}

/**
 * Builds exactly what `npm run build` ships, then weighs what product.md bars at 16 KB gzipped (gzip -9, as a CDN
 * serves it): what a real page loads before its first list is on screen, English and Spanish (the demo bank's page
 * in Chromium: the drop-in file and every chunk requested by the frame in which the first app card was on screen), and what a
 * bundler user's app loads at start when it imports the element's package entry (a fresh Vite app). The drop-in file
 * alone, its chunks and the single-file build are reported beside them.
 */
export const bundle: Measurement = {
  name: 'bundle',
  keys: ['first_screen_en_gzip_bytes', 'first_screen_es_gzip_bytes', 'bundler_first_screen_gzip_bytes', 'bundle_gzip_bytes', 'bundle_raw_bytes'],
  async run() {
    await buildWidget();
    const raw = await readFile(join(DIST, 'consent-manager.js'));
    const chunks = await distSizes((await distFiles()).filter((f) => /^consent-manager-/.test(f)));
    const allInOne = await readFile(join(DIST, 'consent-manager.all.js'));
    const pages = await withDemoInBrowser(async (url, browser) => ({
      en: await firstScreen(browser, url, 'en'),
      es: await firstScreen(browser, url, 'es'),
    }));
    const bundler = await bundlerBuild();
    return {
      figures: {
        first_screen_en_gzip_bytes: pages.en.total,
        first_screen_es_gzip_bytes: pages.es.total,
        bundler_first_screen_gzip_bytes: bundler.firstScreen,
        bundle_gzip_bytes: gzipSize(raw),
        bundle_raw_bytes: raw.length,
      },
      extra: {
        first_screen_en_files: pages.en.sizes,
        first_screen_es_files: pages.es.sizes,
        bundler_files_gzip_bytes: bundler.files,
        bundler_first_screen_files: bundler.loaded,
        bundle_chunks_gzip_bytes: chunks,
        bundle_all_in_one_gzip_bytes: gzipSize(allInOne),
        bundle_all_in_one_raw_bytes: allInOne.length,
      },
      notes: {
        first_screen_en_gzip_bytes:
          'the demo bank page as alex (8 apps), lang=en, in Chromium: every drop-in file whose request started by the frame ' +
          'callback in which the first app card was on screen (test/support/first-list.ts, shared with the bundle test), each gzip -9 (zlib level 9), summed. Files requested after (the record below the list, the ' +
          "parts' words) are not counted",
        first_screen_es_gzip_bytes: 'the same page with lang=es: the drop-in file and the Spanish of the first screen',
        bundler_first_screen_gzip_bytes:
          'a fresh Vite app whose only code imports @consent-manager/element (its library build, resolved as an installed ' +
          'package, Lit from node_modules), `vite build` defaults but the modulepreload polyfill (the app\'s, not the ' +
          'element\'s): the entry chunk and its static imports, gzip -9. Languages and parts are lazy chunks ' +
          '(extra.bundler_files_gzip_bytes)',
        bundle_gzip_bytes: 'dist/consent-manager.js alone, Lit included, zlib level 9',
      },
    };
  },
};
