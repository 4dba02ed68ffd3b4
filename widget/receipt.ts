import type { ChangeRecord, ChangeState, Consent } from '@consent-manager/contract';
import type { ConsentChange } from './events.js';

/** A change the upstream confirmed during this visit, as the element noted it. */
export type VisitChange = {
  /** ISO-8601, when the upstream's answer arrived. */
  at: string;
  consent_id: string;
  application_name: string;
  /** For an account change: the account as the customer knows it. */
  account?: string;
  account_number_display?: string;
} & (ConsentChange | { kind: 'stop' });

/** One of the customer's changes, across visits, as the record shows it and the receipt lists it. */
export interface ReceiptChange {
  /** The ledger's id; absent for a change the ledger does not hold (direct mode's account and auto-share changes). */
  id?: string;
  application_name: string | null;
  kind: 'stop' | 'account' | 'auto-share';
  /** For an account change: the account as the customer knows it (when the app still lists it). */
  account?: string;
  account_number_display?: string;
  /** The value set (account shared, auto-share on); absent for a stop. */
  enabled?: boolean;
  state: ChangeState;
  /** ISO-8601: when the customer confirmed it, when it is (or was) due, when MX applied it. */
  confirmed_at: string;
  due_at: string;
  applied_at: string | null;
}

/** What the customer downloads (and the element's `receipt()` returns): their connections and their changes. */
export interface ConsentReceipt {
  generated_at: string;
  /** As MX gave them: null where it did not (MX's description requires no field). */
  connections: {
    application_name: string | null;
    status: 'sharing' | 'stopped';
    consented_on: string | null;
    last_accessed: string | null;
    revoked_at: string | null;
    auto_share: boolean | null;
    /** What the app can (or, once stopped, could) see, in the words shown; null when the bank's directory does not say. */
    can_see: string[] | null;
    /** Empty once stopped: a stopped consent shares nothing, whatever MX's `enabled` flags still say. */
    shared_accounts: { nickname: string | null; account_number_display: string | null }[];
  }[];
  /** The customer's changes across visits, newest first (the BFF's ledger; its 200 most recent). */
  changes: ReceiptChange[];
}

/** A ledger row in the customer's terms: the app's and the account's names from the list where the row lacks them. */
export function changeOf(c: ChangeRecord, list: Consent[]): ReceiptChange {
  const consent = list.find((x) => x.id == c.consent_id);
  const account = c.account_id ? consent?.accounts.find((a) => a.account_id == c.account_id) : undefined;
  return {
    id: c.id,
    application_name: c.application_name ?? consent?.application_name ?? null,
    kind: c.action == 'auto_share' ? 'auto-share' : c.action,
    ...(account && { account: account.nickname ?? undefined, account_number_display: account.account_number_display ?? undefined }),
    ...(c.action != 'stop' && typeof c.value == 'boolean' && { enabled: c.value }),
    state: c.state,
    confirmed_at: c.confirmed_at,
    due_at: c.due_at,
    applied_at: c.applied_at,
  };
}

/**
 * The customer's changes, newest first: the ledger's, and in direct mode this visit's changes that never passed the
 * BFF (the widget called MX itself), so the record does not leave out what the customer just did.
 */
export function changesOf(history: ChangeRecord[], visit: VisitChange[], direct: boolean, list: Consent[]): ReceiptChange[] {
  const ledger = history.map((c) => changeOf(c, list));
  if (!direct) return ledger;
  const stopped = new Set(history.filter((c) => c.action == 'stop').map((c) => c.consent_id));
  const own = visit
    .filter((v) => v.kind != 'stop' || !stopped.has(v.consent_id))
    .map(
      (v): ReceiptChange => ({
        application_name: v.application_name,
        kind: v.kind,
        ...(v.account !== undefined && { account: v.account, account_number_display: v.account_number_display }),
        ...(v.kind != 'stop' && { enabled: v.enabled }),
        state: 'applied',
        confirmed_at: v.at,
        due_at: v.at,
        applied_at: v.at,
      }),
    );
  return [...ledger, ...own].sort((a, b) => Date.parse(b.confirmed_at) - Date.parse(a.confirmed_at));
}

export const receiptOf = (list: Consent[], changes: ReceiptChange[], seen?: (c: Consent) => string[] | undefined): ConsentReceipt => ({
  generated_at: new Date().toISOString(),
  connections: list.map((c) => ({
    application_name: c.application_name,
    status: c.revoked_at ? 'stopped' : 'sharing',
    consented_on: c.consented_on,
    last_accessed: c.last_accessed,
    revoked_at: c.revoked_at,
    auto_share: c.revoked_at ? false : c.auto_enable_future_accounts,
    can_see: seen?.(c) ?? null,
    shared_accounts: c.revoked_at
      ? []
      : c.accounts.filter((a) => a.enabled).map(({ nickname, account_number_display }) => ({ nickname, account_number_display })),
  })),
  changes,
});
