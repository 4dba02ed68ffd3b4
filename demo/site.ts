import express, { type Express, type Request, type RequestHandler } from 'express';
import { sendError, type ConsentRouter } from '@consent-manager/bff';
import { fromOwnPage, logIn, logOut } from './login.js';
import { bankPage, loginPage } from './pages.js';
import type { Playground } from './playground.js';

export interface DemoSiteOptions {
  /** Demo login name → the customer's `openid_connect_user_id`. */
  users: Record<string, string>;
  router: ConsentRouter;
  mountPath: string;
  modes: Array<'direct' | 'proxy'>;
  bundleDir: string;
  staticDir: string;
  /** The playground's pages and fixture BFF mounts (only with the embedded sandbox). */
  playground?: Playground;
  /** Origins besides this server's own whose pages may post the login and logout forms. */
  allowedOrigins: string[];
}

/** The demo's own online banking: a login, a page embedding the widget, a logout. A bank has its own. */
export function mountDemoSite(app: Express, o: DemoSiteOptions): void {
  const password = 'demo';
  app.use('/assets', express.static(o.bundleDir, { fallthrough: false, maxAge: 0 }));
  app.use('/static', express.static(o.staticDir, { fallthrough: false }));
  o.playground?.mount(app);

  app.get('/login', (req, res) => {
    const lang = pick(req, 'lang', ['en', 'es'] as const, 'en');
    res.type('html').send(loginPage(Object.keys(o.users), { error: 'error' in req.query, expired: 'expired' in req.query }, !!o.playground, lang));
  });

  const forms = express.urlencoded({ extended: false, limit: '2kb' });
  const json = express.json({ limit: '2kb' });
  const ownPage = fromOwnPage(o.allowedOrigins);
  const sameOrigin: RequestHandler = (req, res, next) =>
    ownPage(req) ? next() : sendError(res, 403, 'origin_forbidden', 'Sign in from the bank\'s own page.');
  app.post('/demo/login', sameOrigin, forms, json, async (req, res) => {
    const { username, password: given } = (req.body ?? {}) as { username?: unknown; password?: unknown };
    const customerId = typeof username === 'string' ? o.users[username] : undefined;
    const wantsJson = req.is('application/json');
    if (!customerId || given !== password || !Object.hasOwn(o.users, username as string)) {
      if (wantsJson) return res.status(401).json({ error: { code: 'bad_credentials', message: 'Unknown user or wrong password.' } });
      return res.redirect(303, req.query.lang === 'es' ? '/login?lang=es&error=1' : '/login?error=1');
    }
    await logIn(req, customerId);
    if (wantsJson) return res.json({ username });
    res.redirect(303, req.query.lang === 'es' ? '/?lang=es' : '/');
  });

  app.post('/demo/logout', sameOrigin, async (req, res) => {
    const customerId = req.session?.customerId;
    await logOut(req);
    if (customerId) await o.router.forgetCustomer(customerId);
    if (req.is('application/json') || req.accepts(['html', 'json']) === 'json') return res.json({ ok: true });
    res.redirect(303, '/login');
  });

  app.get('/', (req, res) => {
    const customerId = req.session?.customerId;
    const username = customerId ? Object.keys(o.users).find((u) => o.users[u] === customerId) : undefined;
    if (!username) return res.redirect(303, '/login');
    res.set('Cache-Control', 'no-store').type('html').send(bankPage({
      username,
      mode: pick(req, 'mode', o.modes, o.modes[0]!),
      modes: o.modes,
      lang: pick(req, 'lang', ['en', 'es'] as const, 'en'),
      mountPath: o.mountPath,
      playground: !!o.playground,
    }));
  });
}

function pick<T extends string>(req: Request, name: string, allowed: readonly T[], fallback: T): T {
  const value = req.query[name];
  return typeof value === 'string' && (allowed as readonly string[]).includes(value) ? (value as T) : fallback;
}
