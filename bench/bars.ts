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
  { key: 'requests_to_first_data_direct_cold', op: '<=', value: 2, promise: 'two in direct mode' },
  { key: 'requests_to_first_data_direct_warm', op: '<=', value: 1, promise: 'one when a token is cached' },
  { key: 'token_rps_ratio', op: '>=', value: 0.7, promise: 'token endpoint at least 70 % of a bare Express endpoint' },
  { key: 'proxy_overhead_ms_p50', op: '<', value: 1, promise: 'relay overhead under 1 ms p50 on loopback' },
  { key: 'upstream_token_requests_500_concurrent', op: '==', value: 1, promise: 'one token request per customer under 500 concurrent' },
  {
    key: 'upstream_token_requests_500_concurrent_3_instances', op: '==', value: 1,
    promise: 'and across instances',
  },
];

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

/** A figure that failed to measure fails the check; one deliberately left out (null, no error) does not. */
export function judge(bars: readonly Bar[], figures: Record<string, number | null>, failed: ReadonlySet<string>): Judged[] {
  return bars.map((bar) => {
    const actual = figures[bar.key] ?? null;
    const verdict: Verdict = failed.has(bar.key) ? 'error'
      : actual === null ? 'not measured'
      : holds[bar.op](actual, bar.value) ? 'met' : 'missed';
    return { ...bar, actual, verdict };
  });
}
