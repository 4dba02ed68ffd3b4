// ESLint rule `consent-manager/package-boundaries`: a relative import may not leave the package folder it is
// written in. The packages' folders are the root package.json's workspaces (the deepest match owns a file, so
// demo/sandbox/ is not demo/); everything else (test/, scripts/, configs) belongs to the private root, whose
// white-box tests may import any package's modules. Another package is reached by its name, through `exports`.
import { readFileSync } from 'node:fs';
import { dirname, relative, resolve, sep } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = dirname(dirname(fileURLToPath(import.meta.url)));
const WORKSPACES = JSON.parse(readFileSync(resolve(ROOT, 'package.json'), 'utf8')).workspaces
  .sort((a, b) => b.length - a.length);

/** The workspace folder holding `file` (repository-relative, `/`-separated), or '' for the root package. */
export function packageOf(file) {
  const path = relative(ROOT, file).split(sep).join('/');
  return WORKSPACES.find((ws) => path === ws || path.startsWith(`${ws}/`)) ?? '';
}

/** @type {import('eslint').Rule.RuleModule} */
export const packageBoundaries = {
  meta: {
    type: 'problem',
    docs: { description: 'Relative imports stay inside their package folder; other packages are imported by name.' },
    schema: [],
    messages: { crossing: '{{source}} reaches from {{from}} into {{to}}: import the package by its name.' },
  },
  create(context) {
    const from = packageOf(context.filename);
    // The root's own tests and tools may look inside the packages they test; packages may not look inside each other.
    if (from === '') return {};
    const check = (node) => {
      const source = node.source?.value;
      if (typeof source !== 'string' || !source.startsWith('.')) return;
      const to = packageOf(resolve(dirname(context.filename), source));
      if (to !== from) context.report({ node: node.source, messageId: 'crossing', data: { source, from: from || 'the root', to: to || 'the root' } });
    };
    return { ImportDeclaration: check, ExportNamedDeclaration: check, ExportAllDeclaration: check, ImportExpression: check };
  },
};
