import express, { type Express } from 'express';
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
  /** Routes the host adds once sessions work (the demo's login and pages), before the 404. */
  extend?: (app: Express) => void;
}

/** The standalone BFF: security headers, request logs, health, sessions, the consent router. */
export function createBffApp(opts: BffAppOptions): Express {
  const { config, logger } = opts;
  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  // HSTS and upgrade-insecure-requests only where the site is served over HTTPS (secure cookies mean it is).
  const https = config.session.secureCookie;
  app.use(helmet({ contentSecurityPolicy: { directives: cspDirectives(config) }, strictTransportSecurity: https }));
  app.use(requestLogger(logger));

  app.get('/healthz', (_req, res) => {
    res.json({ status: 'ok' });
  });
  app.get('/readyz', async (_req, res) => {
    const problems = (await Promise.all((opts.readiness ?? []).map((check) => check().catch((e: Error) => e.message))))
      .filter((p): p is string => p !== undefined);
    res.status(problems.length ? 503 : 200).json({ status: problems.length ? 'not_ready' : 'ready', problems });
  });

  app.use(createSessionMiddleware({
    secret: opts.sessionSecret,
    secureCookie: config.session.secureCookie,
    idleMs: config.session.idleMs,
    absoluteMs: config.session.absoluteMs,
    store: opts.sessionStore,
  }));
  opts.extend?.(app);
  app.use(config.mountPath, opts.router);
  app.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
  app.use(errorHandler((err, req) => logger.error({ err: describe(err), path: req.path }, 'unhandled error'), opts.storeUnavailable));
  return app;
}

/** Strict: no inline script or style; direct mode may call the MX host the browser is given. */
function cspDirectives(config: BffConfig): Record<string, string[] | null> {
  const mx = config.mode !== 'proxy' ? config.mx.publicBaseUrl ?? config.mx.baseUrl : undefined;
  return {
    'upgrade-insecure-requests': config.session.secureCookie ? [] : null,
    'style-src': ["'self'"],
    'img-src': ["'self'", 'https:'],
    'connect-src': mx ? ["'self'", new URL(mx).origin] : ["'self'"],
  };
}

/** Only the error's class and message: objects thrown by libraries can carry request options and credentials. */
function describe(err: unknown): { type: string; message: string } {
  return err instanceof Error ? { type: err.name, message: err.message } : { type: typeof err, message: String(err) };
}
