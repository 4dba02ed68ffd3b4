// Custom Elements Manifest analyzer (`--litelement`) config. `npm run docs` writes widget/custom-elements.json from the
// JSDoc of widget/consent-manager.ts; `npm run check:docs` regenerates it in memory and fails on drift.
import { readFileSync } from 'node:fs';
import { posix } from 'node:path';

const PUBLIC_MODULES = ['widget/consent-manager.ts', 'widget/define.ts', 'widget/class.ts', 'widget/index.ts'];
/** `<consent-manager>`'s parts, elements of their own that it defines when first needed: documented, not exported. */
const PARTS = ['widget/stop-dialog/stop-dialog.ts', 'widget/stop-status/stop-status.ts', 'widget/review/review.ts', 'widget/record/record.ts'];
/** Lit's own statics, inherited by every element: not part of this element's API. */
const LIT_STATICS = new Set(['styles', 'shadowRootOptions', 'properties']);

/**
 * Source path (or one relative to the module `from`) → the shipped file a tool imports, relative to the element
 * package (widget/), whose manifest this is: its library build in lib/.
 */
const shipped = (path, from = '') => {
  const source = path.startsWith('.') ? posix.join(posix.dirname(from), path) : path.replace(/^\//, '');
  return source.startsWith('lib/') ? source : `lib/${source.replace(/^widget\//, '').replace(/\.ts$/, '.js')}`;
};

/** `ConsentEventMap` and `ConsentPartEventMap` of widget/events.ts: event name → its type, so the manifest types every event. */
function eventTypes(ts) {
  const file = 'widget/events.ts';
  const source = ts.createSourceFile(file, readFileSync(file, 'utf8'), ts.ScriptTarget.Latest, true);
  const types = new Map();
  source.forEachChild((node) => {
    if (!ts.isInterfaceDeclaration(node) || !['ConsentEventMap', 'ConsentPartEventMap'].includes(node.name.text)) return;
    for (const member of node.members) {
      if (ts.isPropertySignature(member) && member.type) types.set(member.name.text, member.type.getText(source));
    }
  });
  return types;
}

/** Keeps the manifest to the public API, with shipped paths, typed events and a description per property. */
function publicApiOnly() {
  let ts;
  return {
    name: 'consent-manager:public-api',
    initialize(context) {
      ts = context.ts;
    },
    packageLinkPhase({ customElementsManifest: manifest }) {
      const events = eventTypes(ts);
      for (const mod of manifest.modules) {
        const exported = new Set((mod.exports ?? []).map((e) => e.declaration?.name));
        mod.declarations = (mod.declarations ?? []).filter((d) => exported.has(d.name));
        for (const d of mod.declarations) {
          if (!d.customElement) continue;
          // Lit's `static properties` marks the fields it lists public and makes an attribute of each `state`: the
          // TypeScript `private` of the field decides.
          const isPublic = (m) => !m.privacy || m.privacy === 'public';
          const hidden = new Set((d.members ?? []).filter((m) => !isPublic(m)).map((m) => m.name));
          d.attributes = (d.attributes ?? []).filter((a) => !hidden.has(a.fieldName));
          d.members = (d.members ?? []).filter((m) => isPublic(m) && !(m.static && LIT_STATICS.has(m.name)));
          for (const m of d.members) delete m.privacy;
          for (const m of d.members) {
            const attr = d.attributes?.find((a) => a.fieldName === m.name);
            if (!m.description && attr?.description) m.description = attr.description;
          }
          for (const e of d.events ?? []) {
            const type = events.get(e.name);
            if (!type) throw new Error(`@event ${e.name} is not in ConsentEventMap or ConsentPartEventMap (widget/events.ts)`);
            e.type = { text: type };
          }
        }
        for (const e of mod.exports ?? []) {
          if (e.declaration?.module) e.declaration.module = shipped(e.declaration.module, mod.path);
        }
        mod.path = shipped(mod.path);
      }
    },
  };
}

export default {
  globs: [...PUBLIC_MODULES, ...PARTS],
  litelement: true,
  packagejson: false,
  outdir: 'widget',
  plugins: [publicApiOnly()],
};
