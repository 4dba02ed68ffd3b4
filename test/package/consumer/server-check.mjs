// Plain Node, no tsx: a bank's Express app (express is its own dependency) with its own session mounts the packaged
// router, pointed at the packaged MX sandbox, lists the session customer's consents through it and sends one bad
// write (answered as JSON by the packaged error handler). Also loads the standalone subpath without the optional
// Redis peers installed. Prints one JSON line.
import express from 'express';
import { CSRF_HEADER, consentPaths } from '@consent-manager/contract';
import { DEMO_CUSTOMERS, startSandbox } from '@consent-manager/mx-sandbox';
import { createConsentRouter, errorHandler } from '@consent-manager/bff';

const mx = await startSandbox({ clientId: 'bank-ci', clientSecret: 'bank-ci-secret' });
const router = createConsentRouter({
  upstream: {
    baseUrl: mx.url,
    version: 'v4',
    clientId: 'bank-ci',
    clientSecret: 'bank-ci-secret',
    timeouts: { connectMs: 2000, headersMs: 5000, bodyMs: 5000 },
  },
  // The bank's session names the customer its own way.
  getCustomerId: (req) => req.bankSession?.user?.oidcSub,
});
const app = express();
app.use((req, _res, next) => {
  req.bankSession = { user: { oidcSub: DEMO_CUSTOMERS.sam } };
  next();
});
app.use('/consent', router, errorHandler(() => {}));
const server = app.listen(0, '127.0.0.1');
await new Promise((resolve) => server.once('listening', resolve));
const base = `http://127.0.0.1:${server.address().port}/consent/api`;
const listed = await fetch(`${base}${consentPaths.list()}`, { headers: { [CSRF_HEADER]: '1' } });
const refused = await fetch(`${base}${consentPaths.list()}`);
const body = await listed.json();
const [first] = body;
const bad = await fetch(`${base}${consentPaths.autoShare(first.id)}`, {
  method: 'PUT', headers: { [CSRF_HEADER]: '1', 'content-type': 'application/json' }, body: '{"automatic_access": "yes"}',
});
const standalone = await import('@consent-manager/bff/standalone');
console.log(JSON.stringify({
  standalone: ['createBffApp', 'loadConfig'].filter((name) => typeof standalone[name] === 'function'),
  status: listed.status,
  apps: body.length,
  sandboxApps: mx.sandbox.consents(DEMO_CUSTOMERS.sam).length,
  withoutCsrf: refused.status,
  badInput: { status: bad.status, type: bad.headers.get('content-type'), code: (await bad.json()).error?.code },
}));
server.close();
await router.close();
await mx.close();
