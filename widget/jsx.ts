import type { ConsentMode } from '../contract/consent.js';
import type { Policy } from './app-card.js';
import type { ConsentEventMap } from './events.js';
import type { Strings } from './strings.js';

/** `<consent-manager>`'s attributes as HTML spells them. */
export interface ConsentManagerAttributes {
  /** Where the bank mounted the BFF. Default `/consent`. */
  bff?: string;
  /** `proxy` (default) or `direct`. */
  mode?: ConsentMode;
  /** Per-account switches: `editable` (default), `read-only` or `hidden`. */
  'account-policy'?: Policy;
  /** The auto-share switch: `editable` (default), `read-only` or `hidden`. */
  'auto-share-policy'?: Policy;
  /** Forces a color scheme; absent, the OS preference decides. */
  theme?: 'light' | 'dark';
}

/**
 * One handler per event, named `on` + the event's exact name (`onconsent-change`): React 19 and Preact
 * attach such a prop to a custom element as `addEventListener('consent-change', handler)`.
 */
export type ConsentManagerEventHandlers = {
  [K in keyof ConsentEventMap as `on${K}`]?: (event: ConsentEventMap[K]) => void;
};

/** Everything JSX may set on `<consent-manager>`, whatever the framework. */
export interface ConsentManagerJsxProps extends ConsentManagerAttributes, ConsentManagerEventHandlers {
  /** Property, not attribute: overrides for any of the shown words. React 19 and Preact set it as a property. */
  strings?: Partial<Strings>;
}

/**
 * The tag → props map for frameworks not covered by `consent-manager/react` and `consent-manager/preact`:
 * `declare module 'x' { namespace JSX { interface IntrinsicElements extends CustomElements {} } }`.
 */
export interface CustomElements {
  'consent-manager': ConsentManagerJsxProps;
}
