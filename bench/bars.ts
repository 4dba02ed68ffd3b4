/** The quality bars of product.md, as comparisons on the figures of bench/results.json. */

export type Comparison = '<=' | '<' | '>=' | '==';

export interface Bar {
  key: string;
  op: Comparison;
  value: number;
  /** The promise in product.md this bar stands for. */
  promise: string;
}

export const BARS: readonly Bar[] = [
  { key: 'first_screen_en_gzip_bytes', op: '<=', value: 16_384, promise: 'first screen, English page: drop-in and its chunks, at most 16 KB gzipped' },
  { key: 'first_screen_es_gzip_bytes', op: '<=', value: 16_384, promise: 'first screen, Spanish page, at most 16 KB gzipped' },
  { key: 'bundler_first_screen_gzip_bytes', op: '<=', value: 16_384, promise: 'a bundler app importing the element entry, at most 16 KB gzipped' },
  { key: 'requests_to_first_data_proxy', op: '<=', value: 1, promise: 'first data: one browser round trip in proxy mode' },
  { key: 'requests_to_first_data_direct_page_load', op: '<=', value: 2, promise: 'two in direct mode on a page load' },
  { key: 'first_frame_ratio_many50', op: '<=', value: 2, promise: 'first frame with 50 apps at most 2× a static page of the same cards' },
  { key: 'long_tasks_first_render_many200', op: '==', value: 0, promise: 'with 200 apps no long task in the first render' },
  { key: 'switch_next_paint_ms_p95_many200', op: '<', value: 100, promise: 'with 200 apps a switch\'s click-to-next-paint p95 under 100 ms' },
  { key: 'token_rps_ratio', op: '>=', value: 0.7, promise: 'token endpoint at least 70 % of a bare Express JSON route' },
  { key: 'relay_overhead_ms_p50_many50', op: '<', value: 0.5, promise: 'relay overhead under 0.5 ms p50 on loopback' },
  { key: 'journey_rate_ratio', op: '>=', value: 0.5, promise: 'journey rate at p99 < 100 ms at least half a bare Express app\'s' },
  { key: 'upstream_token_requests_500_concurrent', op: '==', value: 1, promise: 'one token request per customer under 500 concurrent' },
  { key: 'upstream_token_requests_500_concurrent_3_instances', op: '==', value: 1, promise: 'and across three instances' },
];

/** `met`; `missed`; `not measured` (the run gave no number, e.g. no Redis); `error` (the measurement failed). */
export type Verdict = 'met' | 'missed' | 'not measured' | 'error';

export interface Judged extends Bar {
  actual: number | null;
  verdict: Verdict;
}

const holds: Record<Comparison, (a: number, b: number) => boolean> = {
  '<=': (a, b) => a <= b,
  '<': (a, b) => a < b,
  '>=': (a, b) => a >= b,
  '==': (a, b) => a === b,
};

/** `key=value` pairs from `--bar` replace a bar's value, keeping its comparison. */
export function withOverrides(bars: readonly Bar[], overrides: readonly string[]): Bar[] {
  const result = bars.map((b) => ({ ...b }));
  for (const pair of overrides) {
    const [key, raw] = pair.split('=');
    const bar = result.find((b) => b.key === key);
    const value = Number(raw);
    if (!bar || raw === undefined || raw.trim() === '' || !Number.isFinite(value)) {
      throw new Error(`--bar ${pair}: expected key=number with one of: ${bars.map((b) => b.key).join(', ')}`);
    }
    bar.value = value;
  }
  return result;
}

/**
 * Judges every bar whose figure the run was meant to produce (`expected`: the keys of the measurements that ran).
 * A figure that is absent, null or not a finite number was not measured; one whose measurement threw is an error.
 */
export function judge(
  bars: readonly Bar[],
  figures: Record<string, number | null>,
  failed: ReadonlySet<string>,
  expected: ReadonlySet<string>,
): Judged[] {
  return bars.filter((bar) => expected.has(bar.key)).map((bar) => {
    const raw = figures[bar.key];
    const actual = typeof raw === 'number' && Number.isFinite(raw) ? raw : null;
    const verdict: Verdict = failed.has(bar.key) ? 'error'
      : actual === null ? 'not measured'
      : holds[bar.op](actual, bar.value) ? 'met' : 'missed';
    return { ...bar, actual, verdict };
  });
}

/** What `--check` fails on: every bar not met, whether missed or not measured. Empty means the check passes. */
export function failures(judged: readonly Judged[]): string[] {
  return judged.filter((j) => j.verdict !== 'met').map((j) =>
    `${j.key}: ${j.verdict === 'missed' ? `${j.actual} misses` : j.verdict === 'error' ? 'measurement failed, so it cannot meet' : 'not measured, so it cannot meet'} ${j.op} ${j.value}`);
}
