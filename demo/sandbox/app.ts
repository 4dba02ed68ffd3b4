/**
 * The MX Consent Management API simulator as a mountable Express app:
 * `app.use('/mx', createSandbox(opts).handler)` or `http.createServer(createSandbox(opts).handler)`.
 */
import { randomBytes } from 'node:crypto';
import express, { type ErrorRequestHandler, type Express } from 'express';
import { OffsetClock, type SandboxClock } from './clock.js';
import type { SandboxContext } from './context.js';
import { cors } from './cors.js';
import { Faults, seededRandom, type FaultController, type FaultInput } from './faults.js';
import { serveLogo } from './logos.js';
import { sendError, type AnswerCheck } from './respond.js';
import { apiRouter } from './routes/api.js';
import { controlsRouter } from './routes/controls.js';
import { ID_STYLES, seedCustomers, type IdStyle } from './seed.js';
import { RequestLog, StatsRecorder, type RecordedRequest, type SandboxStats } from './stats.js';
import { renderConsent, ConsentStore, type SandboxConsent } from './store.js';
import { TokenService } from './tokens.js';

export type { SandboxClock } from './clock.js';
export type { Fault, FaultController, FaultInput, FaultKind, FaultSpec, FaultTarget, OutageOptions } from './faults.js';
export type { EndpointCounts, EndpointKey, RecordedRequest, SandboxStats } from './stats.js';
export type { AnswerCheck, SandboxAnswer } from './respond.js';
export type { IdStyle } from './seed.js';
export type { SandboxAccount, SandboxConsent } from './store.js';

export interface SandboxOptions {
  clientId: string;
  clientSecret: string;
  /** HS256 key for the tokens; random per start if absent. */
  signingSecret?: string;
  /** The token's `_id` claim. Default 'demobank'. */
  institutionCode?: string;
  /** Default 300, as MX documents. */
  tokenTtlSeconds?: number;
  /** Reject a token's second use (MX's hosted dashboard does this; the API may). Default false. */
  singleUse?: boolean;
  /**
   * Browser origins allowed to call the API directly (CORS). Default none. A function is asked on each
   * request, for a page whose address is known only once its server listens.
   */
  corsOrigins?: readonly string[] | (() => readonly string[]);
  /** Base URL where the sandbox is reachable, no trailing slash; icon URLs are built on it. */
  publicUrl: string | (() => string);
  /** Give any unknown, well-formed customer id a small generated data set instead of a 404. */
  autoProvision?: boolean;
  /** Serve the loopback-only `/__sandbox/*` control routes. Default true. */
  controls?: boolean;
  /**
   * Keep `Authorization` headers verbatim in the request log (`/__sandbox/requests`, `requests()`). Default false:
   * they are kept as `<scheme> [redacted]`, since they hold the bank's Basic credentials and live bearer tokens.
   */
  recordAuthorization?: boolean;
  /** Faults armed from the start and again at every reset (e.g. a CI run under 10 % dropped connections). */
  faults?: FaultInput;
  /** Seed for the `rate` draws, so a faulted run hits the same requests every time (and again after reset). */
  faultSeed?: number;
  /**
   * Leave out every consent field that is null, an empty string or an empty list, as a serializer may: MX's
   * description requires no field. Default false (every field sent, `null` where empty).
   */
  omitEmpty?: boolean;
  /** `sandbox` (default): `CNS-<uuid>` / `ACT-<uuid>`. `mx`: the shapes of MX's examples, `_sadfa3CKHJ23...` / `1234123412341234`. */
  idStyle?: IdStyle;
  /**
   * For tests: given every answer of the API before it is sent (not the `malformed` fault's cut-off ones). A returned
   * message is a drift from MX's description: the answer becomes a 500 naming it, so the test that caused it fails.
   */
  checkAnswer?: AnswerCheck;
}

export interface Sandbox {
  handler: Express;
  stats(): SandboxStats;
  /** Restores seed data, stats, recorded requests, faults, clock and the single-use setting. */
  reset(): void;
  /** The last 500 requests, oldest first (control routes excluded). */
  requests(): RecordedRequest[];
  faults: FaultController;
  clock: SandboxClock;
  /** A customer's consents as the sandbox holds them (every field, whatever `omitEmpty`), without spending a request. */
  consents(customerId: string): SandboxConsent[];
  setSingleUse(on: boolean): void;
  /** Leaves null and empty fields out of answers from now on (or not); reset restores the start option. */
  setOmitEmpty(on: boolean): void;
  /** Reseeds every customer's data with ids of this style (the data's other changes are lost); reset restores the start option. */
  setIdStyle(style: IdStyle): void;
}

const trimSlash = (url: string) => url.replace(/\/+$/, '');

/** `Bearer [redacted]`: the scheme shows what kind of credential came, not the credential. */
const redact = (authorization: string) => `${/^\S+(?=\s)/.exec(authorization)?.[0] ?? ''} [redacted]`.trimStart();

function requireText(value: unknown, name: string): string {
  if (typeof value !== 'string' || value.length === 0) throw new TypeError(`createSandbox: ${name} must be a non-empty string`);
  return value;
}

const errorHandler: ErrorRequestHandler = (err: { status?: unknown; type?: unknown }, _req, res, next) => {
  if (res.headersSent) return next(err);
  const status = typeof err.status === 'number' && err.status >= 400 && err.status < 600 ? err.status : 500;
  const message =
    status === 413 ? 'request body too large'
    : err.type === 'entity.parse.failed' ? 'request body is not valid JSON'
    : status < 500 ? 'invalid request'
    : 'internal sandbox error';
  sendError(res, status, message);
};

export function createSandbox(opts: SandboxOptions): Sandbox {
  const clientId = requireText(opts.clientId, 'clientId');
  const clientSecret = requireText(opts.clientSecret, 'clientSecret');
  const ttlSeconds = opts.tokenTtlSeconds ?? 300;
  if (!Number.isInteger(ttlSeconds) || ttlSeconds <= 0) throw new TypeError('createSandbox: tokenTtlSeconds must be a positive integer');
  const rawPublicUrl = opts.publicUrl;
  const publicUrl = typeof rawPublicUrl === 'function' ? () => trimSlash(rawPublicUrl()) : () => trimSlash(rawPublicUrl);

  const idStyle = opts.idStyle ?? 'sandbox';
  if (!ID_STYLES.includes(idStyle)) throw new TypeError(`createSandbox: idStyle must be one of ${ID_STYLES.join(', ')}`);
  const answers = { omitEmpty: opts.omitEmpty ?? false, idStyle };
  const clock = new OffsetClock();
  const store = new ConsentStore(() => seedCustomers(clock.now(), answers.idStyle));
  const stats = new StatsRecorder();
  const requests = new RequestLog(500);
  // Validated now, so a bad start option fails at start rather than at the first reset.
  const startFaults = new Faults();
  try {
    if (opts.faults !== undefined) startFaults.set(opts.faults);
  } catch (err) {
    throw new TypeError(`createSandbox: faults do not fit (as PUT /__sandbox/faults takes them): ${(err as Error).message}`, { cause: err });
  }
  const newRandom = () => (opts.faultSeed === undefined ? Math.random : seededRandom(opts.faultSeed));
  let random = newRandom();
  const faults = new Faults(() => random());
  faults.set(startFaults.list());
  const tokens = new TokenService({
    secret: opts.signingSecret ?? randomBytes(32).toString('base64url'),
    institutionCode: opts.institutionCode ?? 'demobank',
    ttlSeconds,
    singleUse: opts.singleUse ?? false,
  }, clock);

  const ctx: SandboxContext = {
    clientId,
    clientSecret,
    autoProvision: opts.autoProvision ?? false,
    answers,
    setIdStyle(style) {
      answers.idStyle = style;
      store.reset();
    },
    checkAnswer: opts.checkAnswer,
    publicUrl,
    clock,
    store,
    stats,
    requests,
    faults,
    tokens,
    reset() {
      // Clock first: the seed dates itself from it.
      clock.reset();
      answers.omitEmpty = opts.omitEmpty ?? false;
      answers.idStyle = idStyle;
      store.reset();
      stats.reset();
      requests.clear();
      faults.set(startFaults.list());
      random = newRandom();
      tokens.reset();
    },
  };

  const app = express();
  app.disable('x-powered-by');
  // Without this, a repeated GET of an unchanged list could be answered 304, which MX never does.
  app.set('etag', false);
  app.set('case sensitive routing', true);

  app.use((req, res, next) => {
    res.setHeader('X-Content-Type-Options', 'nosniff');
    if (!/^\/__sandbox(\/|$)/.test(req.path)) {
      const headers = { ...req.headers };
      if (headers.authorization && !opts.recordAuthorization) headers.authorization = redact(headers.authorization);
      requests.record({ method: req.method, path: req.url, headers, at: clock.iso() });
    }
    next();
  });
  app.use(cors(opts.corsOrigins ?? []));
  // Express would otherwise answer OPTIONS itself with an Allow list; MX has no OPTIONS routes.
  app.use((req, res, next) => (req.method === 'OPTIONS' ? sendError(res, 404, 'not found') : next()));
  if (opts.controls ?? true) app.use('/__sandbox', controlsRouter(ctx));
  app.get('/logos/:file', serveLogo);
  app.use('/api/:version', apiRouter(ctx));
  app.use((_req, res) => sendError(res, 404, 'not found'));
  app.use(errorHandler);

  return {
    handler: app,
    stats: () => stats.snapshot(),
    reset: () => ctx.reset(),
    requests: () => requests.list(),
    faults,
    clock,
    consents: (customerId) => store.list(customerId).map((c) => renderConsent(c, publicUrl())),
    setSingleUse: (on) => {
      tokens.singleUse = on;
    },
    setOmitEmpty: (on) => {
      answers.omitEmpty = on;
    },
    setIdStyle: (style) => ctx.setIdStyle(style),
  };
}
