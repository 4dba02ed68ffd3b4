import type { Spread } from './stats.js';

/** What one measurement hands the runner. Figures are null when not measured; a note then says why. */
export interface Outcome {
  figures: Record<string, number | null>;
  /** Per figure, the spread over repeated runs (the figure itself is the median, or a pooled percentile). */
  spread?: Record<string, Spread>;
  /** Supporting numbers (raw rates, latencies) that explain a figure but are not held to a bar. */
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
