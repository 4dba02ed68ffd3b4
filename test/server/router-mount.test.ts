import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import express from 'express';
import session from 'express-session';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { errorHandler } from '../../server/errors.js';
import { listen } from '../../server/lifecycle.js';
import { createConsentRouter, type ConsentRouter } from '../../server/router.js';
import { Customer, decodeJwt } from '../support/client.js';

// A bank's existing Express app: its own session middleware and login, its own user record shape.
describe('createConsentRouter mounted in a bank app', () => {
  let mx: StartedSandbox;
  let router: ConsentRouter;
  let url: string;
  let close: () => Promise<void>;

  before(async () => {
    mx = await startSandbox({ clientId: 'bank', clientSecret: 'bank-secret-xyz' });
    router = createConsentRouter({
      upstream: { baseUrl: mx.url, version: 'v4', clientId: 'bank', clientSecret: 'bank-secret-xyz', timeouts: { connectMs: 1000, headersMs: 2000, bodyMs: 2000 } },
      getCustomerId: (req) => (req.session as unknown as { user?: { oidcSub: string } }).user?.oidcSub,
      mode: 'both',
    });
    const app = express();
    app.use(session({ name: 'bank.sid', secret: 'bank-session-secret-for-test-only', resave: false, saveUninitialized: false }));
    app.post('/bank/login/:who', (req, res) => {
      const sub = DEMO_CUSTOMERS[req.params.who as keyof typeof DEMO_CUSTOMERS];
      req.session.regenerate(() => {
        (req.session as unknown as { user: { oidcSub: string } }).user = { oidcSub: sub };
        res.sendStatus(204);
      });
    });
    app.use('/banking/consent', router);
    app.use(errorHandler(() => {}));
    const started = await listen(0, '127.0.0.1', app);
    url = started.url;
    close = async () => {
      started.server.closeAllConnections();
      await new Promise((r) => started.server.close(r));
    };
  });
  after(async () => {
    await close();
    await router.close();
    await mx.close();
  });

  it('uses_the_banks_session_mapping_at_any_mount_path', async () => {
    const c = new Customer(url);
    const login = await fetch(`${url}/bank/login/sam`, { method: 'POST' });
    c.cookie = login.headers.getSetCookie()[0]!.split(';')[0]!;
    const res = await c.request('POST', '/banking/consent/token');
    assert.equal(res.status, 200);
    const { payload } = decodeJwt(((await res.json()) as { access_token: string }).access_token);
    assert.deepEqual(payload.scopes, { 'customer.modify_consent': DEMO_CUSTOMERS.sam });
    const list = await c.request('GET', '/banking/consent/api/consent_management');
    assert.equal(((await list.json()) as unknown[]).length, 1);
  });

  it('answers_401_json_when_the_bank_session_has_no_customer', async () => {
    const res = await new Customer(url).request('GET', '/banking/consent/api/consent_management');
    assert.equal(res.status, 401);
    assert.equal(res.headers.get('content-type'), 'application/json; charset=utf-8');
  });
});

describe('internal errors', () => {
  it('an_internal_error_answers_500_json_without_its_message_or_stack', async () => {
    const router = createConsentRouter({
      upstream: { baseUrl: 'http://127.0.0.1:9', version: 'v4', clientId: 'a', clientSecret: 'b', timeouts: { connectMs: 100, headersMs: 100, bodyMs: 100 } },
      getCustomerId: () => { throw new Error('db exploded at /srv/secret/path'); },
    });
    const logged: unknown[] = [];
    const app = express();
    app.use('/consent', router);
    app.use(errorHandler((err) => logged.push(err)));
    const { server, url } = await listen(0, '127.0.0.1', app);
    try {
      const res = await fetch(`${url}/consent/token`, { method: 'POST', headers: { 'X-CSRF': '1' } });
      assert.equal(res.status, 500);
      const text = await res.text();
      assert.deepEqual(JSON.parse(text), { error: { code: 'internal_error', message: 'Something went wrong on our side.' } });
      assert.ok(!text.includes('exploded') && !text.includes('/srv/'));
      assert.equal(logged.length, 1, 'the real error goes to the log');
    } finally {
      server.closeAllConnections();
      await new Promise((r) => server.close(r));
      await router.close();
    }
  });
});
