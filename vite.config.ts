import { fileURLToPath } from 'node:url';
import { build, defineConfig, parseAst, type InlineConfig, type Plugin } from 'vite';

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
    plugins: [minifyTemplates(), ...(allInOne ? [] : [alsoAllInOne()])],
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

/**
 * Shrinks the static text of Lit's `html` and `css` tagged templates in widget/ at build time (about 350 B gzipped).
 * HTML: every run of whitespace becomes one space, or one newline when it held one, which renders the same (no
 * `<pre>` and no `white-space: pre` in our templates) and keeps each line where it was, so source maps stay right.
 * CSS: comments go, and the whitespace that CSS syntax does not need (around `{};,>` and after `:`), which can
 * change no selector: a space before `:` (`a :hover`) is left alone; the zero of `0.5rem`; the quotes of
 * `[role='switch']`. Its newlines go too, so keep a `css` template last in its file (styles.ts, more.ts), or the
 * source map of what follows would be lines off. Template expressions are never touched.
 */
function minifyTemplates(): Plugin {
  const html = (raw: string) => raw.replace(/\s+/g, (ws) => (ws.includes('\n') ? '\n' : ' '));
  const css = (raw: string) =>
    raw
      .replace(/\/\*[\s\S]*?\*\//g, '')
      .replace(/\s+/g, ' ')
      .replace(/\s*([{};,>])\s*/g, '$1')
      .replace(/:\s+/g, ':')
      .replace(/;}/g, '}')
      .replace(/([^\w.])0\.(\d)/g, '$1.$2')
      .replace(/=(['"])([a-z][\w-]*)\1\]/gi, '=$2]');
  return {
    name: 'consent-manager:minify-templates',
    enforce: 'pre',
    transform: {
      filter: { id: /\/widget\/[^/]+\.ts$/ },
      handler(code, id) {
        const edits: { start: number; end: number; text: string }[] = [];
        const visit = (node: unknown): void => {
          if (!node || typeof node != 'object') return;
          if (Array.isArray(node)) return node.forEach(visit);
          const n = node as Record<string, unknown> & { type?: string };
          if (n.type == 'TaggedTemplateExpression') {
            const tag = n.tag as { type: string; name?: string };
            const shrink = tag.type == 'Identifier' ? { html, css }[tag.name as 'html' | 'css'] : undefined;
            const quasis = (n.quasi as { quasis: { start: number; end: number; tail: boolean; value: { raw: string } }[] }).quasis;
            for (const q of shrink ? quasis : []) {
              // oxc's positions include the delimiters: the backtick or `}` before, `${` or the backtick after.
              const start = q.start + 1;
              const end = q.end - (q.tail ? 1 : 2);
              if (code.slice(start, end) != q.value.raw) throw new Error(`${id}: unexpected template positions at ${q.start}`);
              edits.push({ start, end, text: shrink!(q.value.raw) });
            }
          }
          for (const key in n) if (key != 'type') visit(n[key]);
        };
        visit(parseAst(code, { lang: 'ts' }, id));
        if (!edits.length) return;
        let out = code;
        for (const e of edits.sort((a, b) => b.start - a.start)) out = out.slice(0, e.start) + e.text + out.slice(e.end);
        return { code: out, map: null };
      },
    },
  };
}

export default defineConfig(widgetBuild(false));
