import { defineConfig } from 'vite';

// One ES-module drop-in file, Lit included: `<script type="module" src=".../consent-manager.js">`.
export default defineConfig({
  build: {
    lib: { entry: 'widget/index.ts', formats: ['es'], fileName: () => 'consent-manager.js' },
    outDir: 'dist',
    emptyOutDir: true,
    target: 'es2021',
    minify: true,
    sourcemap: true,
    rolldownOptions: {
      // Vite keeps whitespace in `es` library output for downstream bundlers; this file ships as is
      // to browsers, so it gets the full minification (the 15 KB gzip budget depends on it).
      output: { minify: true, comments: { annotation: false, legal: true, jsdoc: false } },
    },
  },
});
