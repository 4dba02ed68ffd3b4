import type { Judged } from './bars.js';
import type { Spread } from './stats.js';

/** What a run writes to bench/results.json, and all that the README's performance table is generated from. */
export interface Results {
  figures: Record<string, number | null>;
  spread: Record<string, Spread>;
  baseline: Record<string, string>;
  extra: Record<string, unknown>;
  notes: Record<string, string>;
  /** By measurement name. */
  errors: Record<string, string>;
  /** Figures whose measurement failed. */
  failed: string[];
  bars: Judged[];
  meta: {
    date: string;
    command: string;
    node: string;
    chromium?: string;
    cpus: string;
    seconds: number;
    load_average_1m: { before: number; after: number };
  };
}

export const fmt = (n: number) => {
  if (Number.isInteger(n)) return Math.abs(n) >= 10_000 ? n.toLocaleString('en-US') : String(n);
  const a = Math.abs(n);
  return n.toFixed(a >= 100 ? 0 : a >= 10 ? 1 : a >= 1 ? 2 : 3);
};

const spreadText = (s?: Spread) => (s ? `${fmt(s.min)}..${fmt(s.max)}, ${s.runs} runs` : '');
const verdictText = (j?: Judged) => (!j ? '' : j.verdict === 'met' ? 'met' : j.verdict.toUpperCase());

/** Barred figures first, in the order of the bars, then the rest as measured. */
function rows(r: Pick<Results, 'figures' | 'spread' | 'baseline' | 'bars' | 'failed'>) {
  const barred = r.bars.map((b) => b.key);
  const keys = [...barred.filter((k) => k in r.figures), ...Object.keys(r.figures).filter((k) => !barred.includes(k))];
  return keys.map((key) => {
    const value = r.figures[key];
    const bar = r.bars.find((j) => j.key === key);
    return {
      key,
      value: value === null || value === undefined ? (r.failed.includes(key) ? 'error' : 'not measured') : fmt(value),
      spread: spreadText(r.spread[key]),
      baseline: r.baseline[key] ?? '',
      bar: bar ? `${bar.op} ${fmt(bar.value)}` : '',
      verdict: verdictText(bar),
      promise: bar?.promise ?? '',
    };
  });
}

/** The terminal table: one row per figure with its spread, floor, bar and verdict; then notes and errors. */
export function renderTable(r: Pick<Results, 'figures' | 'spread' | 'baseline' | 'bars' | 'failed' | 'notes' | 'errors'>): string {
  const cells = [['figure', 'value', 'spread (min..max)', 'baseline (floor, same run)', 'bar', 'verdict'],
    ...rows(r).map((row) => [row.key, row.value, row.spread, row.baseline, row.bar, row.verdict])];
  const widths = cells[0]!.map((_, c) => Math.max(...cells.map((row) => row[c]!.length)));
  const line = (row: string[]) => row.map((cell, c) => (c === 1 ? cell.padStart(widths[c]!) : cell.padEnd(widths[c]!))).join('  ').trimEnd();
  const out = [line(cells[0]!), widths.map((w) => '-'.repeat(w)).join('  '), ...cells.slice(1).map(line)];
  const notes = Object.entries(r.notes);
  if (notes.length) out.push('', 'Notes:', ...notes.map(([k, n]) => `  ${k}: ${n}`));
  const errors = Object.entries(r.errors);
  if (errors.length) out.push('', 'Errors:', ...errors.map(([k, e]) => `  ${k}: ${e}`));
  return out.join('\n');
}

const md = (s: string) => s.replace(/\|/g, '\\|').replace(/\s*\n\s*/g, ' ');

/** The README's performance table, generated from bench/results.json by `npm run docs` (checked by `check:docs`). */
export function renderMarkdown(r: Results): string {
  const met = r.bars.filter((b) => b.verdict === 'met').length;
  const { before, after } = r.meta.load_average_1m;
  return [
    `Latest run: \`${r.meta.command}\`, ${r.meta.date.slice(0, 16).replace('T', ' ')} UTC, node ${r.meta.node}` +
      `${r.meta.chromium ? `, Chromium ${r.meta.chromium}` : ''}, ${r.meta.cpus}; load average (1 min) ${before.toFixed(2)} before, ` +
      `${after.toFixed(2)} after; ${r.meta.seconds} s; **${met} of ${r.bars.length} bars met**.`,
    '',
    '| figure | value | spread (min..max) | baseline (floor, same run) | bar | verdict |',
    '|---|---|---|---|---|---|',
    ...rows(r).map((row) => `| ${md(row.promise ? `\`${row.key}\`: ${row.promise}` : `\`${row.key}\``)} | ${row.value} | ${md(row.spread)} | ${md(row.baseline)} | ${md(row.bar)} | ${row.verdict} |`),
    '',
    'How each figure was taken:',
    '',
    ...Object.entries(r.notes).map(([key, note]) => `- \`${key}\`: ${note.replace(/\s*\n\s*/g, ' ')}`),
    ...Object.entries(r.errors).map(([name, error]) => `- measurement \`${name}\` failed: ${error.replace(/\s*\n\s*/g, ' ')}`),
  ].join('\n');
}
