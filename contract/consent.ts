/**
 * The shapes that cross a process boundary, shared by widget/, server/ and demo/.
 * This module imports nothing so that any side may import it without pulling the other in.
 */

/**
 * One of the customer's accounts under a consent, as `readConsents` reads it. MX's description requires no field
 * (upstream-mx-api.md §2): an absent one is `null` here; only `account_id`, without which nothing can be changed, is
 * required.
 */
export interface ConsentAccount {
  account_id: string;
  nickname: string | null;
  /** Masked, e.g. `XXXXXXXX1111`. */
  account_number_display: string | null;
  /** Whether this account is shared with the app; null when MX did not say. */
  enabled: boolean | null;
}

/**
 * A consent: one app's access to the customer's accounts, as `readConsents` reads MX's answer. Only `id` is required;
 * every other field MX left out (or sent as null) is `null`, and `accounts` left out is an empty list.
 */
export interface Consent {
  id: string;
  application_name: string | null;
  application_icon_url: string | null;
  created_at: string | null;
  /** Null when the app never read (the sandbox's choice) or MX did not say. */
  last_accessed: string | null;
  accounts: ConsentAccount[];
  auto_enable_future_accounts: boolean | null;
  consented_on: string | null;
  /** Null while sharing; set once sharing was stopped. A stopped consent shares nothing. */
  revoked_at: string | null;
}

/** A record of MX's answer that could not be read: the rest of the list stands without it. */
export interface UnreadableConsent {
  /** Its position in MX's list. */
  index: number;
  /** Its `id` when it had a usable one, for the logs. */
  id: string | null;
  /** Why, for the logs (`no id`, `account without account_id`, `revoked_at is not a date`, ...). */
  reason: string;
}

/** A list as read: the consents that can be shown and acted on, and the records that could not be read. */
export interface ReadConsents {
  consents: Consent[];
  unreadable: UnreadableConsent[];
}

class Unreadable extends Error {}

type Fields = Record<string, unknown>;
const isObject = (v: unknown): v is Fields => typeof v == 'object' && v !== null && !Array.isArray(v);

/** Absent and null read as null; a value of another type than MX declares makes the record unreadable. */
function optional<T>(o: Fields, name: string, type: 'string' | 'boolean'): T | null {
  const v = o[name];
  if (v === undefined || v === null) return null;
  if (typeof v != type) throw new Unreadable(`${name} is not a ${type}`);
  return v as T;
}

function date(o: Fields, name: string): string | null {
  const v = optional<string>(o, name, 'string');
  if (v !== null && Number.isNaN(Date.parse(v))) throw new Unreadable(`${name} is not a date`);
  return v;
}

const required = (o: Fields, name: string, what: string): string => {
  const v = o[name];
  if (typeof v != 'string' || v == '') throw new Unreadable(what);
  return v;
};

function account(a: unknown): ConsentAccount {
  if (!isObject(a)) throw new Unreadable('account is not an object');
  return {
    account_id: required(a, 'account_id', 'account without account_id'),
    nickname: optional(a, 'nickname', 'string'),
    account_number_display: optional(a, 'account_number_display', 'string'),
    enabled: optional(a, 'enabled', 'boolean'),
  };
}

function consentOf(o: Fields): Consent {
  const accounts = o.accounts ?? [];
  if (!Array.isArray(accounts)) throw new Unreadable('accounts is not a list');
  return {
    id: required(o, 'id', 'no id'),
    application_name: optional(o, 'application_name', 'string'),
    application_icon_url: optional(o, 'application_icon_url', 'string'),
    created_at: date(o, 'created_at'),
    last_accessed: date(o, 'last_accessed'),
    accounts: accounts.map(account),
    auto_enable_future_accounts: optional(o, 'auto_enable_future_accounts', 'boolean'),
    consented_on: date(o, 'consented_on'),
    revoked_at: date(o, 'revoked_at'),
  };
}

/**
 * Reads one consent as MX's description allows it to come: any field may be absent (read as null; `accounts` as
 * none), unknown fields are dropped. Only what nothing can be done without (the consent's `id`, each account's
 * `account_id`) is required; a field of another type than MX declares makes the record unreadable too, since
 * guessing (a `revoked_at` of `true`?) could show a stopped app as sharing. Returns the reason when unreadable.
 */
export function readConsent(raw: unknown): Consent | { unreadable: string } {
  try {
    if (!isObject(raw)) throw new Unreadable('not an object');
    return consentOf(raw);
  } catch (e) {
    if (e instanceof Unreadable) return { unreadable: e.message };
    throw e;
  }
}

/**
 * Reads MX's list: every record that can be read, and each one that cannot (with its id when it had one), so one
 * odd record never hides the others. Undefined when the answer is not a list at all.
 */
export function readConsents(body: unknown): ReadConsents | undefined {
  if (!Array.isArray(body)) return undefined;
  const consents: Consent[] = [];
  const unreadable: UnreadableConsent[] = [];
  body.forEach((raw: unknown, index) => {
    const read = readConsent(raw);
    if ('unreadable' in read) {
      const id = isObject(raw) && typeof raw.id == 'string' && raw.id != '' ? raw.id : null;
      unreadable.push({ index, id, reason: read.unreadable });
    } else consents.push(read);
  });
  return { consents, unreadable };
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
