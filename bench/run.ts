// `npm run bench [-- --check] [--bar key=value]... [--only name,name] [--out file]`
// Measures what product.md's quality bars promise, prints a table, writes bench/results.json;
// with --check, exits 1 when a bar is missed or a barred figure could not be measured.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BARS, judge, withOverrides, type Bar } from './bars.js';
import type { Measurement } from './measurement.js';
import { bundle } from './measure/bundle.js';
import { firstData } from './measure/first-data.js';
import { proxyOverhead } from './measure/proxy-overhead.js';
import { render200 } from './measure/render-200.js';
import { sessionStore } from './measure/session-store.js';
import { singleFlight } from './measure/single-flight.js';
import { tokenRps } from './measure/token-rps.js';
import type { Spread } from './stats.js';
import { repoRoot } from './support/spawn.js';
import { renderTable } from './table.js';

// The bundle goes first: it builds dist/, which the browser measurements load.
const MEASUREMENTS: Measurement[] = [bundle, firstData, render200, tokenRps, proxyOverhead, singleFlight, sessionStore];

const { values: args } = parseArgs({
  options: {
    check: { type: 'boolean', default: false },
    bar: { type: 'string', multiple: true, default: [] },
    only: { type: 'string' },
    out: { type: 'string' },
  },
});

let bars: Bar[] = [];
try {
  bars = withOverrides(BARS, args.bar);
} catch (err) {
  console.error((err as Error).message);
  process.exit(2);
}
const only = args.only?.split(',').map((s) => s.trim());
const unknown = only?.filter((name) => !MEASUREMENTS.some((m) => m.name === name)) ?? [];
if (unknown.length) {
  console.error(`--only: unknown ${unknown.join(', ')}; choose from ${MEASUREMENTS.map((m) => m.name).join(', ')}`);
  process.exit(2);
}
// A partial run would leave results.json mixing two runs, so it is written only when asked for by --out.
const out = args.out ?? (only ? undefined : join(repoRoot, 'bench/results.json'));

const started = Date.now();
// Recorded because the machines are shared: a high load says the spreads are wide for a reason.
const loadBefore = loadavg()[0]!;
const figures: Record<string, number | null> = {};
const spread: Record<string, Spread> = {};
const extra: Record<string, unknown> = {};
const notes: Record<string, string> = {};
const errors: Record<string, string> = {};
const failed = new Set<string>();

for (const m of MEASUREMENTS.filter((x) => !only || only.includes(x.name))) {
  const t0 = Date.now();
  process.stderr.write(`bench: ${m.name} ...`);
  try {
    const o = await m.run();
    Object.assign(figures, o.figures);
    Object.assign(spread, o.spread);
    Object.assign(extra, o.extra);
    Object.assign(notes, o.notes);
    process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    // One broken measurement must not hide the others.
    errors[m.name] = err instanceof Error ? err.message : String(err);
    for (const key of m.keys) {
      figures[key] = null;
      failed.add(key);
    }
    process.stderr.write(` failed after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}

const judged = judge(bars, figures, failed).filter((j) => j.key in figures);
console.log(renderTable({ figures, spread, notes, errors, failed, judged }));

const seconds = Math.round((Date.now() - started) / 1000);
const loadAfter = loadavg()[0]!;
if (out) {
  const results = {
    ...figures,
    spread,
    extra,
    notes,
    errors,
    bars: judged.map(({ key, op, value, promise, actual, verdict }) => ({ key, bar: `${op} ${value}`, promise, actual, verdict })),
    meta: {
      date: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      node: process.version,
      cpus: `${cpus().length} × ${cpus()[0]?.model ?? 'unknown'}`,
      seconds,
      load_average_1m: { before: loadBefore, after: loadAfter },
    },
  };
  await writeFile(out, `${JSON.stringify(results, null, 2)}\n`);
}

const missed = judged.filter((j) => j.verdict === 'missed' || j.verdict === 'error');
const load = `load average ${loadBefore.toFixed(1)} → ${loadAfter.toFixed(1)} on ${cpus().length} CPUs`;
console.log(`\n${judged.filter((j) => j.verdict === 'met').length} of ${judged.length} bars met; ${seconds} s; ${load}${out ? `; wrote ${out}` : ''}`);
if (args.check && missed.length) {
  console.log(`check failed: ${missed.map((j) => `${j.key} = ${j.actual ?? j.verdict} (bar ${j.op} ${j.value})`).join('; ')}`);
  process.exitCode = 1;
}
