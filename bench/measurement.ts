import type { Spread } from './stats.js';

/** What one measurement hands the runner. A figure it could not measure is null, with a note that says why. */
export interface Outcome {
  figures: Record<string, number | null>;
  /** Per figure, the spread over repeated runs (the figure itself is the median, or a pooled percentile). */
  spread?: Record<string, Spread>;
  /** Per figure, the floor it is divided by (or compared with), measured in the same run. */
  baseline?: Record<string, string>;
  /** Supporting numbers (absolute times, raw rates) that explain a figure; for reading, never held to a bar. */
  extra?: Record<string, unknown>;
  notes?: Record<string, string>;
}

export interface Measurement {
  /** Used by `--only`. */
  name: string;
  /** The figures it produces, so a failed run still shows each as an error rather than omitting it. */
  keys: string[];
  run(): Promise<Outcome>;
}
