import js from '@eslint/js';
import lit from 'eslint-plugin-lit';
import wc from 'eslint-plugin-wc';
import tseslint from 'typescript-eslint';
import { packageBoundaries } from './scripts/eslint-package-boundaries.js';

export default tseslint.config(
  { ignores: ['**/node_modules/', '**/dist/', 'widget/lib/', 'coverage/', 'test-artifacts/', 'test/**/__snapshots__/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2022, sourceType: 'module' },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-restricted-imports': 'off',
    },
  },
  {
    // chai's property assertions (`expect(x).to.be.true`) are expressions by design.
    files: ['test/widget/**/*.ts'],
    rules: { '@typescript-eslint/no-unused-expressions': 'off' },
  },
  {
    files: ['demo/public/**/*.js'],
    languageOptions: { globals: { document: 'readonly', window: 'readonly' } },
  },
  {
    // Code of a project that installs the packed tarball (test/package), in the browser or in Node.
    files: ['test/package/consumer/**/*.{js,mjs}'],
    languageOptions: { globals: { window: 'readonly', customElements: 'readonly', console: 'readonly', fetch: 'readonly' } },
  },
  {
    files: ['*.config.mjs', '.ci/**'],
    languageOptions: { globals: { process: 'readonly', URL: 'readonly' } },
  },
  // Web-component and Lit template rules (Lit's own recommendation) for the element and its templates.
  { ...wc.configs['flat/recommended'], files: ['widget/**/*.ts'] },
  { ...lit.configs['flat/recommended'], files: ['widget/**/*.ts'] },
  { files: ['widget/**/*.ts'], settings: { wc: { elementBaseClasses: ['LitElement'] } } },
  {
    // The browser package takes nothing from Node.
    files: ['widget/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: ['node:*'] }] },
  },
  {
    // Each package folder is a package: another one is reached by its name and `exports`, never by a relative path.
    files: ['**/*.{ts,tsx,js,mjs}'],
    plugins: { 'consent-manager': { rules: { 'package-boundaries': packageBoundaries } } },
    rules: { 'consent-manager/package-boundaries': 'error' },
  },
);
