import express, { type ErrorRequestHandler, type Express, type RequestHandler } from 'express';
import type { Store } from 'express-session';
import helmet from 'helmet';
import type { BffConfig } from './config.js';
import { errorHandler, sendError } from './errors.js';
import { requestLogger, type Logger } from './logger.js';
import type { ConsentRouter } from './router.js';
import { createSessionMiddleware } from './session.js';

/** A readiness check: resolves to a problem description, or undefined when ready. */
export type ReadinessCheck = () => Promise<string | undefined>;

export interface BffAppOptions {
  config: BffConfig;
  /** Required here (the caller decides how to obtain it): no default secret exists. */
  sessionSecret: string;
  logger: Logger;
  router: ConsentRouter;
  sessionStore?: Store;
  readiness?: ReadinessCheck[];
  /** Recognises errors meaning a shared store is down, answered 503 `session_store_unavailable`. */
  storeUnavailable?: (err: unknown) => boolean;
  /** Other routers by mount path, beside the consent router (the ledger's admin routes). */
  mounts?: Record<string, RequestHandler>;
}

export interface BffStackOptions extends Omit<BffAppOptions, 'router' | 'mounts'> {
  /** The router's CSRF and Origin check (`router.guard`), run at `config.mountPath` before the session is read. */
  guard?: RequestHandler;
}

/** What goes before the consent router (headers, logs, health, sessions) and after it (404, JSON errors). */
export interface BffStack {
  before: RequestHandler[];
  after: Array<RequestHandler | ErrorRequestHandler>;
}

/**
 * The standalone BFF's middleware, for a host that serves more than the BFF on the same app: mount `before`,
 * its own routes (they see the session), the router at `config.mountPath`, then `after`.
 */
export function createBffStack(opts: BffStackOptions): BffStack {
  const { config, logger } = opts;
  const https = config.session.secureCookie;
  const health = express.Router();
  health.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  health.get('/readyz', async (_req, res) => {
    const problems = (await Promise.all((opts.readiness ?? []).map((check) => check().catch((e: Error) => e.message))))
      .filter((p): p is string => p !== undefined);
    res.status(problems.length ? 503 : 200).json({ status: problems.length ? 'not_ready' : 'ready', problems });
  });
  return {
    before: [
      // JSON only: nothing a browser should render, frame or run. HSTS only where the site is served over HTTPS.
      helmet({ contentSecurityPolicy: { directives: API_CSP }, strictTransportSecurity: https }),
      requestLogger(logger),
      health,
      // Forgeries are refused before the session is read: no store lookup, no fresh cookie on the 403.
      ...(opts.guard ? [express.Router().use(config.mountPath, opts.guard)] : []),
      ...createSessionMiddleware({
        secret: opts.sessionSecret,
        secureCookie: config.session.secureCookie,
        idleMs: config.session.idleMs,
        absoluteMs: config.session.absoluteMs,
        loginTimeKey: config.session.loginTimeKey,
        customerKey: config.session.customerKey,
        store: opts.sessionStore,
      }),
    ],
    after: [
      notFound,
      errorHandler((err, req) => logger.error({ err: describe(err), path: req.path }, 'unhandled error'), opts.storeUnavailable),
    ],
  };
}

/** The standalone BFF: security headers, request logs, health, sessions, the consent router. */
export function createBffApp(opts: BffAppOptions): Express {
  const app = express();
  app.set('trust proxy', opts.config.trustProxy);
  app.set('x-powered-by', false);
  const { before, after } = createBffStack({ ...opts, guard: opts.router.guard });
  app.use(before);
  for (const [path, handler] of Object.entries(opts.mounts ?? {})) app.use(path, handler);
  app.use(opts.config.mountPath, opts.router);
  app.use(after);
  return app;
}

const notFound: RequestHandler = (_req, res) => sendError(res, 404, 'not_found', 'No such route.');
const API_CSP = { 'default-src': ["'none'"], 'frame-ancestors': ["'none'"] };

/** Only the error's class and message: objects thrown by libraries can carry request options and credentials. */
function describe(err: unknown): { type: string; message: string } {
  return err instanceof Error ? { type: err.name, message: err.message } : { type: typeof err, message: String(err) };
}
