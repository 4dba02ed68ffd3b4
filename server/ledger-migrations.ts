/**
 * The ledger's schema, as numbered migrations. Each runs once, in order, inside one transaction that holds an
 * advisory lock, so instances starting together (or `consent-ledger migrate` beside them) never race.
 * Add a migration at the end; never edit one that has shipped.
 */
import type { SqlClient } from './ledger-sql.js';

export interface Migration {
  version: number;
  name: string;
  sql: string;
}

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'consent_changes',
    sql: `
      CREATE TABLE consent_changes (
        id uuid PRIMARY KEY,
        customer text NOT NULL,
        customer_ref text,
        consent_id text NOT NULL,
        account_id text,
        application_name text,
        action text NOT NULL CHECK (action IN ('stop', 'account', 'auto_share')),
        value boolean,
        state text NOT NULL CHECK (state IN ('pending', 'sent', 'applied', 'failed', 'cancelled')),
        confirmed_at timestamptz NOT NULL DEFAULT now(),
        due_at timestamptz NOT NULL,
        applied_at timestamptz,
        settled_at timestamptz,
        mx_status integer,
        detail text,
        attempts integer NOT NULL DEFAULT 0,
        next_run_at timestamptz,
        lease_owner text,
        request_id text,
        idempotency_key text,
        batch_id uuid,
        seen_at timestamptz,
        CHECK ((state IN ('pending', 'sent')) = (next_run_at IS NOT NULL))
      );
      -- The work queue: only outstanding rows, by when they are next due.
      CREATE INDEX consent_changes_queue ON consent_changes (next_run_at) WHERE state IN ('pending', 'sent');
      CREATE UNIQUE INDEX consent_changes_idempotency ON consent_changes (customer, idempotency_key)
        WHERE idempotency_key IS NOT NULL;
      -- One outstanding stop per app and customer: a second confirmation finds the first.
      CREATE UNIQUE INDEX consent_changes_one_stop ON consent_changes (customer, consent_id)
        WHERE action = 'stop' AND state IN ('pending', 'sent');
      CREATE INDEX consent_changes_customer ON consent_changes (customer, confirmed_at DESC);
      CREATE INDEX consent_changes_confirmed ON consent_changes (confirmed_at, id);
      CREATE INDEX consent_changes_batch ON consent_changes (batch_id) WHERE batch_id IS NOT NULL;
    `,
  },
];

/** An arbitrary constant naming the ledger's advisory lock. */
const MIGRATION_LOCK = 7_265_110;

/** Applies the migrations not yet applied; returns their versions. */
export async function migrate(sql: SqlClient, migrations: readonly Migration[] = MIGRATIONS): Promise<number[]> {
  return sql.transaction(async (tx) => {
    await tx.query(`SELECT pg_advisory_xact_lock(${MIGRATION_LOCK})`);
    await tx.exec(`CREATE TABLE IF NOT EXISTS consent_ledger_migrations (
      version integer PRIMARY KEY, name text NOT NULL, applied_at timestamptz NOT NULL DEFAULT now())`);
    const done = new Set((await tx.query<{ version: number }>('SELECT version FROM consent_ledger_migrations')).map((r) => r.version));
    const applied: number[] = [];
    for (const m of migrations) {
      if (done.has(m.version)) continue;
      await tx.exec(m.sql);
      await tx.query('INSERT INTO consent_ledger_migrations (version, name) VALUES ($1, $2)', [m.version, m.name]);
      applied.push(m.version);
    }
    return applied;
  });
}
