// A bench child: the standalone BFF app (helmet, request log, sessions, consent router) in front of an MX
// sandbox, plus two routes that exist only here: a login, and a bare JSON endpoint behind the same
// middleware, so the token route's cost can be compared with Express's own in one process.
import { randomBytes } from 'node:crypto';
import express from 'express';
import { pino } from 'pino';
import { createBffApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { listen, onShutdown, closeGracefully } from '../../server/lifecycle.js';
import { createLogger } from '../../server/logger.js';
import { createConsentRouter } from '../../server/router.js';
import { logIn } from '../../server/session.js';
import { startSandbox } from '../../demo/sandbox/server.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';

const clientId = 'bench-bank';
const clientSecret = randomBytes(24).toString('base64url');
const mx = await startSandbox({ clientId, clientSecret });
const config = loadConfig({ PORT: '0', NODE_ENV: 'test', MX_BASE_URL: mx.url, MX_CLIENT_ID: clientId, MX_CLIENT_SECRET: clientSecret }, {
  requireUpstream: true,
});
// Info level as deployed, written to /dev/null: the cost of each request line stays in, terminal I/O stays out.
const logger = createLogger('info', pino.destination({ dest: '/dev/null', sync: false }));
const router = createConsentRouter({
  upstream: { baseUrl: mx.url, version: config.mx.version, clientId, clientSecret, timeouts: config.mx.timeouts },
  mode: 'both',
  // High enough never to trip: the limiter's own bookkeeping is still measured.
  limits: { tokenPerMinute: 1e9, writesPerMinute: 1e9 },
  logger,
});
const users: Record<string, string> = DEMO_CUSTOMERS;
// As long as a real answer: one token fetched at start sets the length of the bare route's stand-in.
const { token: real } = await router.broker.token(DEMO_CUSTOMERS.alex);
const sameShape = {
  access_token: randomBytes(real.length).toString('base64url').slice(0, real.length),
  expires_at: new Date().toISOString(),
  api_base: mx.apiBase(),
};

const app = createBffApp({
  config,
  sessionSecret: randomBytes(32).toString('base64url'),
  logger,
  router,
  extend: (bff) => {
    bff.post('/bench/login', express.json(), async (req, res) => {
      const customerId = users[String((req.body as { username?: unknown })?.username)];
      if (!customerId) return res.status(400).json({ error: 'unknown user' });
      await logIn(req, customerId);
      res.json({ customerId });
    });
    bff.post('/bench/bare', (_req, res) => {
      res.set('Cache-Control', 'no-store').json(sameShape);
    });
  },
});
const { server, url } = await listen(0, '127.0.0.1', app);
onShutdown(async () => {
  await closeGracefully(server, 1_000);
  await router.close();
  await mx.close();
});
console.log(JSON.stringify({ url, mxUrl: mx.url, apiBase: mx.apiBase() }));
