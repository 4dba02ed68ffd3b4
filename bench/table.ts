import type { Judged } from './bars.js';
import type { Spread } from './stats.js';

export interface Report {
  figures: Record<string, number | null>;
  spread: Record<string, Spread>;
  notes: Record<string, string>;
  /** By measurement name. */
  errors: Record<string, string>;
  /** Figures whose measurement failed. */
  failed: ReadonlySet<string>;
  judged: Judged[];
}

const fmt = (n: number) => (Number.isInteger(n) ? String(n) : n.toFixed(Math.abs(n) >= 100 ? 0 : Math.abs(n) >= 10 ? 1 : 3));

/** One row per figure: value, spread over runs, bar and verdict; then the notes that say what was compared. */
export function renderTable(r: Report): string {
  const rows = [['figure', 'value', 'spread (min..max, runs)', 'bar', 'verdict']];
  for (const [key, value] of Object.entries(r.figures)) {
    const s = r.spread[key];
    const bar = r.judged.find((j) => j.key === key);
    rows.push([
      key,
      r.failed.has(key) ? 'error' : value === null ? '-' : fmt(value),
      s ? `${fmt(s.min)}..${fmt(s.max)}, ${s.runs}` : '',
      bar ? `${bar.op} ${fmt(bar.value)}` : '',
      bar ? (bar.verdict === 'met' ? 'met' : bar.verdict.toUpperCase()) : '',
    ]);
  }
  const widths = rows[0]!.map((_, c) => Math.max(...rows.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [line(rows[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.slice(1).map(line)];
  const notes = Object.entries(r.notes);
  if (notes.length) out.push('', 'Notes:', ...notes.map(([k, n]) => `  ${k}: ${n}`));
  const errors = Object.entries(r.errors);
  if (errors.length) out.push('', 'Errors:', ...errors.map(([k, e]) => `  ${k}: ${e}`));
  return out.join('\n');
}
