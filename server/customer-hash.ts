import { createHash } from 'node:crypto';

/** Logs and the ledger name the customer by a hash: enough to correlate, not an identifier to leak. */
export function hashId(id: string): string {
  return createHash('sha256').update(id).digest('hex').slice(0, 16);
}
