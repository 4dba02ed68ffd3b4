// Open-loop load: requests are sent on a fixed schedule whatever the answers do, and each latency is taken from the
// moment its request was due, so a server that falls behind shows it in the percentiles (no coordinated omission).
// `highestRate` steps the rate up and finds the highest one whose p99 stays under a bound with no errors.
import { Agent, request } from 'undici';
import { percentile } from './stats.js';

/** Sends the i-th request of a load; rejects unless the answer was a success. */
export type Send = (i: number, dispatcher: Agent) => Promise<void>;

export interface StepResult {
  rate: number;
  requests: number;
  errors: number;
  p50: number;
  p99: number;
  /** The schedule could not be kept: more requests in flight than the cap. */
  overrun: boolean;
  passed: boolean;
}

export interface RateOptions {
  /** Bound on p99 latency in ms. */
  p99Ms: number;
  stepSeconds: number;
  startRate: number;
  factor: number;
  maxRate: number;
  /** Halvings of the gap between the last rate that passed and the first that failed. */
  refinements: number;
  /** More requests in flight than this and the step fails (the server is not keeping up). */
  maxInFlight: number;
}

export async function runStep(send: Send, rate: number, seconds: number, opts: Pick<RateOptions, 'p99Ms' | 'maxInFlight'>): Promise<StepResult> {
  const dispatcher = new Agent({ connections: opts.maxInFlight, pipelining: 1, keepAliveTimeout: 30_000 });
  const total = Math.max(1, Math.round(rate * seconds));
  const latencies: number[] = [];
  let errors = 0;
  let inFlight = 0;
  let overrun = false;
  try {
    await new Promise<void>((resolve) => {
      const t0 = performance.now() + 5;
      let next = 0;
      let done = 0;
      const settle = (due: number, ok: boolean) => {
        latencies.push(performance.now() - due);
        if (!ok) errors++;
        if (++done === total) resolve();
      };
      const tick = () => {
        const now = performance.now();
        while (next < total && t0 + (next * 1000) / rate <= now) {
          const due = t0 + (next * 1000) / rate;
          const i = next++;
          if (inFlight >= opts.maxInFlight) {
            overrun = true;
            settle(due, false);
            continue;
          }
          inFlight++;
          const answered = (ok: boolean) => {
            inFlight--;
            settle(due, ok);
          };
          send(i, dispatcher).then(() => answered(true), () => answered(false));
        }
        if (next < total) setTimeout(tick, 1);
      };
      tick();
    });
  } finally {
    await dispatcher.close();
  }
  const p99 = percentile(latencies, 99);
  return { rate, requests: total, errors, p50: percentile(latencies, 50), p99, overrun, passed: errors === 0 && !overrun && p99 < opts.p99Ms };
}

/** Steps the rate up by `factor` until a rate fails, then narrows the gap; the highest rate that passed, and every step. */
export async function highestRate(send: Send, opts: RateOptions): Promise<{ rate: number; steps: StepResult[] }> {
  const steps: StepResult[] = [];
  let passed = 0;
  let failed = Infinity;
  // A shared machine has bursts of other work: a step fails only when it fails twice in a row.
  const attempt = async (rate: number) => {
    const first = await runStep(send, rate, opts.stepSeconds, opts);
    steps.push(first);
    if (first.passed) return first;
    const second = await runStep(send, rate, opts.stepSeconds, opts);
    steps.push(second);
    return second;
  };
  for (let rate = opts.startRate; rate <= opts.maxRate; rate = Math.round(rate * opts.factor)) {
    const step = await attempt(rate);
    if (!step.passed) {
      failed = rate;
      break;
    }
    passed = rate;
  }
  for (let i = 0; i < opts.refinements && Number.isFinite(failed) && failed - passed > 1; i++) {
    const rate = Math.round((passed + failed) / 2);
    if ((await attempt(rate)).passed) passed = rate;
    else failed = rate;
  }
  return { rate: passed, steps };
}

/** One HTTP call of a load: its answer's body is read in full; anything but a 2xx answer rejects. */
export async function call(dispatcher: Agent, url: string, method: 'GET' | 'PUT' | 'POST', headers: Record<string, string>, body?: unknown): Promise<void> {
  const res = await request(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    dispatcher,
  });
  const text = await res.body.text();
  if (res.statusCode < 200 || res.statusCode > 299) throw new Error(`${method} ${new URL(url).pathname}: HTTP ${res.statusCode} ${text.slice(0, 120)}`);
}
