/**
 * The stops' side of the BFF's consent ledger, as the stop queue needs it: in the stop chunk, so the first screen
 * carries none of it. Reached on the BFF in both modes (in direct mode too the BFF, not the browser, holds a stop).
 */
import { ledgerPaths, type ChangeAnswer, type ChangeRecord, type ChangeState, type Consent, type HistoryAnswer, type StopAllProgress } from '@consent-manager/contract';
import { ApiError, type ApiClient } from './api-client.js';

/** One stop as the ledger holds it. */
export interface Stop {
  id: string;
  consent: string;
  name: string | null;
  state: ChangeState;
  detail: string | null;
  /** MX refused for now and the BFF tries again later (it keeps trying for hours). */
  retrying: boolean;
  batch: string | null;
  /** The due time on this browser's clock. */
  until: number;
}

/** A stop of several apps ("stop sharing with every app"). */
export interface Batch {
  id: string;
  until: number;
  done: boolean;
  ids: string[];
  stops: Stop[];
}

/** Outstanding stops found on load: one app's, or a batch's. */
export interface Outstanding {
  id: string;
  batch?: string;
  ids: string[];
  until: number;
}

const STATES = new Set<string>(['pending', 'sent', 'applied', 'failed', 'cancelled']);

const malformed = () => new ApiError('malformed', 'The server sent an unexpected answer.');

/** The server's `now` against ours: a countdown to `due_at` that does not depend on how wrong the browser's clock is. */
function skewOf(body: { now?: unknown }) {
  const now = Date.parse(String(body?.now));
  return Number.isNaN(now) ? 0 : Date.now() - now;
}

function stopOf(r: ChangeRecord, skew: number): Stop {
  const due = Date.parse(r?.due_at);
  if (typeof r?.id != 'string' || typeof r.consent_id != 'string' || !STATES.has(r.state) || Number.isNaN(due)) throw malformed();
  const outstanding = r.state == 'pending' || r.state == 'sent';
  return {
    id: r.id,
    consent: r.consent_id,
    name: typeof r.application_name == 'string' ? r.application_name : null,
    state: r.state,
    detail: typeof r.detail == 'string' ? r.detail : null,
    retrying: outstanding && typeof r.detail == 'string',
    batch: typeof r.batch_id == 'string' ? r.batch_id : null,
    until: due + skew,
  };
}

function batchOf(body: StopAllProgress): Batch {
  if (typeof body?.batch_id != 'string' || !Array.isArray(body.changes)) throw malformed();
  const skew = skewOf(body);
  const stops = body.changes.map((c) => stopOf(c, skew));
  return {
    id: body.batch_id,
    until: Math.max(Date.now(), ...stops.map((s) => s.until)),
    done: stops.every((s) => s.state != 'pending' && s.state != 'sent'),
    ids: stops.map((s) => s.consent),
    stops,
  };
}

function one(body: unknown): Stop {
  const b = body as ChangeAnswer;
  return stopOf(b?.change, skewOf(b));
}

export function ledger(client: ApiClient) {
  const call = client.bff;
  return {
    /** Records a confirmed stop, due after `seconds` (the BFF caps it at the bank's window). Retried safely: one key. */
    stop: async (c: Consent, seconds: number) =>
      one(await call('POST', ledgerPaths.stops(), { consent_id: c.id, application_name: c.application_name ?? undefined, undo_seconds: seconds }, crypto.randomUUID())),
    /** Cancels a pending stop: true if cancelled, false if it is already on its way (`409 too_late`). */
    undo: async (id: string) => {
      try {
        return one(await call('DELETE', ledgerPaths.stop(id))).state == 'cancelled';
      } catch (e) {
        if (e instanceof ApiError && e.status == 409) return false;
        throw e;
      }
    },
    change: async (id: string) => one(await call('GET', ledgerPaths.change(id))),
    /** One request for every app named, whatever their number. */
    stopAll: async (ids: string[], seconds: number) =>
      batchOf((await call('POST', ledgerPaths.stopAll(), { consent_ids: ids, undo_seconds: seconds })) as StopAllProgress),
    batch: async (id: string) => batchOf((await call('GET', ledgerPaths.stopAllProgress(id))) as StopAllProgress),
    undoBatch: async (id: string) => batchOf((await call('DELETE', ledgerPaths.stopAllProgress(id))) as StopAllProgress),
  };
}

/** The customer's stops still pending or being sent, from their recent changes (the visit's first read), a batch's stops as one. */
export function outstanding(body: HistoryAnswer): Outstanding[] {
  const skew = skewOf(body);
  const found = new Map<string, Outstanding>();
  for (const c of body.changes) {
    if (c?.action != 'stop' || (c.state != 'pending' && c.state != 'sent')) continue;
    const s = stopOf(c, skew);
    const key = s.batch ?? s.id;
    const o = found.get(key) ?? { id: s.id, ...(s.batch ? { batch: s.batch } : {}), ids: [], until: s.until };
    o.ids.push(s.consent);
    o.until = Math.max(o.until, s.until);
    found.set(key, o);
  }
  return [...found.values()];
}
