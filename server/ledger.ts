/**
 * The consent ledger: every change a customer confirms, recorded before anything is sent to MX and carried out
 * from here. `createSqlLedger` (ledger-sql.ts) implements it on PostgreSQL or the embedded PGlite; a bank with
 * another store implements this interface and passes it to `createConsentRouter({ ledger })`.
 */
import type { ChangeAction, ChangeRecord, ChangeState } from '@consent-manager/contract';

export type { ChangeAction, ChangeState };

/** A row of the ledger. */
export interface LedgerChange {
  /** Made by the server (UUID). */
  id: string;
  /** The customer as the logs name them (`hashId`). */
  customer: string;
  consentId: string;
  accountId: string | null;
  applicationName: string | null;
  action: ChangeAction;
  value: boolean | null;
  state: ChangeState;
  confirmedAt: Date;
  dueAt: Date;
  appliedAt: Date | null;
  settledAt: Date | null;
  /** The HTTP status of MX's last answer. */
  mxStatus: number | null;
  /** A stable code: why it failed, or how it was applied without a write (`already_stopped`). */
  detail: string | null;
  /** Times it was handed to MX (or claimed to be). */
  attempts: number;
  requestId: string | null;
  idempotencyKey: string | null;
  batchId: string | null;
  seenAt: Date | null;
}

/** A change claimed for carrying out: with the customer's real id, kept only while the change is outstanding. */
export interface ClaimedChange extends LedgerChange {
  customerRef: string;
}

export interface NewChange {
  customer: string;
  /** The customer's `openid_connect_user_id`: the worker needs it to ask MX for their token. Cleared on settling. */
  customerRef: string;
  consentId: string;
  accountId?: string | null;
  applicationName?: string | null;
  action: ChangeAction;
  value?: boolean | null;
  /** Due this long after the ledger's now (the bank's undo window), 0 for at once. */
  delayMs: number;
  requestId?: string | null;
  idempotencyKey?: string | null;
  batchId?: string | null;
  /**
   * `pending` (default): carried out by a worker when due. `claimed`: the caller carries it out now, holding a
   * lease as `owner`. `applied`: nothing left to do (`detail` says why).
   */
  start?: { as: 'pending' } | { as: 'claimed'; owner: string; leaseMs: number } | { as: 'applied'; detail: string };
}

export type Settlement =
  | { state: 'applied'; mxStatus?: number | null; detail?: string | null }
  | { state: 'failed'; mxStatus?: number | null; detail: string };

export interface RetryPlan {
  delayMs: number;
  /** Give up (state `failed`, detail `gave_up`) once the change is this long past its due time. */
  boundMs: number;
  mxStatus?: number | null;
  detail: string;
}

export interface Ledger {
  /**
   * Records a confirmed change. `created` is false when it was recorded before: the same idempotency key from
   * the same customer, or a stop of a consent that already has one outstanding. Then the earlier row is returned.
   */
  record(change: NewChange): Promise<{ change: LedgerChange; created: boolean }>;
  /** Several stops in one transaction (stop every app), under one batch id; outstanding ones join the batch, due now. */
  recordBatch(changes: NewChange[], batchId: string): Promise<LedgerChange[]>;
  get(customer: string, id: string): Promise<LedgerChange | undefined>;
  /** Cancels the customer's pending stop; returns the row as it stands after (not cancelled if too late), or undefined if not theirs. */
  cancel(customer: string, id: string): Promise<LedgerChange | undefined>;
  /** The customer's changes, newest first. */
  history(customer: string, opts: { limit: number; before?: Date }): Promise<LedgerChange[]>;
  batch(customer: string, batchId: string): Promise<LedgerChange[]>;
  /** Cancels the batch's stops that are still pending (undo of "stop every app"); returns the batch as it stands after. */
  cancelBatch(customer: string, batchId: string): Promise<LedgerChange[]>;
  /** Marks settled changes as shown to the customer; returns how many were newly marked. */
  markSeen(customer: string, ids: string[]): Promise<number>;
  /**
   * Claims up to `limit` changes that are due (or whose holder's lease ran out), for `owner`, for `leaseMs`.
   * Two callers never claim the same change while its lease runs.
   */
  claimDue(owner: string, leaseMs: number, limit: number): Promise<ClaimedChange[]>;
  /** Claims one failed change again (a retried request with its idempotency key). */
  reclaim(customer: string, customerRef: string, id: string, owner: string, leaseMs: number): Promise<ClaimedChange | undefined>;
  /** Settles a change the owner holds; undefined when its lease was lost (another holder settles it). */
  settle(id: string, owner: string, outcome: Settlement): Promise<LedgerChange | undefined>;
  /** Puts a held change back for another attempt later, or fails it past the bound. */
  retryLater(id: string, owner: string, plan: RetryPlan): Promise<LedgerChange | undefined>;
  /** Milliseconds until the next outstanding change is due (0 if one is overdue); undefined when none is outstanding. */
  nextDueInMs(): Promise<number | undefined>;
  /** Every change confirmed in [from, to), oldest first, read in pages. */
  exportRange(from: Date, to: Date): AsyncIterable<LedgerChange>;
  /** Deletes settled changes confirmed before `before`; returns how many. Outstanding ones are kept whatever their age. */
  prune(before: Date): Promise<number>;
  close(): Promise<void>;
}

/** The fields both the customer and the bank see. */
function shared(c: LedgerChange) {
  return {
    id: c.id,
    consent_id: c.consentId,
    account_id: c.accountId,
    application_name: c.applicationName,
    action: c.action,
    value: c.value,
    state: c.state,
    confirmed_at: c.confirmedAt.toISOString(),
    due_at: c.dueAt.toISOString(),
    applied_at: c.appliedAt?.toISOString() ?? null,
    detail: c.detail,
    batch_id: c.batchId,
  };
}

/** How the customer's browser sees a row: no customer, no request or idempotency key, no lease. */
export function toRecord(c: LedgerChange): ChangeRecord {
  return { ...shared(c), seen: c.seenAt !== null };
}

/** Every field but the customer's real id, for the bank's export and support lookup. */
export const EXPORT_COLUMNS = [
  'id', 'customer', 'consent_id', 'account_id', 'application_name', 'action', 'value', 'state', 'confirmed_at',
  'due_at', 'applied_at', 'settled_at', 'mx_status', 'detail', 'attempts', 'request_id', 'batch_id',
] as const;

export function toExportRow(c: LedgerChange): Record<(typeof EXPORT_COLUMNS)[number], string | number | boolean | null> {
  return {
    ...shared(c),
    customer: c.customer,
    settled_at: c.settledAt?.toISOString() ?? null,
    mx_status: c.mxStatus,
    attempts: c.attempts,
    request_id: c.requestId,
  };
}
