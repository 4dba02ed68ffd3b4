/** The bank's copy of the ledger: a date range as CSV or JSON, written a row at a time. */
import { EXPORT_COLUMNS, toExportRow, type Ledger, type LedgerChange } from './ledger.js';

export type ExportFormat = 'csv' | 'json';

type Cell = string | number | boolean | null;

/**
 * RFC 4180 quoting, and a leading `'` on text a spreadsheet would run as a formula (app names come from MX and
 * from the apps themselves, so they are not to be trusted).
 */
export function csvCell(value: Cell): string {
  if (value === null) return '';
  let text = String(value);
  if (typeof value === 'string' && /^[=+\-@\t\r]/.test(text)) text = `'${text}`;
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const csvLine = (cells: Cell[]) => `${cells.map(csvCell).join(',')}\r\n`;

/** Writes every change confirmed in [from, to); resolves to how many. */
export async function writeExport(
  rows: AsyncIterable<LedgerChange>,
  format: ExportFormat,
  write: (chunk: string) => unknown | Promise<unknown>,
): Promise<number> {
  let n = 0;
  if (format === 'csv') await write(csvLine([...EXPORT_COLUMNS]));
  else await write('[');
  for await (const change of rows) {
    const row = toExportRow(change);
    await write(format === 'csv' ? csvLine(EXPORT_COLUMNS.map((c) => row[c])) : `${n === 0 ? '\n' : ',\n'}${JSON.stringify(row)}`);
    n++;
  }
  if (format === 'json') await write(n === 0 ? ']\n' : '\n]\n');
  return n;
}

/** One customer's changes for a support desk, newest first, found by the customer's own id. */
export async function lookUpCustomer(ledger: Ledger, customerHash: string, limit: number) {
  return (await ledger.history(customerHash, { limit })).map(toExportRow);
}

/** `YYYY-MM-DD` or a full ISO time; a bare date is midnight UTC. */
export function parseInstant(value: unknown): Date | undefined {
  if (typeof value !== 'string' || !/^\d{4}-\d{2}-\d{2}(T[\d:.]+(Z|[+-]\d{2}:\d{2}))?$/.test(value)) return undefined;
  const date = new Date(value.length === 10 ? `${value}T00:00:00Z` : value);
  return Number.isNaN(date.getTime()) ? undefined : date;
}
