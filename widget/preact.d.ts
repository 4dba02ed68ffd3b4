// Preact JSX typings for <consent-manager>: `import type {} from '@consent-manager/element/preact'` once, anywhere
// in the app (or list it under compilerOptions.types).
import type { ConsentManager } from './consent-manager.js';
import type { ConsentManagerJsxProps } from './jsx.js';

declare module 'preact' {
  namespace JSX {
    interface IntrinsicElements {
      // `JSX` here is Preact's own namespace, which this block merges into.
      'consent-manager': JSX.HTMLAttributes<ConsentManager> & ConsentManagerJsxProps;
    }
  }
}
