/**
 * The customer's side of the ledger, mounted by the consent router behind its CSRF and session checks:
 * stops held for the undo window and carried out by the worker, undo, stop-all, the customer's history,
 * and the confirmed writes the proxy relays (recorded first, applied once per idempotency key).
 */
import { randomUUID } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { z } from 'zod';
import {
  consentPaths, IDEMPOTENCY_HEADER, readConsents, type ChangeState, type ReadConsents, type StopAllProgress,
} from '@consent-manager/contract';
import { hashId } from './customer-hash.js';
import { HttpError, sendError } from './errors.js';
import { TooManyInFlightError } from './in-flight.js';
import { toRecord, type ClaimedChange, type Ledger, type LedgerChange } from './ledger.js';
import type { Outcome } from './ledger-worker.js';
import { requestIds, type Logger } from './logger.js';
import type { TokenBroker } from './token-broker.js';
import { UpstreamError, type ConsentCall, type UpstreamResponse } from './upstream.js';
import { logUnreadable } from './unreadable.js';
import { isId } from './validate.js';

export interface LedgerRoutesOptions {
  ledger: Ledger;
  broker: Pick<TokenBroker, 'call'>;
  /** Wakes the worker once a change is recorded. */
  kick: () => void;
  owner: string;
  leaseMs: number;
  /** The bank's undo window: the longest a confirmed stop is held; a request may ask for less. */
  undoMs: number;
  /** Rate limiters: `write` (shared with the proxy's writes) and `read`. */
  writes: RequestHandler;
  reads: RequestHandler;
  /** The bank's policy and step-up hook for a stop (`'*'`: every app); false means it answered and nothing is recorded. */
  permitStop?: (req: Request, res: Response, consentId: string) => Promise<boolean>;
  logger?: Logger;
}

export interface LedgerRoutes {
  /** Mounts the customer's ledger routes on the consent router. */
  mount(router: Router): void;
  /**
   * Records a write the proxy relays, then makes its call to MX, once per idempotency key. Answers like
   * `broker.call`; throws an UpstreamError (MX unreachable) or an HttpError (a replay that cannot be answered).
   */
  applyNow(req: Request, res: Response, write: Write): Promise<UpstreamResponse>;
}

export interface Write {
  action: 'stop' | 'account' | 'auto_share';
  consentId: string;
  accountId?: string;
  value?: boolean;
}

/** The consent call a change makes. */
export function callFor(c: Pick<LedgerChange, 'action' | 'consentId' | 'accountId' | 'value'>): ConsentCall {
  switch (c.action) {
    case 'stop': return { method: 'PUT', path: consentPaths.stop(c.consentId) };
    case 'account': return { method: 'PUT', path: consentPaths.account(c.consentId, c.accountId!), body: { enabled: c.value } };
    case 'auto_share': return { method: 'PUT', path: consentPaths.autoShare(c.consentId), body: { automatic_access: c.value } };
  }
}

/** MX's answer as a ledger outcome. A 401 here survived the broker's fresh-token retry: our credentials, not the change. */
export function classify(answer: UpstreamResponse): Outcome {
  const { status } = answer;
  if (status >= 200 && status < 300) return { kind: 'applied', status };
  if (status === 401) return { kind: 'retry', status, detail: 'upstream_auth_failed' };
  if (status === 429 || status >= 500) return { kind: 'retry', status, detail: 'upstream_unavailable' };
  return { kind: 'failed', status, detail: status === 404 ? 'not_found' : status === 409 ? 'conflict' : 'rejected' };
}

export function classifyError(err: unknown): Outcome {
  if (!(err instanceof UpstreamError)) throw err;
  if (err.kind === 'customer_unknown') return { kind: 'failed', status: err.status, detail: 'customer_unknown' };
  return { kind: 'retry', status: err.status, detail: `upstream_${err.kind}` };
}

/** The worker's `execute`: the change's call to MX as the customer. */
export function executor(broker: Pick<TokenBroker, 'call'>) {
  return async (change: ClaimedChange): Promise<Outcome> => {
    // The customer's bound on MX calls in flight is shared with their browser and with this worker's other calls for
    // them (a stop-all runs several at once): wait for a slot rather than count an attempt that never reached MX.
    for (let wait = 0; ; wait++) {
      try {
        return classify(await broker.call(change.customerRef, callFor(change)));
      } catch (err) {
        if (!(err instanceof TooManyInFlightError)) return classifyError(err);
        if (wait >= IN_FLIGHT_WAITS) return { kind: 'retry', detail: 'customer_busy' };
        await new Promise((resolve) => setTimeout(resolve, IN_FLIGHT_WAIT_MS));
      }
    }
  };
}

/** About the upstream deadline in all: a slot frees when one of the customer's calls ends, at the latest by then. */
const IN_FLIGHT_WAIT_MS = 25;
const IN_FLIGHT_WAITS = 400;

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const KEY = /^[\w.:-]{8,128}$/;
const MAX_HISTORY = 200;

const stopBody = z.strictObject({
  consent_id: z.string().refine(isId, 'must be a consent id'),
  /** The name the customer saw, kept when MX cannot be asked; MX's own name wins. */
  application_name: z.string().max(200).optional(),
  /** The undo window the page offers (the element's `undo-seconds`), up to the bank's; absent: the bank's. */
  undo_seconds: z.number().int().min(0).max(3600).optional(),
});
const seenBody = z.strictObject({ ids: z.array(z.string().regex(UUID, 'must be change ids')).min(1).max(MAX_HISTORY) });
const stopAllBody = z.strictObject({
  undo_seconds: z.number().int().min(0).max(3600).optional(),
  /** The apps the customer confirmed (the widget's "Stop sharing with N shown apps"); absent: every open app. */
  consent_ids: z.array(z.string().refine(isId, 'must be consent ids')).min(1).max(1000).optional(),
});
const historyQuery = z.strictObject({
  limit: z.coerce.number().int().min(1).max(MAX_HISTORY).optional(),
  before: z.iso.datetime({ offset: true }).optional(),
});

function parse<T>(schema: z.ZodType<T>, value: unknown, where = 'body'): T {
  const result = schema.safeParse(value ?? {});
  if (result.success) return result.data;
  const issue = result.error.issues[0];
  const field = issue?.path.join('.') || (issue && 'keys' in issue ? (issue.keys as string[]).join(', ') : '');
  const reason = issue?.code === 'unrecognized_keys' ? 'is not allowed' : issue?.message ?? 'is not valid';
  throw new HttpError(400, `invalid_${where}`, field ? `Field "${field}" ${reason}.` : `The request ${where} is not valid.`);
}

function idempotencyKey(req: Request): string | undefined {
  const key = req.get(IDEMPOTENCY_HEADER);
  if (key === undefined) return undefined;
  if (!KEY.test(key)) throw new HttpError(400, 'invalid_idempotency_key', `${IDEMPOTENCY_HEADER} must be 8 to 128 letters, digits or _ . : -.`);
  return key;
}

const notFound = () => new HttpError(404, 'not_found', 'No such change.');

function progress(batchId: string, rows: LedgerChange[]): Omit<StopAllProgress, 'now'> {
  const counts: Record<ChangeState, number> = { pending: 0, sent: 0, applied: 0, failed: 0, cancelled: 0 };
  for (const r of rows) counts[r.state]++;
  return {
    batch_id: batchId,
    total: rows.length,
    counts,
    done: counts.pending + counts.sent === 0,
    changes: rows.map(toRecord),
  };
}

export function createLedgerRoutes(opts: LedgerRoutesOptions): LedgerRoutes {
  const { ledger, broker, owner, leaseMs } = opts;
  const json = express.json({ limit: 16 * 1024, strict: true });
  const customerOf = (res: Response) => res.locals.customerId as string;
  // `now`: the server's clock, so that a countdown to `due_at` does not depend on the browser's.
  const ok = (res: Response, status: number, body: object) =>
    res.status(status).set('Cache-Control', 'no-store').json({ ...body, now: new Date().toISOString() });

  /**
   * MX's list as the widget reads it: a record no client can act on (no id, an account without its id, a field of
   * the wrong type) is logged by its id and left out, so nothing is ever sent to MX for it.
   */
  async function consents(req: Request, res: Response, customerId: string): Promise<ReadConsents | undefined> {
    try {
      const answer = await broker.call(customerId, { method: 'GET', path: consentPaths.list() });
      const read = answer.status === 200 ? readConsents(answer.body) : undefined;
      if (read) logUnreadable(opts.logger, req, res, customerId, 'ledger', read.unreadable);
      return read;
    } catch (err) {
      if (err instanceof UpstreamError) return undefined;
      throw err;
    }
  }

  function audit(res: Response, change: LedgerChange, created: boolean) {
    opts.logger?.info({
      event: 'consent_audit', customer: change.customer, change: change.id, consent_id: change.consentId,
      account_id: change.accountId, action: change.action, value: change.value, state: change.state,
      due_at: change.dueAt.toISOString(), replay: !created, ...requestIds(res.req, res),
    }, 'consent change recorded');
  }

  async function applyNow(req: Request, res: Response, write: Write): Promise<UpstreamResponse> {
    const customerId = customerOf(res);
    const customer = hashId(customerId);
    const key = idempotencyKey(req);
    const recorded = await ledger.record({
      customer, customerRef: customerId, consentId: write.consentId, accountId: write.accountId ?? null,
      action: write.action, value: write.value ?? null, delayMs: 0, requestId: requestIds(req, res).req_id,
      idempotencyKey: key ?? randomUUID(), start: { as: 'claimed', owner, leaseMs },
    });
    let held: ClaimedChange | undefined;
    if (recorded.created) {
      held = { ...recorded.change, customerRef: customerId };
    } else {
      const earlier = recorded.change;
      const same = earlier.action === write.action && earlier.consentId === write.consentId
        && earlier.accountId === (write.accountId ?? null) && earlier.value === (write.value ?? null);
      if (!same) throw new HttpError(422, 'idempotency_key_reused', `This ${IDEMPOTENCY_HEADER} was used for another change.`);
      if (earlier.state === 'applied') return replay(req, res, customerId, earlier);
      if (earlier.state === 'failed') held = await ledger.reclaim(customer, customerId, earlier.id, owner, leaseMs);
      if (!held) throw new HttpError(409, 'change_in_progress', 'This change is being applied; try again shortly.', { 'Retry-After': '1' });
    }
    try {
      const answer = await broker.call(customerId, callFor(held));
      const outcome = classify(answer);
      await ledger.settle(held.id, owner, outcome.kind === 'applied'
        ? { state: 'applied', mxStatus: outcome.status }
        // The customer is told it failed, so it is never carried out behind their back; a retry with the key tries again.
        : { state: 'failed', mxStatus: outcome.status, detail: outcome.detail });
      return answer;
    } catch (err) {
      // Whatever went wrong (MX, the customer's in-flight bound, our own code), the row must not stay claimed: a
      // retry with the same key would answer "in progress" until the lease ran out.
      const outcome = err instanceof UpstreamError ? classifyError(err) : undefined;
      const detail = outcome && 'detail' in outcome ? outcome.detail : err instanceof TooManyInFlightError ? 'customer_busy' : 'internal_error';
      await ledger.settle(held.id, owner, { state: 'failed', mxStatus: outcome?.status, detail });
      throw err;
    }
  }

  /** A retried write already applied: answered with the consent as MX lists it now, without writing again. */
  async function replay(req: Request, res: Response, customerId: string, change: LedgerChange): Promise<UpstreamResponse> {
    const list = await consents(req, res, customerId);
    if (!list) throw new UpstreamError('unavailable', 'list for an idempotent replay failed');
    const consent = list.consents.find((c) => c.id === change.consentId);
    return consent ? { status: 200, body: consent } : { status: 404, body: null };
  }

  function mount(router: Router): void {
    router.post('/stops', opts.writes, json, async (req, res) => {
      if (!req.is('application/json')) throw new HttpError(415, 'unsupported_media_type', 'The request body must be application/json.');
      const body = parse(stopBody, req.body);
      if (opts.permitStop && !(await opts.permitStop(req, res, body.consent_id))) return;
      const key = idempotencyKey(req);
      const customerId = customerOf(res);
      // MX's list says whether the app is the customer's, whether it is already stopped, and its name. When MX
      // cannot be asked, the stop is recorded anyway: the worker finds out when it is due.
      const list = await consents(req, res, customerId);
      const consent = list?.consents.find((c) => c.id === body.consent_id);
      if (list && !consent && list.unreadable.some((u) => u.id === body.consent_id)) {
        return sendError(res, 422, 'unreadable_consent', 'This app’s record could not be read, so it cannot be changed here. Contact your bank.');
      }
      if (list && !consent) return sendError(res, 404, 'not_found', 'No such connected app.');
      const name = consent?.application_name ?? body.application_name ?? null;
      const { change, created } = await ledger.record({
        customer: hashId(customerId), customerRef: customerId, consentId: body.consent_id, applicationName: name,
        action: 'stop', delayMs: Math.min(opts.undoMs, (body.undo_seconds ?? Infinity) * 1000), requestId: requestIds(req, res).req_id,
        idempotencyKey: key ?? null,
        start: consent?.revoked_at ? { as: 'applied', detail: 'already_stopped' } : { as: 'pending' },
      });
      if (!created && (change.action !== 'stop' || change.consentId !== body.consent_id)) {
        throw new HttpError(422, 'idempotency_key_reused', `This ${IDEMPOTENCY_HEADER} was used for another change.`);
      }
      audit(res, change, created);
      if (created && change.state === 'pending') opts.kick();
      ok(res, created && change.state === 'pending' ? 202 : 200, { change: toRecord(change) });
    });

    router.delete('/stops/:id', opts.writes, async (req, res) => {
      const id = String(req.params.id);
      const customer = hashId(customerOf(res));
      const change = UUID.test(id) ? await ledger.cancel(customer, id) : undefined;
      if (!change || change.action !== 'stop') throw notFound();
      if (change.state !== 'cancelled') {
        return sendError(res, 409, 'too_late', change.state === 'applied'
          ? 'Sharing has already stopped; it cannot be undone.'
          : 'Sharing is already being stopped; it cannot be undone.');
      }
      opts.logger?.info({ event: 'consent_audit', customer, change: id, action: 'cancel', ...requestIds(req, res) }, 'stop cancelled');
      ok(res, 200, { change: toRecord(change) });
    });

    // One request for every app: its write limit counts the request, not the stops inside it.
    router.post('/stop-all', opts.writes, json, async (req, res) => {
      const body = req.body === undefined ? {} : parse(stopAllBody, req.body);
      if (opts.permitStop && !(await opts.permitStop(req, res, '*'))) return;
      const customerId = customerOf(res);
      const list = await consents(req, res, customerId);
      if (!list) throw new HttpError(502, 'upstream_unavailable', 'The consent service is unavailable.');
      // Records that could not be read are logged (consents()) and not stopped: nothing is sent for what was not read.
      const asked = body.consent_ids && new Set(body.consent_ids);
      const open = list.consents.filter((c) => isId(c.id) && !c.revoked_at && (!asked || asked.has(c.id)));
      const batchId = randomUUID();
      const customer = hashId(customerId);
      const rows = await ledger.recordBatch(open.map((c) => ({
        customer, customerRef: customerId, consentId: c.id, action: 'stop' as const,
        delayMs: Math.min(opts.undoMs, (body.undo_seconds ?? 0) * 1000),
        applicationName: c.application_name,
        requestId: requestIds(req, res).req_id,
      })), batchId);
      opts.logger?.info({ event: 'consent_audit', customer, action: 'stop_all', batch: batchId, stops: rows.length, ...requestIds(req, res) }, 'stop all recorded');
      opts.kick();
      ok(res, 202, progress(batchId, rows));
    });

    router.get('/stop-all/:batchId', opts.reads, async (req, res) => {
      const batchId = String(req.params.batchId);
      const rows = UUID.test(batchId) ? await ledger.batch(hashId(customerOf(res)), batchId) : [];
      if (rows.length === 0) throw new HttpError(404, 'not_found', 'No such stop-all request.');
      ok(res, 200, progress(batchId, rows));
    });

    // Undo of "stop every app": one request, whatever the number of apps.
    router.delete('/stop-all/:batchId', opts.writes, async (req, res) => {
      const batchId = String(req.params.batchId);
      const rows = UUID.test(batchId) ? await ledger.cancelBatch(hashId(customerOf(res)), batchId) : [];
      if (rows.length === 0) throw new HttpError(404, 'not_found', 'No such stop-all request.');
      ok(res, 200, progress(batchId, rows));
    });

    router.get('/changes', opts.reads, async (req, res) => {
      const query = parse(historyQuery, req.query, 'query');
      const rows = await ledger.history(hashId(customerOf(res)), {
        limit: query.limit ?? 50, before: query.before ? new Date(query.before) : undefined,
      });
      ok(res, 200, { changes: rows.map(toRecord) });
    });

    router.post('/changes/seen', opts.reads, json, async (req, res) => {
      const body = parse(seenBody, req.body);
      ok(res, 200, { marked: await ledger.markSeen(hashId(customerOf(res)), body.ids) });
    });

    router.get('/changes/:id', opts.reads, async (req, res) => {
      const id = String(req.params.id);
      const change = UUID.test(id) ? await ledger.get(hashId(customerOf(res)), id) : undefined;
      if (!change) throw notFound();
      ok(res, 200, { change: toRecord(change) });
    });
  }

  return { mount, applyNow };
}
