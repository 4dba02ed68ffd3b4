import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { BARS, failures, judge, withOverrides, type Bar } from '../../bench/bars.js';
import { renderMarkdown, type Results } from '../../bench/table.js';

const ratio: Bar = { key: 'token_rps_ratio', op: '>=', value: 0.7, promise: 'token endpoint ≥ 70 %' };
const overhead: Bar = { key: 'relay_overhead_ms_p50_many50', op: '<', value: 0.5, promise: 'relay overhead < 0.5 ms' };
const both = new Set([ratio.key, overhead.key]);
const none = new Set<string>();

describe('bench --check: which bars pass', () => {
  it('passes_when_every_bar_is_met', () => {
    const judged = judge([ratio, overhead], { token_rps_ratio: 0.81, relay_overhead_ms_p50_many50: 0.31 }, none, both);
    assert.deepEqual(judged.map((j) => j.verdict), ['met', 'met']);
    assert.deepEqual(failures(judged), []);
  });

  it('fails_when_a_bar_is_missed', () => {
    const judged = judge([ratio, overhead], { token_rps_ratio: 0.52, relay_overhead_ms_p50_many50: 0.31 }, none, both);
    assert.deepEqual(judged.map((j) => j.verdict), ['missed', 'met']);
    assert.deepEqual(failures(judged), ['token_rps_ratio: 0.52 misses >= 0.7']);
  });

  it('fails_when_a_figure_could_not_be_measured_null_absent_or_not_a_number', () => {
    for (const figures of [{ token_rps_ratio: null }, {}, { token_rps_ratio: Number.NaN }] as Record<string, number | null>[]) {
      const judged = judge([ratio], figures, none, new Set([ratio.key]));
      assert.equal(judged[0]!.verdict, 'not measured');
      assert.deepEqual(failures(judged), ['token_rps_ratio: not measured, so it cannot meet >= 0.7']);
    }
  });

  it('fails_when_the_measurement_threw', () => {
    const judged = judge([ratio], { token_rps_ratio: null }, new Set([ratio.key]), new Set([ratio.key]));
    assert.equal(judged[0]!.verdict, 'error');
    assert.equal(failures(judged).length, 1);
  });

  it('judges_only_the_bars_of_measurements_that_ran', () => {
    const judged = judge([ratio, overhead], { relay_overhead_ms_p50_many50: 0.2 }, none, new Set([overhead.key]));
    assert.deepEqual(judged.map((j) => j.key), [overhead.key]);
    assert.deepEqual(failures(judged), []);
  });

  it('holds_strict_and_inclusive_comparisons_at_the_boundary', () => {
    assert.equal(judge([overhead], { relay_overhead_ms_p50_many50: 0.5 }, none, both)[0]!.verdict, 'missed');
    assert.equal(judge([ratio], { token_rps_ratio: 0.7 }, none, both)[0]!.verdict, 'met');
    const exact: Bar = { key: 'n', op: '==', value: 1, promise: '' };
    assert.equal(judge([exact], { n: 2 }, none, new Set(['n']))[0]!.verdict, 'missed');
  });

  it('every_bar_of_product_md_is_there_once', () => {
    const keys = BARS.map((b) => b.key);
    assert.equal(new Set(keys).size, keys.length);
    for (const key of ['first_screen_en_gzip_bytes', 'first_screen_es_gzip_bytes', 'bundler_first_screen_gzip_bytes',
      'token_rps_ratio', 'relay_overhead_ms_p50_many50', 'first_frame_ratio_many50', 'long_tasks_first_render_many200',
      'switch_next_paint_ms_p95_many200', 'journey_rate_ratio', 'requests_to_first_data_proxy', 'requests_to_first_data_direct_page_load',
      'upstream_token_requests_500_concurrent', 'upstream_token_requests_500_concurrent_3_instances']) {
      assert.ok(keys.includes(key), key);
    }
  });
});

describe('bench --bar overrides', () => {
  it('moves_one_bar_keeping_its_comparison', () => {
    const [moved] = withOverrides([ratio], ['token_rps_ratio=0.5']);
    assert.deepEqual({ op: moved!.op, value: moved!.value }, { op: '>=', value: 0.5 });
    assert.equal(ratio.value, 0.7);
  });

  it('refuses_an_unknown_key_or_a_value_that_is_not_a_number', () => {
    assert.throws(() => withOverrides([ratio], ['nope=1']), /expected key=number/);
    assert.throws(() => withOverrides([ratio], ['token_rps_ratio=']), /expected key=number/);
    assert.throws(() => withOverrides([ratio], ['token_rps_ratio=fast']), /expected key=number/);
  });
});

describe('the README performance table', () => {
  it('shows_each_figure_with_its_spread_floor_bar_and_verdict_and_the_load_average', () => {
    const bars = judge([ratio], { token_rps_ratio: 0.52 }, none, new Set([ratio.key]));
    const results: Results = {
      figures: { token_rps_ratio: 0.52, memory_mb_per_1000_sessions: 4.5 },
      spread: { token_rps_ratio: { median: 0.52, min: 0.41, max: 0.6, runs: 10 } },
      baseline: { token_rps_ratio: 'bare Express route' },
      extra: {}, notes: {}, errors: {}, failed: [], bars,
      meta: { date: '2026-11-30T20:50:00.000Z', command: 'npm run bench -- --check', node: 'v20.20.2', cpus: '2 × cpu', seconds: 600,
        load_average_1m: { before: 0.8, after: 1.9 } },
    };
    const table = renderMarkdown(results);
    assert.match(table, /load average \(1 min\) 0\.80 before, 1\.90 after/);
    assert.match(table, /\*\*0 of 1 bars met\*\*/);
    assert.match(table, /\| `token_rps_ratio`: token endpoint ≥ 70 % \| 0\.520 \| 0\.410\.\.0\.600, 10 runs \| bare Express route \| >= 0\.700 \| MISSED \|/);
    assert.match(table, /\| `memory_mb_per_1000_sessions` \| 4\.50 \|/);
  });
});
