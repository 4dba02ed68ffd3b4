/** Summaries over repeated runs: machines here are shared and noisy, so one number alone proves little. */

export interface Spread {
  median: number;
  min: number;
  max: number;
  runs: number;
}

/** Linear interpolation between closest ranks, so p50 of an even count is the mean of the middle two. */
export function percentile(values: readonly number[], p: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = (p / 100) * (sorted.length - 1);
  const lo = Math.floor(rank);
  const hi = Math.ceil(rank);
  return sorted[lo]! + (sorted[hi]! - sorted[lo]!) * (rank - lo);
}

export const median = (values: readonly number[]) => percentile(values, 50);

export function spread(values: readonly number[]): Spread {
  return { median: median(values), min: Math.min(...values), max: Math.max(...values), runs: values.length };
}

export const round = (value: number, digits = 3) => Number(value.toFixed(digits));
