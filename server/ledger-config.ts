/**
 * The ledger's settings from the environment, and opening the ledger they name: PostgreSQL with DATABASE_URL,
 * else the embedded PGlite in LEDGER_DIR. Read by both composition roots and by the `consent-ledger` command.
 */
import { z } from 'zod';
import { ConfigError } from './config.js';
import type { Ledger } from './ledger.js';
import { createEmbeddedLedger, openEmbeddedClient } from './ledger-pglite.js';
import { createPostgresLedger, openPostgresClient } from './ledger-postgres.js';
import type { SqlClient } from './ledger-sql.js';
import { lazyLedger, type LedgerOptions } from './ledger-setup.js';

const positive = z.coerce.number().positive();

const ledgerEnv = z.object({
  DATABASE_URL: z.url({ protocol: /^postgres(ql)?$/ }).optional(),
  LEDGER_DIR: z.string().min(1).default('.data/ledger'),
  LEDGER_UNDO_SECONDS: z.coerce.number().int().min(0).max(3600).default(30),
  LEDGER_RETRY_HOURS: positive.max(24 * 30).default(24),
  LEDGER_RETRY_BASE_MS: z.coerce.number().int().min(10).default(1_000),
  LEDGER_RETRY_MAX_MS: z.coerce.number().int().min(10).default(300_000),
  LEDGER_LEASE_SECONDS: z.coerce.number().int().min(1).default(60),
  LEDGER_POLL_MS: z.coerce.number().int().min(10).default(1_000),
  LEDGER_RETENTION_DAYS: z.coerce.number().int().min(1).optional(),
  // The bank's own route for export and support lookups: mounted only with its own credential.
  LEDGER_ADMIN_TOKEN: z.string().min(32, 'must be at least 32 characters').optional(),
  LEDGER_ADMIN_PATH: z.string().regex(/^\/[\w/-]*$/, 'must be a path like /consent-admin').default('/consent-admin'),
});

export interface LedgerConfig {
  databaseUrl?: string;
  /** The embedded ledger's directory; `memory://` for one that ends with the process. */
  dir: string;
  router: Omit<LedgerOptions, 'store' | 'onSettled'>;
  admin?: { token: string; path: string };
}

export function loadLedgerConfig(env: NodeJS.ProcessEnv): LedgerConfig {
  const parsed = ledgerEnv.safeParse(env);
  if (!parsed.success) throw new ConfigError(parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`));
  const e = parsed.data;
  return {
    databaseUrl: e.DATABASE_URL,
    dir: e.LEDGER_DIR,
    router: {
      undoSeconds: e.LEDGER_UNDO_SECONDS,
      leaseMs: e.LEDGER_LEASE_SECONDS * 1000,
      pollMs: e.LEDGER_POLL_MS,
      retry: { baseMs: e.LEDGER_RETRY_BASE_MS, maxMs: e.LEDGER_RETRY_MAX_MS, boundMs: e.LEDGER_RETRY_HOURS * 3_600_000 },
      retentionDays: e.LEDGER_RETENTION_DAYS,
    },
    admin: e.LEDGER_ADMIN_TOKEN ? { token: e.LEDGER_ADMIN_TOKEN, path: e.LEDGER_ADMIN_PATH } : undefined,
  };
}

/** Opens (and migrates) the configured ledger. An in-memory one opens on first use. */
export async function openLedger(config: LedgerConfig): Promise<Ledger> {
  if (config.databaseUrl) return createPostgresLedger({ connectionString: config.databaseUrl });
  if (config.dir === 'memory://') return lazyLedger(() => createEmbeddedLedger({ dataDir: config.dir }));
  return createEmbeddedLedger({ dataDir: config.dir });
}

/** A bare client on the configured database (the `migrate` command). */
export async function openLedgerClient(config: LedgerConfig): Promise<SqlClient> {
  if (config.databaseUrl) return openPostgresClient(config.databaseUrl);
  return openEmbeddedClient(config.dir);
}

/** Where the ledger lives, for a start-up line: never the connection string (it may hold a password). */
export function describeLedger(config: LedgerConfig): string {
  if (config.databaseUrl) {
    const url = new URL(config.databaseUrl);
    return `PostgreSQL at ${url.hostname}:${url.port || 5432}${url.pathname}`;
  }
  return config.dir === 'memory://' ? 'embedded (in memory)' : `embedded PGlite in ${config.dir}`;
}
