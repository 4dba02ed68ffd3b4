/**
 * The shapes that cross a process boundary, shared by widget/, server/ and demo/.
 * This module imports nothing so that any side may import it without pulling the other in.
 */

/** One of the customer's accounts as MX lists it under a consent (upstream-mx-api.md §2). */
export interface ConsentAccount {
  account_id: string;
  nickname: string;
  /** Masked, e.g. `XXXXXXXX1111`. */
  account_number_display: string;
  /** Whether this account is shared with the app. */
  enabled: boolean;
}

/** A consent: one app's access to the customer's accounts, exactly as MX returns it. */
export interface Consent {
  id: string;
  application_name: string;
  application_icon_url: string | null;
  created_at: string;
  last_accessed: string | null;
  accounts: ConsentAccount[];
  auto_enable_future_accounts: boolean;
  consented_on: string;
  /** Null while sharing; set once sharing was stopped. A stopped consent shares nothing. */
  revoked_at: string | null;
}

/** `POST {bff}/token` answer. */
export interface TokenResponse {
  access_token: string;
  /** ISO-8601; when the token stops working. */
  expires_at: string;
  /** `{baseurl}/api/{version}`; consent paths are appended to it. */
  api_base: string;
  /** Present and true when the BFF is configured for single-use MX tokens: use it for one call only. */
  single_use?: boolean;
  /**
   * Opaque; changes whenever the bank session or its customer changes. A widget that sees it change drops what it
   * holds from the earlier session (its list, its tokens) and uses nothing of it again.
   */
  session: string;
}

/** Optional `POST {bff}/token` body: the token MX just refused, so the BFF stops handing it out. */
export interface TokenRequest {
  refused?: string;
}

/** Every BFF error body. `code` is stable; `message` is for people. */
export interface ErrorBody {
  error: { code: string; message: string };
}

/**
 * What a bank lets its customers change, per kind of switch: `editable`, `read-only` (the state in words) or
 * `hidden`. The BFF refuses writes to anything not `editable`; the widget's `account-policy` and
 * `auto-share-policy` attributes take the same words.
 */
export type ConsentPolicy = 'editable' | 'read-only' | 'hidden';

/** The error code of a stop the bank's `beforeStop` hook held for step-up authentication (401). */
export const STEP_UP_REQUIRED = 'step_up_required';

/** How the widget reaches the consent calls. */
export type ConsentMode = 'direct' | 'proxy';

/** Consent paths relative to an API base (the MX `api_base` or the BFF's `{mount}/api`). */
export const consentPaths = {
  list: () => '/consent_management',
  autoShare: (consentId: string) => `/consent_management/${encodeURIComponent(consentId)}/accounts`,
  account: (consentId: string, accountId: string) =>
    `/consent_management/${encodeURIComponent(consentId)}/accounts/${encodeURIComponent(accountId)}`,
  stop: (consentId: string) => `/consent_management/${encodeURIComponent(consentId)}/disable_app_sharing`,
} as const;

/** The header every BFF call must carry (Duende.BFF's anti-forgery rule). */
export const CSRF_HEADER = 'X-CSRF';

/** What a confirmed change asks of MX. */
export type ChangeAction = 'stop' | 'account' | 'auto_share';

/** `pending` (waiting for its due time) → `sent` (being carried out) → `applied` | `failed` | `cancelled`. */
export type ChangeState = 'pending' | 'sent' | 'applied' | 'failed' | 'cancelled';

/** One confirmed change as the BFF's ledger holds it (`GET {bff}/changes`, `POST {bff}/stops`, ...). */
export interface ChangeRecord {
  id: string;
  consent_id: string;
  account_id: string | null;
  /** The app's name when the change was confirmed. */
  application_name: string | null;
  action: ChangeAction;
  /** The value set: the account's `enabled` or auto-share's `automatic_access`; null for a stop. */
  value: boolean | null;
  state: ChangeState;
  /** ISO-8601 times; `due_at` is when a stop held for undo is carried out. */
  confirmed_at: string;
  due_at: string;
  applied_at: string | null;
  /** Why it failed or how it was applied (`already_stopped`), as a stable code. */
  detail: string | null;
  /** Set once the customer has been shown its outcome. */
  seen: boolean;
  batch_id: string | null;
}

/** `GET {bff}/stop-all/:batchId`: how far "stop sharing with every app" has come. */
export interface StopAllProgress {
  batch_id: string;
  total: number;
  /** Counts per state. */
  counts: Record<ChangeState, number>;
  done: boolean;
  /** Every stop of the batch, by app name, with its state and failure. */
  changes: ChangeRecord[];
  /** The server's time (ISO-8601), for countdowns that do not trust the browser's clock. */
  now: string;
}

/** `POST {bff}/stops`, `DELETE {bff}/stops/:id`, `GET {bff}/changes/:id`. */
export interface ChangeAnswer {
  change: ChangeRecord;
  now: string;
}

/** `GET {bff}/changes`: the customer's changes across visits, newest first. */
export interface HistoryAnswer {
  changes: ChangeRecord[];
  now: string;
}

/** Paths of the ledger routes, relative to the BFF's mount. */
export const ledgerPaths = {
  stops: () => '/stops',
  stop: (id: string) => `/stops/${encodeURIComponent(id)}`,
  stopAll: () => '/stop-all',
  stopAllProgress: (batchId: string) => `/stop-all/${encodeURIComponent(batchId)}`,
  changes: () => '/changes',
  change: (id: string) => `/changes/${encodeURIComponent(id)}`,
  seen: () => '/changes/seen',
} as const;

/** Header that makes a retried write apply once. */
export const IDEMPOTENCY_HEADER = 'Idempotency-Key';
