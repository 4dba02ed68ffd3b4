/**
 * The ledger in SQL, the same statements on PostgreSQL (`pg`) and on the embedded PGlite. Only this module and
 * the migrations speak SQL; ledger-postgres.ts and ledger-pglite.ts only adapt a client to `SqlClient`.
 */
import { randomUUID } from 'node:crypto';
import type { ClaimedChange, Ledger, LedgerChange, NewChange, RetryPlan, Settlement } from './ledger.js';
import { migrate } from './ledger-migrations.js';

/** What the ledger needs from a database client. */
export interface SqlClient {
  query<T = Record<string, unknown>>(text: string, params?: unknown[]): Promise<T[]>;
  /** Several statements, no parameters (migrations). */
  exec(text: string): Promise<void>;
  transaction<T>(fn: (tx: Pick<SqlClient, 'query' | 'exec'>) => Promise<T>): Promise<T>;
  close(): Promise<void>;
}

interface Row {
  id: string;
  customer: string;
  customer_ref: string | null;
  consent_id: string;
  account_id: string | null;
  application_name: string | null;
  action: LedgerChange['action'];
  value: boolean | null;
  state: LedgerChange['state'];
  confirmed_at: Date;
  due_at: Date;
  applied_at: Date | null;
  settled_at: Date | null;
  mx_status: number | null;
  detail: string | null;
  attempts: number;
  request_id: string | null;
  idempotency_key: string | null;
  batch_id: string | null;
  seen_at: Date | null;
}

const toChange = (r: Row): LedgerChange => ({
  id: r.id,
  customer: r.customer,
  consentId: r.consent_id,
  accountId: r.account_id,
  applicationName: r.application_name,
  action: r.action,
  value: r.value,
  state: r.state,
  confirmedAt: r.confirmed_at,
  dueAt: r.due_at,
  appliedAt: r.applied_at,
  settledAt: r.settled_at,
  mxStatus: r.mx_status,
  detail: r.detail,
  attempts: r.attempts,
  requestId: r.request_id,
  idempotencyKey: r.idempotency_key,
  batchId: r.batch_id,
  seenAt: r.seen_at,
});

const toClaimed = (r: Row): ClaimedChange => ({ ...toChange(r), customerRef: r.customer_ref ?? '' });

const MS = `* interval '1 millisecond'`;
/** A settled row no longer needs the customer's real id, nor a place in the work queue. */
const SETTLE = `settled_at = now(), lease_owner = NULL, customer_ref = NULL, next_run_at = NULL`;
const OUTSTANDING = `state IN ('pending', 'sent')`;
const EXPORT_PAGE = 1000;

const INSERT = `
  INSERT INTO consent_changes (id, customer, customer_ref, consent_id, account_id, application_name, action, value,
    state, due_at, next_run_at, lease_owner, attempts, applied_at, settled_at, detail, request_id, idempotency_key, batch_id)
  VALUES ($1::uuid, $2::text, CASE WHEN $9::text = 'applied' THEN NULL ELSE $3::text END, $4::text, $5::text, $6::text,
    $7::text, $8::boolean, $9::text, now() + $10::float8 ${MS},
    CASE $9::text WHEN 'pending' THEN now() + $10::float8 ${MS} WHEN 'sent' THEN now() + $12::float8 ${MS} END,
    $11::text, CASE WHEN $9::text = 'sent' THEN 1 ELSE 0 END,
    CASE WHEN $9::text = 'applied' THEN now() END, CASE WHEN $9::text = 'applied' THEN now() END,
    $13::text, $14::text, $15::text, $16::uuid)`;

function insertParams(c: NewChange, batchId: string | null = c.batchId ?? null): unknown[] {
  const start = c.start ?? { as: 'pending' as const };
  const state = start.as === 'claimed' ? 'sent' : start.as;
  return [
    randomUUID(), c.customer, c.customerRef, c.consentId, c.accountId ?? null, c.applicationName ?? null, c.action,
    c.value ?? null, state, Math.max(0, c.delayMs), start.as === 'claimed' ? start.owner : null,
    start.as === 'claimed' ? start.leaseMs : null, start.as === 'applied' ? start.detail : null,
    c.requestId ?? null, c.idempotencyKey ?? null, batchId,
  ];
}

export interface SqlLedgerOptions {
  /** Run the migrations first (default true); `false` when a separate `migrate` step owns the schema. */
  migrate?: boolean;
}

/** The ledger on a PostgreSQL-compatible client; runs the pending migrations first. */
export async function createSqlLedger(sql: SqlClient, opts: SqlLedgerOptions = {}): Promise<Ledger> {
  if (opts.migrate !== false) await migrate(sql);
  const one = async (text: string, params: unknown[]) => (await sql.query<Row>(text, params))[0];

  async function existing(c: NewChange): Promise<Row | undefined> {
    const byKey = c.idempotencyKey
      ? await one('SELECT * FROM consent_changes WHERE customer = $1 AND idempotency_key = $2', [c.customer, c.idempotencyKey])
      : undefined;
    if (byKey || c.action !== 'stop') return byKey;
    return one(`SELECT * FROM consent_changes WHERE customer = $1 AND consent_id = $2 AND action = 'stop' AND ${OUTSTANDING}`,
      [c.customer, c.consentId]);
  }

  const batchOf = async (customer: string, batchId: string) => (await sql.query<Row>(
    'SELECT * FROM consent_changes WHERE customer = $1 AND batch_id = $2 ORDER BY application_name, id', [customer, batchId])).map(toChange);

  return {
    async record(c) {
      // ON CONFLICT without a target: either unique rule (idempotency key, one outstanding stop per app) means "recorded before".
      const inserted = await one(`${INSERT} ON CONFLICT DO NOTHING RETURNING *`, insertParams(c));
      if (inserted) return { change: toChange(inserted), created: true };
      const earlier = await existing(c);
      if (!earlier) throw new Error('ledger: a change conflicted with one that is no longer there');
      return { change: toChange(earlier), created: false };
    },

    async recordBatch(changes, batchId) {
      return sql.transaction(async (tx) => {
        const rows: Row[] = [];
        for (const c of changes) {
          const [row] = await tx.query<Row>(`${INSERT} ON CONFLICT DO NOTHING RETURNING *`, insertParams(c, batchId));
          if (row) {
            rows.push(row);
            continue;
          }
          // Already outstanding (a single stop in its undo window): it joins the batch and is carried out now.
          const [joined] = await tx.query<Row>(`
            UPDATE consent_changes SET batch_id = $3, due_at = LEAST(due_at, now()),
              next_run_at = CASE WHEN state = 'pending' THEN LEAST(next_run_at, now()) ELSE next_run_at END
            WHERE customer = $1 AND consent_id = $2 AND action = 'stop' AND ${OUTSTANDING} RETURNING *`,
          [c.customer, c.consentId, batchId]);
          if (joined) rows.push(joined);
        }
        return rows.map(toChange);
      });
    },

    async get(customer, id) {
      const row = await one('SELECT * FROM consent_changes WHERE id = $1 AND customer = $2', [id, customer]);
      return row && toChange(row);
    },

    async cancel(customer, id) {
      const cancelled = await one(`
        UPDATE consent_changes SET state = 'cancelled', ${SETTLE}
        WHERE id = $1 AND customer = $2 AND action = 'stop' AND state = 'pending' RETURNING *`, [id, customer]);
      if (cancelled) return toChange(cancelled);
      const row = await one('SELECT * FROM consent_changes WHERE id = $1 AND customer = $2', [id, customer]);
      return row && toChange(row);
    },

    async history(customer, { limit, before }) {
      const rows = await sql.query<Row>(`
        SELECT * FROM consent_changes WHERE customer = $1 AND ($2::timestamptz IS NULL OR confirmed_at < $2)
        ORDER BY confirmed_at DESC, id DESC LIMIT $3`, [customer, before ?? null, limit]);
      return rows.map(toChange);
    },

    batch: batchOf,

    async cancelBatch(customer, batchId) {
      await sql.query(`
        UPDATE consent_changes SET state = 'cancelled', ${SETTLE}
        WHERE customer = $1 AND batch_id = $2 AND action = 'stop' AND state = 'pending'`, [customer, batchId]);
      return batchOf(customer, batchId);
    },

    async markSeen(customer, ids) {
      if (ids.length === 0) return 0;
      const rows = await sql.query(`
        UPDATE consent_changes SET seen_at = now()
        WHERE customer = $1 AND id = ANY($2::uuid[]) AND seen_at IS NULL AND state IN ('applied', 'failed', 'cancelled')
        RETURNING id`, [customer, ids]);
      return rows.length;
    },

    async claimDue(owner, leaseMs, limit) {
      // One statement: the rows are locked, skipped by any other claimer, and leased before the lock is let go.
      const rows = await sql.query<Row>(`
        WITH due AS (
          SELECT id FROM consent_changes WHERE ${OUTSTANDING} AND next_run_at <= now()
          ORDER BY next_run_at LIMIT $3 FOR UPDATE SKIP LOCKED
        )
        UPDATE consent_changes c SET state = 'sent', lease_owner = $1, next_run_at = now() + $2::float8 ${MS},
          attempts = c.attempts + 1
        FROM due WHERE c.id = due.id RETURNING c.*`, [owner, leaseMs, limit]);
      return rows.map(toClaimed);
    },

    async reclaim(customer, customerRef, id, owner, leaseMs) {
      const row = await one(`
        UPDATE consent_changes SET state = 'sent', lease_owner = $3, next_run_at = now() + $4::float8 ${MS},
          attempts = attempts + 1, settled_at = NULL, detail = NULL, customer_ref = $5
        WHERE id = $1 AND customer = $2 AND state = 'failed' RETURNING *`, [id, customer, owner, leaseMs, customerRef]);
      return row && toClaimed(row);
    },

    async settle(id, owner, outcome: Settlement) {
      const row = await one(`
        UPDATE consent_changes SET state = $3::text, mx_status = $4::int, detail = $5::text,
          applied_at = CASE WHEN $3::text = 'applied' THEN now() END, ${SETTLE}
        WHERE id = $1 AND lease_owner = $2 AND state = 'sent' RETURNING *`,
      [id, owner, outcome.state, outcome.mxStatus ?? null, outcome.detail ?? null]);
      return row && toChange(row);
    },

    async retryLater(id, owner, plan: RetryPlan) {
      const gaveUp = await one(`
        UPDATE consent_changes SET state = 'failed', mx_status = $3, detail = 'gave_up', ${SETTLE}
        WHERE id = $1 AND lease_owner = $2 AND state = 'sent' AND due_at + $4::float8 ${MS} <= now() RETURNING *`,
      [id, owner, plan.mxStatus ?? null, plan.boundMs]);
      if (gaveUp) return toChange(gaveUp);
      const row = await one(`
        UPDATE consent_changes SET lease_owner = NULL, next_run_at = now() + $3::float8 ${MS}, mx_status = $4, detail = $5
        WHERE id = $1 AND lease_owner = $2 AND state = 'sent' RETURNING *`,
      [id, owner, plan.delayMs, plan.mxStatus ?? null, plan.detail]);
      return row && toChange(row);
    },

    async nextDueInMs() {
      const [row] = await sql.query<{ ms: number | null }>(`
        SELECT (EXTRACT(EPOCH FROM (min(next_run_at) - clock_timestamp())) * 1000)::float8 AS ms
        FROM consent_changes WHERE ${OUTSTANDING}`);
      const ms = row?.ms;
      return ms === null || ms === undefined ? undefined : Math.max(0, Number(ms));
    },

    async *exportRange(from, to) {
      // Keyset pages: a long export neither holds a transaction open nor loads everything at once.
      let after: { at: Date; id: string } | undefined;
      for (;;) {
        const rows = await sql.query<Row>(`
          SELECT * FROM consent_changes
          WHERE confirmed_at >= $1 AND confirmed_at < $2
            AND ($3::timestamptz IS NULL OR (confirmed_at, id) > ($3, $4::uuid))
          ORDER BY confirmed_at, id LIMIT ${EXPORT_PAGE}`, [from, to, after?.at ?? null, after?.id ?? null]);
        for (const row of rows) yield toChange(row);
        if (rows.length < EXPORT_PAGE) return;
        const last = rows[rows.length - 1]!;
        after = { at: last.confirmed_at, id: last.id };
      }
    },

    async prune(before) {
      const [row] = await sql.query<{ n: number }>(`
        WITH gone AS (DELETE FROM consent_changes WHERE state IN ('applied', 'failed', 'cancelled') AND confirmed_at < $1 RETURNING 1)
        SELECT count(*)::int AS n FROM gone`, [before]);
      return row?.n ?? 0;
    },

    close: () => sql.close(),
  };
}
