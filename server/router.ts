import { createHash } from 'node:crypto';
import express, { type Request, type RequestHandler, type Response, type Router } from 'express';
import { MemoryStore, rateLimit, type Options as RateLimitOptions, type Store as RateLimitStore } from 'express-rate-limit';
import { consentPaths, readConsent, readConsents, STEP_UP_REQUIRED, type ConsentMode, type ConsentPolicy, type TokenRequest, type TokenResponse } from '@consent-manager/contract';
import { csrfGuard } from './csrf.js';
import { hashId } from './customer-hash.js';
import { HttpError, sendError } from './errors.js';
import { createLedgerRoutes } from './ledger-routes.js';
import { setUpLedger, type LedgerOptions } from './ledger-setup.js';
import { TooManyInFlightError } from './in-flight.js';
import { requestIds, type Logger } from './logger.js';
import { createTokenBroker, TokenFetchLimitedError, tokenFetchLimit } from './token-broker.js';
import { createMemoryTokenStore, TokenWaitTimeoutError, type TokenStore } from './token-store.js';
import { createUpstreamClient, UpstreamError, type ConsentCall, type UpstreamOptions, type UpstreamResponse } from './upstream.js';
import { logUnreadable } from './unreadable.js';
import { accountBody, autoShareBody, parseBody, pathId } from './validate.js';

export interface ConsentRouterOptions {
  /** Where and how to reach MX. The credentials stay on this server. */
  upstream: UpstreamOptions & {
    /** The MX base the browser calls in direct mode when it differs from `baseUrl`. */
    publicBaseUrl?: string;
    /** Treat every token as single-use (MX's hosted dashboard says its tokens are). */
    singleUseTokens?: boolean;
  };
  /** The customer's `openid_connect_user_id` for this request; default: `req.session.customerId`. */
  getCustomerId?: (req: Request) => string | undefined | Promise<string | undefined>;
  /**
   * `proxy` (default): relay the consent calls, no token reaches the browser. `direct` or `both` hand MX tokens to
   * the widget: a token handed out stays valid at MX until its `exp`, whatever the bank's logout does.
   */
  mode?: ConsentMode | 'both';
  /** Origins besides this server's own that may call the router (the page embedding the widget). */
  allowedOrigins?: string[];
  limits?: {
    /** Upstream token fetches per customer, whichever route needs the token (default 30). */
    tokenPerMinute?: number;
    /** `GET` list and `POST /token` requests per customer (default 120). */
    readsPerMinute?: number;
    writesPerMinute?: number;
    /** Consent calls one customer may have in flight upstream (default 4). */
    inFlightPerCustomer?: number;
    bodyBytes?: number;
  };
  /** Shared stores for several instances (Redis); in-memory, bounded, when absent. */
  tokenStore?: TokenStore;
  /** A new store per limiter (`token-fetch`, `read`, `write`): express-rate-limit refuses one store shared by two limiters. */
  rateLimitStore?: (limiter: string) => RateLimitStore;
  logger?: Logger;
  /**
   * What customers may change; anything not `editable` is refused (403 `policy_forbidden`) before MX is called.
   * Stopping sharing altogether is always allowed. Needs `mode: 'proxy'`: a direct-mode token writes to MX itself.
   */
  policy?: { accounts?: ConsentPolicy; autoShare?: ConsentPolicy };
  /**
   * Asked before each stop is recorded (one app, or `consentId: '*'` for every app); `false` answers 401
   * `step_up_required` and records and sends nothing, so the bank can require a fresh authentication server-side
   * (the widget's cancelable `consent-before-stop` is only the page's). Needs `mode: 'proxy'`.
   */
  beforeStop?: (req: Request, stop: { customerId: string; consentId: string }) => boolean | Promise<boolean>;
  /** The consent ledger every confirmed change is recorded in, and the bank's undo window (ledger-setup.ts). */
  ledger?: LedgerOptions;
}

export interface ConsentRouter extends Router {
  /**
   * The CSRF and Origin check on its own. Mount it on the same path before the session middleware, so a forgery
   * is refused before the session is read: `app.use('/consent', router.guard); app.use(session(...));
   * app.use('/consent', router)`. The router checks again in case it is not.
   */
  guard: RequestHandler;
  /** Drops the customer's cached token; call it from the bank's logout. */
  forgetCustomer(customerId: string): Promise<void>;
  close(): Promise<void>;
}

/** A customer's change, as the audit line records it. */
interface Change {
  action: 'auto_share' | 'account' | 'stop';
  consentId: string;
  accountId?: string;
  value?: unknown;
}

/** The BFF a bank mounts: `app.use('/consent', createConsentRouter(opts))`, after its own session middleware. */
export function createConsentRouter(opts: ConsentRouterOptions): ConsentRouter {
  const mode = opts.mode ?? 'proxy';
  const policy = { accounts: opts.policy?.accounts ?? 'editable', autoShare: opts.policy?.autoShare ?? 'editable' };
  if ((policy.accounts !== 'editable' || policy.autoShare !== 'editable' || opts.beforeStop) && mode !== 'proxy') {
    throw new TypeError(`createConsentRouter: a policy or beforeStop hook needs mode 'proxy' (mode '${mode}' hands the browser an MX token that writes past them)`);
  }

  const upstream = createUpstreamClient(opts.upstream);
  const tokenStore = opts.tokenStore ?? createMemoryTokenStore();
  const fetches = opts.rateLimitStore?.('token-fetch') ?? new MemoryStore();
  const fetchesReady = fetches.init?.({ windowMs: 60_000 } as RateLimitOptions);
  const broker = createTokenBroker({
    upstream,
    store: tokenStore,
    singleUse: opts.upstream.singleUseTokens,
    inFlightPerCustomer: opts.limits?.inFlightPerCustomer,
    beforeFetch: tokenFetchLimit({
      increment: async (key) => {
        await fetchesReady;
        return fetches.increment(key);
      },
    }, opts.limits?.tokenPerMinute ?? 30),
  });
  const publicApiBase = opts.upstream.publicBaseUrl
    ? createPublicApiBase(opts.upstream.publicBaseUrl, opts.upstream.version)
    : upstream.apiBase;
  const getCustomerId = opts.getCustomerId ?? ((req: Request) => req.session?.customerId);
  const log = opts.logger;

  const guard = csrfGuard(opts.allowedOrigins ?? []);
  const router = express.Router() as ConsentRouter;
  router.use(guard);
  router.use(async (req, res, next) => {
    const customerId = await getCustomerId(req);
    if (typeof customerId !== 'string' || customerId === '') {
      return sendError(res, 401, 'not_logged_in', 'Log in to manage connected apps.');
    }
    res.locals.customerId = customerId;
    next();
  });

  const limiter = (name: string, perMinute: number) => rateLimit({
    windowMs: 60_000,
    limit: perMinute,
    standardHeaders: 'draft-7',
    legacyHeaders: false,
    // Keyed by customer, not IP: the limits protect MX's quota for a customer whatever device they use.
    keyGenerator: (_req, res) => `${name}:${res.locals.customerId as string}`,
    store: opts.rateLimitStore?.(name),
    handler: (req, res) => {
      const reset = (req as Request & { rateLimit?: { resetTime?: Date } }).rateLimit?.resetTime;
      const seconds = reset ? Math.max(1, Math.ceil((reset.getTime() - Date.now()) / 1000)) : 60;
      res.set('Retry-After', String(seconds));
      sendError(res, 429, 'rate_limited', `Too many requests; try again in ${seconds} s.`);
    },
  });

  let readLimiter: RequestHandler | undefined;
  const reads = () => (readLimiter ??= limiter('read', opts.limits?.readsPerMinute ?? 120));
  const writes = limiter('write', opts.limits?.writesPerMinute ?? 60);
  const ledger = setUpLedger(opts.ledger ?? {}, { broker, logger: log });
  const audit = (res: Response, change: Change, outcome: string, status?: number) => {
    log?.info({
      event: 'consent_audit', customer: hashId(res.locals.customerId as string), consent_id: change.consentId,
      ...(change.accountId !== undefined ? { account_id: change.accountId } : {}),
      action: change.action, value: change.value, outcome, upstream_status: status, ...requestIds(res.req, res),
    }, 'consent change');
  };
  /** Refuses a write the bank's policy or step-up hook does not allow: audited, answered, nothing recorded or sent. */
  const permit = async (req: Request, res: Response, change: Change): Promise<boolean> => {
    const allowed = change.action === 'account' ? policy.accounts : change.action === 'auto_share' ? policy.autoShare : 'editable';
    if (allowed !== 'editable') {
      audit(res, change, 'forbidden_by_policy');
      sendError(res, 403, 'policy_forbidden', 'Your bank does not let this setting be changed here.');
      return false;
    }
    if (change.action === 'stop' && opts.beforeStop
      && !(await opts.beforeStop(req, { customerId: res.locals.customerId as string, consentId: change.consentId }))) {
      audit(res, change, STEP_UP_REQUIRED);
      sendError(res, 401, STEP_UP_REQUIRED, 'Confirm it is you before you stop sharing.');
      return false;
    }
    return true;
  };
  const changes = createLedgerRoutes({
    ...ledger, ledger: ledger.store, broker, writes, reads: limiter('ledger', 300), logger: log,
    permitStop: (req, res, consentId) => permit(req, res, { action: 'stop', consentId }),
  });

  if (mode !== 'proxy') {
    const tokenJson = express.json({ limit: 8 * 1024, strict: true });
    router.post('/token', reads(), tokenJson, async (req, res) => {
      const customerId = res.locals.customerId as string;
      // The widget names a token MX refused before its exp (revoked, or single-use upstream); dropping it only
      // if it is still the cached one means a customer can evict nothing but their own stale token.
      const refused = (req.body as TokenRequest | undefined)?.refused;
      if (typeof refused === 'string' && refused.length <= 4096) await broker.evict(customerId, refused);
      const token = await broker.token(customerId).catch((err: unknown) => rethrowUpstream(err, log));
      const body: TokenResponse = {
        access_token: token.token,
        expires_at: new Date(token.expiresAt).toISOString(),
        api_base: publicApiBase,
        session: sessionMarker(req, customerId),
        ...(opts.upstream.singleUseTokens ? { single_use: true } : {}),
      };
      res.set('Cache-Control', 'no-store').json(body);
    });
  }

  if (mode !== 'direct') {
    const json = express.json({ limit: opts.limits?.bodyBytes ?? 1024, strict: true });
    const relay = async (res: Response, call: ConsentCall, change?: Change) => {
      const customerId = res.locals.customerId as string;
      let outcome = 'failed';
      let status: number | undefined;
      try {
        // A confirmed change is recorded in the ledger before it is sent, and sent once per idempotency key.
        const answer = await (change
          ? changes.applyNow(res.req, res, { action: change.action, consentId: change.consentId, accountId: change.accountId, value: writtenValue(call.body) })
          : broker.call(customerId, call, await abandoned(res))).catch((err: unknown) => rethrowUpstream(err, log));
        status = answer.status;
        // MX refused the token (after the broker's fresh one) or failed: answered and logged as any failed MX call.
        if (answer.status === 401 || answer.status >= 500) {
          rethrowUpstream(new UpstreamError(answer.status === 401 ? 'auth_rejected' : 'unavailable', `consent ${call.method} answered ${answer.status}`, answer.status), log);
        }
        if (answer.status >= 400) {
          outcome = 'rejected';
          return relayUpstreamError(res, answer.status);
        }
        outcome = 'applied';
        sendUpstreamJson(res, answer);
        // MX's bytes went out as they came; the records in them no client can act on are logged once they have.
        setImmediate(() => reportUnreadable(res, call, answer.body));
      } finally {
        if (change) audit(res, change, outcome, status);
      }
    };

    /** Reads what MX answered (already parsed by the upstream client) as the widget will, for the log only. */
    const reportUnreadable = (res: Response, call: ConsentCall, body: unknown) => {
      const customerId = res.locals.customerId as string;
      if (call.method === 'GET') {
        const read = readConsents(body);
        if (read) logUnreadable(log, res.req, res, customerId, 'list', read.unreadable);
        return;
      }
      const one = readConsent(body);
      if ('unreadable' in one) {
        const id = (body as { id?: unknown } | null)?.id;
        logUnreadable(log, res.req, res, customerId, 'write', [{ index: 0, id: typeof id === 'string' ? id : null, reason: one.unreadable }]);
      }
    };

    router.get('/api/consent_management', reads(), async (_req, res) => {
      await relay(res, { method: 'GET', path: consentPaths.list() });
    });
    router.put('/api/consent_management/:id/accounts', writes, json, async (req, res) => {
      const id = pathId(req, 'id');
      const body = parseBody(autoShareBody, req);
      const change: Change = { action: 'auto_share', consentId: id, value: body };
      if (await permit(req, res, change)) await relay(res, { method: 'PUT', path: consentPaths.autoShare(id), body }, change);
    });
    router.put('/api/consent_management/:id/accounts/:accountId', writes, json, async (req, res) => {
      const id = pathId(req, 'id');
      const accountId = pathId(req, 'accountId');
      const body = parseBody(accountBody, req);
      const change: Change = { action: 'account', consentId: id, accountId, value: body };
      if (await permit(req, res, change)) await relay(res, { method: 'PUT', path: consentPaths.account(id, accountId), body }, change);
    });
    router.put('/api/consent_management/:id/disable_app_sharing', writes, noBody(opts.limits?.bodyBytes ?? 1024), async (req, res) => {
      const id = pathId(req, 'id');
      const change: Change = { action: 'stop', consentId: id };
      if (await permit(req, res, change)) await relay(res, { method: 'PUT', path: consentPaths.stop(id) }, change);
    });
  }

  changes.mount(router);

  const notFound: RequestHandler = (_req, res) => sendError(res, 404, 'not_found', 'No such route.');
  router.use(notFound);

  router.guard = guard;
  router.forgetCustomer = (customerId) => broker.evict(customerId);
  router.close = async () => {
    await ledger.close();
    await upstream.close();
    await tokenStore.close?.();
  };
  return router;
}

/** Stop sharing takes no body; one that comes anyway is refused rather than silently ignored. */
function noBody(limit: number): RequestHandler {
  return (req, _res, next) => {
    const length = Number(req.get('content-length') ?? 0);
    if (length > limit) throw new HttpError(413, 'body_too_large', 'The request body is too large.');
    if (length > 0 || req.get('transfer-encoding')) throw new HttpError(400, 'unexpected_body', 'This request takes no body.');
    next();
  };
}

function createPublicApiBase(baseUrl: string, version: string): string {
  return `${baseUrl.replace(/\/+$/, '')}/api/${encodeURIComponent(version)}`;
}

/**
 * Aborts when the browser goes away before its answer is sent, so the upstream call it started ends too. Resolves
 * after the event loop has polled its sockets once more: a request read just before its connection closed is under
 * way while the close still waits in the socket, so it is read first and an abandoned request reaches nothing upstream.
 */
async function abandoned(res: Response): Promise<AbortSignal> {
  const left = new AbortController();
  const socket = res.socket;
  if (!socket || socket.destroyed || socket.readableEnded) left.abort();
  else {
    const leave = () => {
      if (!res.writableFinished) left.abort();
    };
    res.once('close', leave);
    socket.once('end', leave);
    res.once('finish', () => socket.off('end', leave));
  }
  // The second turn's check phase comes after a poll phase, in which a close that arrived meanwhile is read.
  for (let turn = 0; turn < 2; turn++) await new Promise((resolve) => setImmediate(resolve));
  return left.signal;
}

/**
 * Changes whenever the session (where the bank's session middleware names it, as express-session does) or its
 * customer does, and says nothing about either: the widget compares it across token answers and never uses a token,
 * or a list, from an earlier session (`TokenResponse.session`).
 */
function sessionMarker(req: Request, customerId: string): string {
  return createHash('sha256').update(`${req.sessionID ?? ''}\0${customerId}`).digest('base64url').slice(0, 22);
}

/**
 * A successful answer goes out as the bytes MX sent (checked to be JSON by the upstream client): serialising the
 * parsed body again, and hashing it for an ETag nobody may use under no-store, cost more than the relay itself.
 */
function sendUpstreamJson(res: Response, answer: UpstreamResponse): void {
  res.set('Cache-Control', 'no-store').status(answer.status);
  if (!answer.raw) return void res.json(answer.body);
  res.set({ 'Content-Type': 'application/json; charset=utf-8', 'Content-Length': String(answer.raw.length) }).end(answer.raw);
}

/** MX's status, in our words: MX's own text may say anything, and never reaches the browser. */
const UPSTREAM_REFUSALS: Record<number, [code: string, message: string]> = {
  400: ['upstream_bad_request', 'The consent service could not accept this change.'],
  404: ['not_found', 'This app or account is not among your connections.'],
  409: ['conflict', 'This app no longer shares data, so it cannot be changed.'],
};

function relayUpstreamError(res: Response, status: number): void {
  const [code, message] = UPSTREAM_REFUSALS[status] ?? ['upstream_rejected', 'The consent service refused the request.'];
  sendError(res, status, code, message);
}

function rethrowUpstream(err: unknown, log?: Logger): never {
  if (err instanceof TokenWaitTimeoutError) throw new HttpError(504, 'upstream_timeout', 'The consent service did not answer in time.');
  if (err instanceof TokenFetchLimitedError) {
    throw new HttpError(429, 'rate_limited', `Too many requests; try again in ${err.retryAfterSeconds} s.`,
      { 'Retry-After': String(err.retryAfterSeconds) });
  }
  if (err instanceof TooManyInFlightError) {
    throw new HttpError(429, 'too_many_in_flight', 'Too many requests at once; try again in a moment.', { 'Retry-After': '1' });
  }
  if (!(err instanceof UpstreamError)) throw err;
  // The operator's one clue to why a customer got a 502 or 504: the kind, MX's status and our own words (no secrets).
  if (err.kind !== 'aborted' && err.kind !== 'unexpected' && err.kind !== 'customer_unknown') {
    log?.warn({ event: 'upstream_failed', kind: err.kind, status: err.status, detail: err.message }, 'an MX call failed');
  }
  switch (err.kind) {
    case 'too_large': throw new HttpError(502, 'upstream_too_large', 'The consent service sent an answer too large to use.');
    // Nobody is waiting for this answer; the status is for the request log.
    case 'aborted': throw new HttpError(499, 'client_closed', 'The request was abandoned.');
    case 'timeout': throw new HttpError(504, 'upstream_timeout', 'The consent service did not answer in time.');
    case 'auth_rejected': throw new HttpError(502, 'upstream_auth_failed', 'The consent service refused our credentials.');
    case 'customer_unknown': throw new HttpError(404, 'customer_unknown', 'The consent service does not know this customer.');
    case 'unexpected':
      log?.warn({ event: 'upstream_unexpected_answer', status: err.status, detail: err.message }, 'MX gave an answer its description does not define');
      throw new HttpError(502, 'upstream_unexpected', 'The consent service gave an answer we did not expect.');
    default: throw new HttpError(502, 'upstream_unavailable', 'The consent service is unavailable.');
  }
}

export { hashId };

/** The boolean a write sets (`enabled` or `automatic_access`); a stop sets none. */
function writtenValue(body: unknown): boolean | undefined {
  const value = Object.values((body ?? {}) as Record<string, unknown>)[0];
  return typeof value === 'boolean' ? value : undefined;
}
