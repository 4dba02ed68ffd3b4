// React 19 JSX typings for <consent-manager>: `import type {} from '@consent-manager/element/react'` once, anywhere
// in the app (or list it under compilerOptions.types). Attributes, the `strings` property and
// `onconsent-change`-style event props are then type-checked. React 19 sets properties and attaches
// listeners on custom elements itself; React 18 does neither (use a ref there).
import type { DetailedHTMLProps, HTMLAttributes } from 'react';
import type { ConsentManager } from './consent-manager.js';
import type { ConsentManagerJsxProps } from './jsx.js';

declare module 'react' {
  namespace JSX {
    interface IntrinsicElements {
      'consent-manager': DetailedHTMLProps<HTMLAttributes<ConsentManager>, ConsentManager> & ConsentManagerJsxProps;
    }
  }
}
