/**
 * The element class alone, registering nothing: for a scoped registry, a tag name of the page's own, or a
 * subclass. `consent-manager` (or `consent-manager/define`) registers `<consent-manager>` instead.
 */
export { ConsentManager } from './consent-manager.js';
export type * from './events.js';
export type * from './jsx.js';
export type { Policy } from './app-card.js';
export type { Strings } from './strings.js';
export type { Consent, ConsentAccount, ConsentMode } from '@consent-manager/contract';
