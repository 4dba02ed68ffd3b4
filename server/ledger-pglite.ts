import { existsSync, mkdirSync, readFileSync, renameSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { PGlite } from '@electric-sql/pglite';
import type { Ledger } from './ledger.js';
import { createSqlLedger, type SqlClient } from './ledger-sql.js';

export interface EmbeddedLedgerOptions {
  /** A directory (created if missing), or `memory://` for a ledger that ends with the process (tests). */
  dataDir: string;
}

function pgliteClient(db: PGlite): SqlClient {
  return {
    query: async <T>(text: string, params?: unknown[]) => (await db.query<T>(text, params)).rows,
    exec: async (text) => void (await db.exec(text)),
    transaction: (fn) => db.transaction((tx) => fn({
      query: async <T>(text: string, params?: unknown[]) => (await tx.query<T>(text, params)).rows,
      exec: async (text: string) => void (await tx.exec(text)),
    })),
    close: () => db.close(),
  };
}

/**
 * An empty database cluster made once per machine and copied into each new ledger: PGlite's initdb takes
 * seconds, loading its result about one.
 */
async function emptyCluster(): Promise<Blob> {
  const file = join(tmpdir(), `consent-ledger-pglite-${PGLITE_VERSION}.tar.gz`);
  if (!existsSync(file)) {
    const db = await PGlite.create();
    const dump = Buffer.from(await (await db.dumpDataDir('gzip')).arrayBuffer());
    await db.close();
    const partial = `${file}.${process.pid}`;
    writeFileSync(partial, dump);
    renameSync(partial, file);
  }
  return new Blob([readFileSync(file)]);
}

const PGLITE_VERSION = '0.5';

/** A PGlite database in `dataDir`, created if missing. */
export async function openEmbeddedClient(dataDir: string): Promise<SqlClient> {
  if (dataDir === 'memory://') return pgliteClient(await PGlite.create({ loadDataDir: await emptyCluster() }));
  mkdirSync(dataDir, { recursive: true });
  const fresh = !existsSync(join(dataDir, 'PG_VERSION'));
  return pgliteClient(await PGlite.create(dataDir, fresh ? { loadDataDir: await emptyCluster() } : {}));
}

/**
 * The embedded default: PostgreSQL compiled to WebAssembly, in this process, running the same SQL as
 * `createPostgresLedger`. One process only: two processes must never open the same directory.
 */
export async function createEmbeddedLedger(opts: EmbeddedLedgerOptions): Promise<Ledger> {
  const sql = await openEmbeddedClient(opts.dataDir);
  try {
    return await createSqlLedger(sql);
  } catch (err) {
    await sql.close();
    throw err;
  }
}
