import type { Ledger } from './ledger.js';
import { createSqlLedger, type SqlClient, type SqlLedgerOptions } from './ledger-sql.js';

/** What the ledger uses of a `pg` client; spelled out so that the typings do not need `pg`'s (an optional peer). */
export interface PgQueryable {
  query(text: string, params?: unknown[]): Promise<{ rows: unknown[] }>;
}

/** What the ledger uses of a `pg.Pool`. */
export interface PgPool extends PgQueryable {
  connect(): Promise<PgQueryable & { release(): void }>;
  end(): Promise<void>;
}

export interface PostgresLedgerOptions extends SqlLedgerOptions {
  /** `postgres://user:pass@host:5432/db`; or pass `pool` to share the bank's own `pg.Pool`. */
  connectionString?: string;
  pool?: PgPool;
  /** Connections this instance may hold (default 5: the worker and a few requests at a time). */
  max?: number;
}

/** `SqlClient` over a `pg` pool. */
export function postgresClient(pool: PgPool, ownsPool: boolean): SqlClient {
  return {
    async query<T>(text: string, params?: unknown[]) {
      return (await pool.query(text, params)).rows as T[];
    },
    async exec(text) {
      await pool.query(text);
    },
    async transaction(fn) {
      const client = await pool.connect();
      try {
        await client.query('BEGIN');
        const result = await fn({
          query: async <T>(text: string, params?: unknown[]) => (await client.query(text, params)).rows as T[],
          exec: async (text: string) => void (await client.query(text)),
        });
        await client.query('COMMIT');
        return result;
      } catch (err) {
        await client.query('ROLLBACK').catch(() => undefined);
        throw err;
      } finally {
        client.release();
      }
    },
    close: async () => {
      if (ownsPool) await pool.end();
    },
  };
}

/**
 * `pg` is an optional peer: only a bank that uses PostgreSQL installs it (and may pass its own pool), so it is
 * loaded when first needed.
 */
async function newPool(connectionString: string | undefined, max: number): Promise<PgPool> {
  let driver: typeof import('pg').default;
  try {
    driver = (await import('pg')).default;
  } catch {
    throw new Error('The consent ledger on PostgreSQL needs the "pg" package: npm install pg');
  }
  const pool = new driver.Pool({ connectionString, max });
  // An idle client's error (the server restarted) would otherwise crash the process; the next query reconnects.
  pool.on('error', () => undefined);
  return pool;
}

/** A bare client (the `migrate` command). */
export async function openPostgresClient(connectionString: string): Promise<SqlClient> {
  return postgresClient(await newPool(connectionString, 1), true);
}

/** The ledger in PostgreSQL (`DATABASE_URL`): what several instances share. */
export async function createPostgresLedger(opts: PostgresLedgerOptions): Promise<Ledger> {
  const pool = opts.pool ?? await newPool(opts.connectionString, opts.max ?? 5);
  const sql = postgresClient(pool, !opts.pool);
  try {
    return await createSqlLedger(sql, opts);
  } catch (err) {
    await sql.close();
    throw err;
  }
}
