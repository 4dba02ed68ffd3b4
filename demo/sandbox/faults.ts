/**
 * Injected misbehaviour, so clients can be tested against the failures a real upstream has:
 * slow answers, errors, connections reset before or after a write took effect, garbage bodies.
 */
import { z } from 'zod';
import { ENDPOINTS, type EndpointKey } from './stats.js';

export const FAULT_KINDS = ['error', 'drop', 'malformed', 'apply_then_drop', 'latency'] as const;
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
}

export interface Fault extends FaultSpec {
  endpoint: FaultTarget;
}

/**
 * Accepted by `set`: one fault, a list of faults (each naming its endpoint), or a map from endpoint
 * key to one fault or a list.
 */
export type FaultInput = Fault | Fault[] | Partial<Record<FaultTarget, FaultSpec | FaultSpec[]>>;

export interface FaultController {
  /** Replaces every fault. Throws a FaultValidationError on input that does not fit. */
  set(input: FaultInput): void;
  add(fault: Fault): void;
  clear(): void;
  /** The faults still armed, `next` counting down as they fire. */
  list(): Fault[];
}

export class FaultValidationError extends Error {}

const target = z.enum([...ENDPOINTS, '*']);
const spec = z.strictObject({
  kind: z.enum(FAULT_KINDS),
  latency_ms: z.number().int().min(0).max(120_000).optional(),
  status: z.number().int().min(400).max(599).optional(),
  rate: z.number().min(0).max(1).optional(),
  next: z.number().int().min(1).optional(),
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
