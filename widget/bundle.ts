/**
 * The drop-in entry (`dist/consent-manager.js`): registers `<consent-manager>`, Lit included. The shipped languages
 * are not exported here, since the element loads each only when a page asks for it (the package entry's
 * `loadStrings` hands a page one in full).
 */
import './define.js';

export { ConsentManager } from './consent-manager.js';
export { ApiError, createApiClient, type ApiClient, type ApiClientOptions } from './api-client.js';
export type { AppInfo, Directory, Policy } from './app-card.js';
export type { ConsentReceipt, VisitChange } from './receipt.js';
export type * from './events.js';
export type { Strings } from './strings.js';
export type { Consent, ConsentAccount, ConsentMode } from '@consent-manager/contract';
