/** The package's main entry: registers `<consent-manager>` and exports its class, its types and `loadStrings`. */
import './define.js';
import type { Strings } from './strings.js';

export { ConsentManager } from './consent-manager.js';
export { ApiError, createApiClient, type ApiClient, type ApiClientOptions } from './api-client.js';
export type { AppInfo, Directory, Policy } from './app-card.js';
export type { ConsentReceipt, VisitChange } from './receipt.js';
export type * from './events.js';
export type { Strings };
export type { Consent, ConsentAccount, ConsentMode } from '@consent-manager/contract';

/**
 * A shipped language in full (`en`, `es`), for a page that builds its own `strings` from it. Loaded on first call,
 * so that a bundle which imports this entry carries no language the page does not ask for.
 */
export const loadStrings = (lang: 'en' | 'es'): Promise<Strings> => import('./languages.js').then((m) => m[lang]);
