/** The two ledgers every ledger test runs against, and a wait that polls a condition rather than sleeping. */
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { ChangeRecord } from '@consent-manager/contract';
import { createTestDatabase } from './postgres.js';

export interface LedgerBackend {
  name: 'embedded' | 'postgres';
  /** Env naming a fresh, empty ledger of this kind (a directory or a database of its own), and its removal. */
  create(label: string): Promise<{ env: Record<string, string>; remove(): Promise<void> }>;
}

export const BACKENDS: LedgerBackend[] = [
  {
    name: 'embedded',
    async create(label) {
      const dir = mkdtempSync(join(tmpdir(), `consent-ledger-${label}-`));
      return { env: { LEDGER_DIR: dir }, remove: async () => rmSync(dir, { recursive: true, force: true }) };
    },
  },
  {
    name: 'postgres',
    async create(label) {
      const db = await createTestDatabase(label);
      return { env: { DATABASE_URL: db.url }, remove: () => db.drop() };
    },
  },
];

/** Polls until `check` returns a value (not undefined/false), or fails naming what it waited for. */
export async function waitFor<T>(what: string, check: () => Promise<T | undefined | false> | T | undefined | false, timeoutMs = 60_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/** Due-to-applied delay of a settled change, in ms. */
export const dueToApplied = (c: ChangeRecord) => Date.parse(c.applied_at!) - Date.parse(c.due_at);

/** p50 / p99 / max of a sample, for figures printed by tests. */
export function percentiles(sample: number[]): { n: number; p50: number; p99: number; max: number } {
  const sorted = [...sample].sort((a, b) => a - b);
  const at = (q: number) => sorted[Math.min(sorted.length - 1, Math.ceil(q * sorted.length) - 1)] ?? NaN;
  return { n: sorted.length, p50: at(0.5), p99: at(0.99), max: sorted[sorted.length - 1] ?? NaN };
}
