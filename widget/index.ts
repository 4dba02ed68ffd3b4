/** The package's main entry (`consent-manager`): registers `<consent-manager>` and exports its class, types and languages. */
import './define.js';

export { ConsentManager } from './consent-manager.js';
export { ApiError, createApiClient, type ApiClient, type ApiClientOptions } from './api-client.js';
export type { AppInfo, Directory, Policy } from './app-card.js';
export type { ConsentReceipt, VisitChange } from './receipt.js';
export type * from './events.js';
export { en, es } from './languages.js';
export type { Strings } from './strings.js';
export type { Consent, ConsentAccount, ConsentMode } from '@consent-manager/contract';
