// A bench child: the standalone BFF's middleware (helmet, request log, sessions) and consent router in front of an
// MX sandbox, plus two routes that exist only here: a login, and a bare JSON endpoint behind the same
// middleware, so the token route's cost can be compared with Express's own in one process.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { pino } from 'pino';
import { createConsentRouter } from '@consent-manager/bff';
import { closeGracefully, createBffStack, createLogger, listen, loadConfig, onShutdown, routerOptionsFromConfig } from '@consent-manager/bff/standalone';
import { logIn } from '@consent-manager/demo';
import { DEMO_CUSTOMERS, startSandbox } from '@consent-manager/mx-sandbox';

const clientId = 'bench-bank';
const clientSecret = randomBytes(24).toString('base64url');
const mx = await startSandbox({ clientId, clientSecret });
const config = loadConfig({ PORT: '0', NODE_ENV: 'test', MX_BASE_URL: mx.url, MX_CLIENT_ID: clientId, MX_CLIENT_SECRET: clientSecret }, {
  requireUpstream: true,
});
// Info level as deployed, written to /dev/null: the cost of each request line stays in, terminal I/O stays out.
const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
const router = createConsentRouter({
  ...routerOptionsFromConfig(config),
  mode: 'both',
  // High enough never to trip: the limiter's own bookkeeping is still measured.
  limits: { tokenPerMinute: 1e9, readsPerMinute: 1e9, writesPerMinute: 1e9, inFlightPerCustomer: 1e9 },
  logger,
});
const users: Record<string, string> = DEMO_CUSTOMERS;
// As long as a real answer: one token fetched from the sandbox at start sets the length of the bare route's stand-in.
const real = await mxToken(DEMO_CUSTOMERS.alex);
const sameShape = {
  access_token: randomBytes(real.length).toString('base64url').slice(0, real.length),
  expires_at: new Date().toISOString(),
  api_base: mx.apiBase(),
  session: randomBytes(16).toString('base64url').slice(0, 22),
};

const stack = createBffStack({ config, sessionSecret: randomBytes(32).toString('base64url'), logger });
const app = express();
app.set('x-powered-by', false);
app.use(stack.before);
app.post('/bench/login', express.json(), async (req, res) => {
  const customerId = users[String((req.body as { username?: unknown })?.username)];
  if (!customerId) return res.status(400).json({ error: 'unknown user' });
  await logIn(req, customerId);
  res.json({ customerId });
});
app.post('/bench/bare', (_req, res) => {
  res.set('Cache-Control', 'no-store').json(sameShape);
});
app.use(config.mountPath, router);
app.use(stack.after);
const { server, url } = await listen(0, '127.0.0.1', app);
onShutdown(async () => {
  await closeGracefully(server, 1_000);
  await router.close();
  await mx.close();
});
console.log(JSON.stringify({ url, mxUrl: mx.url, apiBase: mx.apiBase() }));

/** The token request the BFF makes, made here once over HTTP (MX's own API, nothing of the router's). */
async function mxToken(customerId: string): Promise<string> {
  const res = await fetch(`${mx.apiBase()}/token`, {
    method: 'POST',
    headers: {
      'content-type': 'application/json',
      accept: 'application/json',
      authorization: `Basic ${Buffer.from(`${clientId}:${clientSecret}`).toString('base64')}`,
    },
    body: JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${customerId}` }),
  });
  const { access_token: token } = (await res.json()) as { access_token: string };
  return token;
}
