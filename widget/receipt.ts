import type { Consent } from '@consent-manager/contract';
import type { ConsentChange } from './events.js';

/** A change the upstream confirmed during this visit. */
export type VisitChange = {
  /** ISO-8601, when the upstream's answer arrived. */
  at: string;
  application_name: string;
  /** For an account change: the account as the customer knows it. */
  account?: string;
  account_number_display?: string;
} & (ConsentChange | { kind: 'stop' });

/** What the customer downloads (and the element's `receipt()` returns): their connections and this visit's changes. */
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
  changes: VisitChange[];
}

export const receiptOf = (list: Consent[], changes: VisitChange[], seen?: (c: Consent) => string[] | undefined): ConsentReceipt => ({
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
