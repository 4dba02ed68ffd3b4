// `npm run bench [-- --check] [--bar key=value]... [--only name,name] [--out file]`
// Measures what product.md's quality bars promise, each timing as a ratio to (or a difference from) a floor measured
// in the same run, prints a table, writes bench/results.json (the README's table is generated from it).
// With --check, exits 1 when a bar is missed or its figure could not be measured.
import { writeFile } from 'node:fs/promises';
import { cpus, loadavg } from 'node:os';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { BARS, failures, judge, withOverrides, type Bar } from './bars.js';
import type { Measurement } from './measurement.js';
import { bundle } from './measure/bundle.js';
import { firstFrame } from './measure/first-frame.js';
import { journey } from './measure/journey.js';
import { mainThread } from './measure/main-thread.js';
import { relay } from './measure/relay.js';
import { singleFlight } from './measure/single-flight.js';
import { tokenRps } from './measure/token-rps.js';
import { repoRoot } from './support/spawn.js';
import { renderTable, type Results } from './table.js';

// The bundle goes first: it builds dist/, which the browser measurements load.
const MEASUREMENTS: Measurement[] = [bundle, firstFrame, mainThread, tokenRps, relay, journey, singleFlight];

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
const results: Omit<Results, 'bars' | 'meta'> = { figures: {}, spread: {}, baseline: {}, extra: {}, notes: {}, errors: {}, failed: [] };
const failed = new Set<string>();
const expected = new Set<string>();

for (const m of MEASUREMENTS.filter((x) => !only || only.includes(x.name))) {
  const t0 = Date.now();
  m.keys.forEach((key) => expected.add(key));
  process.stderr.write(`bench: ${m.name} ...`);
  try {
    const o = await m.run();
    for (const key of m.keys) results.figures[key] = o.figures[key] ?? null;
    Object.assign(results.figures, o.figures);
    Object.assign(results.spread, o.spread);
    Object.assign(results.baseline, o.baseline);
    Object.assign(results.extra, o.extra);
    Object.assign(results.notes, o.notes);
    process.stderr.write(` ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  } catch (err) {
    // One broken measurement must not hide the others.
    results.errors[m.name] = err instanceof Error ? err.message : String(err);
    for (const key of m.keys) {
      results.figures[key] = null;
      failed.add(key);
    }
    process.stderr.write(` failed after ${((Date.now() - t0) / 1000).toFixed(1)} s\n`);
  }
}

results.failed = [...failed];
const judged = judge(bars, results.figures, failed, expected);
console.log(renderTable({ ...results, bars: judged }));

const seconds = Math.round((Date.now() - started) / 1000);
const loadAfter = loadavg()[0]!;
if (out) {
  const written: Results = {
    ...results,
    bars: judged,
    meta: {
      date: new Date().toISOString(),
      command: `npm run bench${process.argv.length > 2 ? ` -- ${process.argv.slice(2).join(' ')}` : ''}`,
      node: process.version,
      chromium: typeof results.extra.chromium === 'string' ? results.extra.chromium : undefined,
      cpus: `${cpus().length} × ${cpus()[0]?.model.trim() ?? 'unknown'}`,
      seconds,
      load_average_1m: { before: loadBefore, after: loadAfter },
    },
  };
  await writeFile(out, `${JSON.stringify(written, null, 2)}\n`);
}

const load = `load average ${loadBefore.toFixed(2)} → ${loadAfter.toFixed(2)} on ${cpus().length} CPUs`;
console.log(`\n${judged.filter((j) => j.verdict === 'met').length} of ${judged.length} bars met; ${seconds} s; ${load}${out ? `; wrote ${out}` : ''}`);
const failing = failures(judged);
if (args.check && failing.length) {
  console.log(`check failed:\n  ${failing.join('\n  ')}`);
  process.exitCode = 1;
}
