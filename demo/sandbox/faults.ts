/**
 * Injected misbehaviour, so clients can be tested against the failures a real upstream has:
 * slow answers, errors, connections reset before or after a write took effect, garbage bodies.
 */
import { z } from 'zod';
import { ENDPOINTS, type EndpointKey } from './stats.js';

export const FAULT_KINDS = ['error', 'drop', 'malformed', 'apply_then_drop', 'latency', 'bad_record', 'sparse_record'] as const;
export type FaultKind = (typeof FAULT_KINDS)[number];
export type FaultTarget = EndpointKey | '*';

export interface FaultSpec {
  kind: FaultKind;
  /** Delay before the request is handled; applies to every kind, and is all that `latency` does. */
  latency_ms?: number;
  /** Status for `error` (default 500). */
  status?: number;
  /** Probability 0..1 that a matching request is hit (default 1). */
  rate?: number;
  /** Hit only the next N matching requests, then the fault is gone. Deterministic, unlike `rate`. */
  next?: number;
  /** Set by `outage()`: the fault lasts until `endOutage()` for its endpoint. */
  outage?: boolean;
  /** For `bad_record` and `sparse_record`: which consent of the list is changed (default 0, the first). */
  record?: number;
  /** For `bad_record`: the field it loses, its first account's `account_id` (default) or its own `id`. */
  field?: 'account_id' | 'id';
}

export interface Fault extends FaultSpec {
  endpoint: FaultTarget;
}

/**
 * Accepted by `set`: one fault, a list of faults (each naming its endpoint), or a map from endpoint
 * key to one fault or a list.
 */
export type FaultInput = Fault | Fault[] | Partial<Record<FaultTarget, FaultSpec | FaultSpec[]>>;

/** How an endpoint is down during an outage: answering an error status, or resetting every connection. */
export interface OutageOptions {
  kind?: 'error' | 'drop';
  /** For `error`; default 503 (with `Retry-After: 1`). */
  status?: number;
}

export interface FaultController {
  /** Replaces every fault. Throws a FaultValidationError on input that does not fit. */
  set(input: FaultInput): void;
  add(fault: Fault): void;
  clear(): void;
  /** The faults still armed, `next` counting down as they fire. */
  list(): Fault[];
  /**
   * Takes an endpoint down (default: the token endpoint, answering 503) until `endOutage`. The outage is
   * armed ahead of every other fault, so nothing gets through; arming it again replaces it.
   */
  outage(endpoint?: FaultTarget, opts?: OutageOptions): Fault;
  /** Ends the outage of that endpoint (default `token`); other faults stay armed. */
  endOutage(endpoint?: FaultTarget): void;
}

export class FaultValidationError extends Error {}

const target = z.enum([...ENDPOINTS, '*']);
const spec = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  latency_ms: z.number().int().min(0).max(120_000).optional(),
  status: z.number().int().min(400).max(599).optional(),
  rate: z.number().min(0).max(1).optional(),
  next: z.number().int().min(1).optional(),
  outage: z.boolean().optional(),
  record: z.number().int().min(0).optional(),
  field: z.enum(['account_id', 'id']).optional(),
});
const fault = spec.extend({ endpoint: target });
const input = z.union([
  fault.transform((f) => [f]),
  z.array(fault),
  z.partialRecord(target, z.union([spec, z.array(spec)])).transform((byEndpoint) =>
    Object.entries(byEndpoint).flatMap(([endpoint, specs]) =>
      (Array.isArray(specs) ? specs : specs ? [specs] : []).map((s) => ({ ...s, endpoint: endpoint as FaultTarget })),
    ),
  ),
]);

export function parseFaults(value: unknown): Fault[] {
  const parsed = input.safeParse(value);
  if (!parsed.success) throw new FaultValidationError(z.prettifyError(parsed.error));
  return parsed.data;
}

export class Faults implements FaultController {
  private armed: Fault[] = [];

  constructor(private readonly random: () => number = Math.random) {}

  set(value: FaultInput): void {
    this.armed = parseFaults(value);
  }

  add(value: Fault): void {
    this.armed.push(...parseFaults(value));
  }

  clear(): void {
    this.armed = [];
  }

  list(): Fault[] {
    return this.armed.map((f) => ({ ...f }));
  }

  outage(endpoint: FaultTarget = 'token', opts: OutageOptions = {}): Fault {
    const kind = opts.kind ?? 'error';
    const [fault] = parseFaults({ endpoint, kind, ...(kind === 'error' ? { status: opts.status ?? 503 } : {}), outage: true });
    this.endOutage(endpoint);
    this.armed.unshift(fault!);
    return { ...fault! };
  }

  endOutage(endpoint: FaultTarget = 'token'): void {
    this.armed = this.armed.filter((f) => !(f.outage && f.endpoint === endpoint));
  }

  /** The fault that hits this request, if any; the first armed match in list order wins. */
  take(endpoint: EndpointKey): Fault | undefined {
    for (const f of this.armed) {
      if (f.endpoint !== endpoint && f.endpoint !== '*') continue;
      if (f.rate !== undefined && this.random() >= f.rate) continue;
      if (f.next !== undefined) {
        f.next--;
        if (f.next === 0) this.armed.splice(this.armed.indexOf(f), 1);
      }
      return { ...f };
    }
    return undefined;
  }
}

/**
 * mulberry32: a tiny seeded PRNG, so that `rate` faults hit the same requests on every run
 * (`faultSeed`) and tests can draw reproducible random input.
 */
export function seededRandom(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
