// `node --import tsx bench/profile.ts <file> [--top n] [--last ms]`: what a figure's time goes to, from a profile the
// bench wrote: a server's V8 CPU profile (`BENCH_CPU_PROF=dir`, `<dir>/<server>/*.cpuprofile`) or a page load's
// Chromium trace (`BENCH_TRACE=dir`, `<dir>/<name>.json`). Prints self time per function, its share of the busy time
// (idle left out), and per package or file; for a trace also the main thread's rendering work and, for each task of
// 50 ms or more, what ran in it. Functions of the drop-in build are named by its source maps (widget/dist/*.map).
import { existsSync, readFileSync } from 'node:fs';
import { basename, join } from 'node:path';
import { parseArgs } from 'node:util';
import { originalPositionFor, TraceMap } from '@jridgewell/trace-mapping';
import { repoRoot } from './support/spawn.js';

interface CallFrame {
  functionName: string;
  url?: string;
  lineNumber: number;
  columnNumber: number;
}
interface ProfileNode {
  id: number;
  callFrame: CallFrame;
  parent?: number;
  children?: number[];
}
/** One sample: when (µs, the profile's clock) and the node (stack) it hit. */
type Sample = [at: number, id: number];

const { values: args, positionals } = parseArgs({
  allowPositionals: true,
  options: { top: { type: 'string', default: '20' }, last: { type: 'string' } },
});
const file = positionals[0];
if (!file) {
  console.error('usage: bench/profile.ts <file.cpuprofile | trace.json> [--top n] [--last ms]');
  process.exit(2);
}
const top = Number(args.top);

const maps = new Map<string, TraceMap | undefined>();
function where(cf: CallFrame): string {
  const name = cf.functionName || '(anonymous)';
  const url = cf.url ?? '';
  const dist = join(repoRoot, 'widget/dist', `${basename(url)}.map`);
  if (/consent-manager[\w.-]*\.js$/.test(url) && !maps.has(dist)) maps.set(dist, existsSync(dist) ? new TraceMap(readFileSync(dist, 'utf8')) : undefined);
  const map = maps.get(dist);
  if (map) {
    const o = originalPositionFor(map, { line: cf.lineNumber + 1, column: cf.columnNumber });
    if (o.source) return `${o.name ?? name}\t${short(o.source)}:${o.line}`;
  }
  return `${name}\t${url ? `${short(url)}:${cf.lineNumber + 1}` : '(native)'}`;
}
const short = (url: string) => url.replace(/^.*node_modules\//, '').replace(/^file:\/\/|^https?:\/\/[^/]+/, '').replace(repoRoot, '').replace(/^(\.\.\/)+/, '');
/** The package of a node_modules file, else the file (a function's key is `name<TAB>place`). */
const pkg = (key: string) => key.split('\t')[1]!.replace(/:\d+$/, '').replace(/^((@[^/]+\/)?[^/]+)\/.*\.m?js$/, '$1');
const ms = (us: number) => `${(us / 1000).toFixed(1)} ms`;
const pct = (part: number, whole: number) => `${((100 * part) / whole).toFixed(1).padStart(5)} %`;

/** Self time per function and per package of the samples in [from, to]. */
function selfTime(nodes: Map<number, ProfileNode>, samples: Sample[], weights: number[], from = -Infinity, to = Infinity) {
  const byFunction = new Map<string, number>();
  let busy = 0;
  samples.forEach(([at, id], i) => {
    const cf = nodes.get(id)?.callFrame;
    if (!cf || at < from || at > to || cf.functionName == '(idle)') return;
    const key = where(cf);
    byFunction.set(key, (byFunction.get(key) ?? 0) + weights[i]!);
    busy += weights[i]!;
  });
  const byPackage = new Map<string, number>();
  for (const [key, us] of byFunction) byPackage.set(pkg(key), (byPackage.get(pkg(key)) ?? 0) + us);
  const sorted = (m: Map<string, number>) => [...m].sort((a, b) => b[1] - a[1]);
  return { busy, functions: sorted(byFunction), packages: sorted(byPackage) };
}

function print(title: string, s: ReturnType<typeof selfTime>) {
  console.log(`${title}: ${ms(s.busy)} busy; self time by function`);
  for (const [key, us] of s.functions.slice(0, top)) console.log(`  ${pct(us, s.busy)}  ${key.replace('\t', ' ')}`);
  console.log('by package or file');
  for (const [key, us] of s.packages.slice(0, 12)) console.log(`  ${pct(us, s.busy)}  ${key}`);
}

const data = JSON.parse(readFileSync(file, 'utf8')) as { nodes?: ProfileNode[]; samples?: number[]; timeDeltas?: number[]; startTime?: number; traceEvents?: TraceEvent[] };

if (data.nodes) {
  // A V8 CPU profile: a server's whole life; --last keeps the load, not the start.
  const nodes = new Map(data.nodes.map((n) => [n.id, n]));
  let at = data.startTime ?? 0;
  const samples: Sample[] = data.samples!.map((id, i) => [(at += data.timeDeltas![i] ?? 0), id]);
  const end = at;
  const from = args.last ? end - Number(args.last) * 1000 : -Infinity;
  print(`${file}${args.last ? ` (last ${args.last} ms)` : ''}`, selfTime(nodes, samples, data.timeDeltas!, from));
} else {
  trace(data.traceEvents ?? []);
}

interface TraceEvent {
  name: string;
  ph: string;
  pid: number;
  tid: number;
  ts: number;
  dur?: number;
  args?: { name?: string; data?: { startTime?: number; cpuProfile?: { nodes?: ProfileNode[]; samples?: number[] }; timeDeltas?: number[] } };
}

function trace(events: TraceEvent[]) {
  // The page's renderer main thread: the one that evaluated the page's scripts.
  const main = events.find((e) => e.name == 'thread_name' && e.args?.name == 'CrRendererMain'
    && events.some((x) => x.pid == e.pid && x.tid == e.tid && x.name == 'EvaluateScript'));
  if (!main) throw new Error('no renderer main thread that ran a script in this trace');
  const own = events.filter((e) => e.pid == main.pid && e.tid == main.tid && e.ph == 'X');
  const tasks = own.filter((e) => e.name == 'RunTask');
  const t0 = Math.min(...tasks.map((t) => t.ts));
  const RENDERING = ['ParseHTML', 'UpdateLayoutTree', 'Layout', 'PrePaint', 'Paint', 'Layerize', 'Commit', 'MinorGC', 'MajorGC', 'v8.compileModule'];
  const rendering = (from: number, to: number) => {
    const sums = new Map<string, number>();
    for (const e of own) if (RENDERING.includes(e.name) && e.ts >= from && e.ts < to) sums.set(e.name, (sums.get(e.name) ?? 0) + e.dur!);
    return [...sums].sort((a, b) => b[1] - a[1]).map(([k, v]) => `${k} ${ms(v)}`).join(', ');
  };
  console.log(`${file}: main thread ${ms(tasks.reduce((a, t) => a + t.dur!, 0))} in tasks; ${rendering(-Infinity, Infinity)}`);

  const nodes = new Map<number, ProfileNode>();
  const samples: Sample[] = [];
  const weights: number[] = [];
  let at = events.find((e) => e.name == 'Profile' && e.pid == main.pid)?.args?.data?.startTime ?? 0;
  for (const chunk of events.filter((e) => e.name == 'ProfileChunk' && e.pid == main.pid)) {
    const profile = chunk.args?.data?.cpuProfile ?? {};
    for (const n of profile.nodes ?? []) nodes.set(n.id, n);
    (profile.samples ?? []).forEach((id, i) => {
      const d = chunk.args?.data?.timeDeltas?.[i] ?? 0;
      samples.push([(at += d), id]);
      weights.push(d);
    });
  }
  if (!samples.length) return console.log('(no JS samples: trace without the disabled-by-default-v8.cpu_profiler category)');
  print('JS samples (native work such as style and layout shows as "(program)")', selfTime(nodes, samples, weights));
  for (const task of tasks.filter((t) => t.dur! >= 50_000)) {
    const s = selfTime(nodes, samples, weights, task.ts, task.ts + task.dur!);
    console.log(`long task at ${ms(task.ts - t0)} for ${ms(task.dur!)}: ${rendering(task.ts, task.ts + task.dur!) || 'no rendering'}`);
    console.log(`    ${s.functions.slice(0, 5).map(([k, us]) => `${pct(us, s.busy).trim()} ${k.replace('\t', ' ')}`).join(' | ')}`);
  }
}
