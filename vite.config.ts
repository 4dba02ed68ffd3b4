import { fileURLToPath } from 'node:url';
import { literalsHtmlCssMinifier } from '@literals/rollup-plugin-html-css-minifier';
import { build, defineConfig, type InlineConfig, type Plugin } from 'vite';

// The drop-in build, Lit included, into the element package's widget/dist/. `dist/consent-manager.js` is what `<script type="module" src=".../consent-manager.js">`
// loads first; the parts a customer opens by action (and the Spanish words) sit beside it as
// `consent-manager-<name>-<hash>.js` and load by `import()` from the same directory. `dist/consent-manager.all.js` is
// the same element in exactly one file, for teams who want that (a second build, run when the first one closes).
const ENTRY = 'widget/bundle.ts';

function widgetBuild(allInOne: boolean): InlineConfig {
  return {
    configFile: false,
    // The repository root, whichever directory runs the build (the element package's own `npm run build` too).
    root: fileURLToPath(new URL('.', import.meta.url)),
    // `@consent-manager/contract` and the other package names resolve to their sources (tsconfig.base.json).
    resolve: { tsconfigPaths: true },
    logLevel: allInOne ? 'warn' : undefined,
    plugins: [
      // Lit's `html` and `css` templates, minified at build time by a maintained plugin (html-minifier-next and
      // lightningcss underneath); only files in widget/, the rest is Lit's own and already minified.
      { ...literalsHtmlCssMinifier({ include: ['widget/**/*.ts'], failOnError: true }), enforce: 'pre' },
      ...(allInOne ? [] : [alsoAllInOne()]),
    ],
    build: {
      lib: { entry: ENTRY, formats: ['es'], fileName: () => (allInOne ? 'consent-manager.all.js' : 'consent-manager.js') },
      outDir: 'widget/dist',
      emptyOutDir: !allInOne,
      target: 'es2021',
      minify: true,
      sourcemap: true,
      rolldownOptions: {
        // The entry may export more than widget/bundle.ts does: the bindings its chunks import from it. Else
        // Rolldown moves the code they share (Lit, the card) into a third file that the page must load first.
        preserveEntrySignatures: 'allow-extension',
        // Vite keeps whitespace in `es` library output for downstream bundlers; these files ship as they are
        // to browsers, so they get the full minification (the 15 KB gzip budget depends on it).
        output: {
          minify: true,
          comments: { annotation: false, legal: true, jsdoc: false },
          chunkFileNames: 'consent-manager-[name]-[hash].js',
          codeSplitting: !allInOne,
        },
      },
    },
  };
}

/** Runs the single-file build once the split one is written. */
function alsoAllInOne(): Plugin {
  return {
    name: 'consent-manager:all-in-one',
    apply: 'build',
    async closeBundle(error) {
      if (!error) await build(widgetBuild(true));
    },
  };
}

export default defineConfig(widgetBuild(false));
