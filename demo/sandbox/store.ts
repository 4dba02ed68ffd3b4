/**
 * Every customer's consents, in memory. Each operation is scoped to one customer so that a consent
 * id from someone else's list is indistinguishable from one that does not exist.
 */
/** An account as the sandbox holds it: every field MX describes, always present. */
export interface SandboxAccount {
  enabled: boolean;
  nickname: string;
  account_id: string;
  account_number_display: string;
}

/**
 * A consent as the sandbox holds it: every field MX describes, always present (`null` where MX declares the field
 * nullable, and for `last_accessed` of an app never used: our choice). `omitEmpty` answers leave the nulls out.
 */
export interface SandboxConsent {
  id: string;
  application_name: string;
  application_icon_url: string | null;
  created_at: string;
  last_accessed: string | null;
  accounts: SandboxAccount[];
  auto_enable_future_accounts: boolean;
  consented_on: string;
  revoked_at: string | null;
}

type Consent = SandboxConsent;

export type StoreResult = { ok: true; consent: Consent } | { ok: false; status: 404 | 409; message: string };

const NOT_FOUND: StoreResult = { ok: false, status: 404, message: 'consent not found' };
const REVOKED: StoreResult = { ok: false, status: 409, message: 'consent has been revoked; sharing cannot be changed' };

export class ConsentStore {
  private customers = new Map<string, Consent[]>();

  constructor(private readonly seed: () => Map<string, Consent[]>) {
    this.reset();
  }

  reset(): void {
    this.customers = this.seed();
  }

  has(customerId: string): boolean {
    return this.customers.has(customerId);
  }

  get size(): number {
    return this.customers.size;
  }

  add(customerId: string, consents: Consent[]): void {
    this.customers.set(customerId, consents);
  }

  list(customerId: string): readonly Consent[] {
    return this.customers.get(customerId) ?? [];
  }

  private find(customerId: string, id: string): Consent | undefined {
    return this.customers.get(customerId)?.find((c) => c.id === id);
  }

  setAutoShare(customerId: string, id: string, value: boolean): StoreResult {
    const consent = this.find(customerId, id);
    if (!consent) return NOT_FOUND;
    if (consent.revoked_at !== null) return REVOKED;
    consent.auto_enable_future_accounts = value;
    return { ok: true, consent };
  }

  setAccount(customerId: string, id: string, accountId: string, enabled: boolean): StoreResult {
    const consent = this.find(customerId, id);
    if (!consent) return NOT_FOUND;
    const account = consent.accounts.find((a) => a.account_id === accountId);
    if (!account) return { ok: false, status: 404, message: 'account not found' };
    if (consent.revoked_at !== null) return REVOKED;
    account.enabled = enabled;
    return { ok: true, consent };
  }

  /** One-way and idempotent: a second revoke keeps the first `revoked_at`. Accounts are left as they were. */
  revoke(customerId: string, id: string, at: string): StoreResult {
    const consent = this.find(customerId, id);
    if (!consent) return NOT_FOUND;
    consent.revoked_at ??= at;
    return { ok: true, consent };
  }
}

/**
 * A copy in MX's field order, with the sandbox-relative icon path made absolute. `omitEmpty` leaves out every field
 * that is null, an empty string or an empty list, as a serializer may (MX's description requires no field).
 */
export function renderConsent(c: Consent, publicUrl: string): Consent;
export function renderConsent(c: Consent, publicUrl: string, omitEmpty: boolean): Partial<Consent>;
export function renderConsent(c: Consent, publicUrl: string, omitEmpty = false): Partial<Consent> {
  const icon = c.application_icon_url;
  const full: Consent = {
    id: c.id,
    application_name: c.application_name,
    application_icon_url: icon !== null && icon.startsWith('/') ? `${publicUrl}${icon}` : icon,
    created_at: c.created_at,
    last_accessed: c.last_accessed,
    accounts: c.accounts.map((a) => ({
      enabled: a.enabled,
      nickname: a.nickname,
      account_id: a.account_id,
      account_number_display: a.account_number_display,
    })),
    auto_enable_future_accounts: c.auto_enable_future_accounts,
    consented_on: c.consented_on,
    revoked_at: c.revoked_at,
  };
  return omitEmpty ? withoutEmpty(full) : full;
}

const isEmpty = (v: unknown) => v === null || v === '' || (Array.isArray(v) && v.length === 0);

function withoutEmpty(c: Consent): Partial<Consent> {
  const kept = Object.entries(c).filter(([, v]) => !isEmpty(v));
  const out = Object.fromEntries(kept) as Partial<Consent>;
  if (out.accounts) out.accounts = out.accounts.map((a) => Object.fromEntries(Object.entries(a).filter(([, v]) => !isEmpty(v))) as SandboxAccount);
  return out;
}
