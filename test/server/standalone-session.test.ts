/**
 * The standalone BFF (createBffApp, as server/main.ts builds it) sharing a session store and secret with a bank's
 * own login, which writes nothing but the customer id: forgeries never reach the store, and the absolute session
 * lifetime holds although the bank's login records no login time.
 */
import assert from 'node:assert/strict';
import type { Server } from 'node:http';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import session, { type SessionData } from 'express-session';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { createBffApp } from '../../server/app.js';
import { loadConfig } from '../../server/config.js';
import { listen } from '../../server/lifecycle.js';
import { createLogger } from '../../server/logger.js';
import { createConsentRouter, type ConsentRouter } from '../../server/router.js';
import { BoundedMemoryStore, cookieName } from '../../server/session.js';
import { Customer, type RequestOptions } from '../support/client.js';

const SECRET = 'Hq3vN8-pT2xLm9Rw4ZyK7cJ0bF5dG1sA6eU';
const ALEX = DEMO_CUSTOMERS.alex;

/** The shared session store, counting what the BFF asks of it. */
class CountingStore extends BoundedMemoryStore {
  reads = 0;
  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    this.reads++;
    super.get(sid, cb);
  }
  read(sid: string): Promise<Record<string, unknown> | null> {
    return new Promise((resolve) => super.get(sid, (_e, s) => resolve((s ?? null) as Record<string, unknown> | null)));
  }
  write(sid: string, data: Record<string, unknown>): Promise<void> {
    return new Promise((resolve) => this.set(sid, data as unknown as SessionData, () => resolve()));
  }
}

interface Started {
  url: string;
  server: Server;
  router: ConsentRouter;
}

describe('the standalone BFF behind a bank login that stores only the customer id', () => {
  let mx: StartedSandbox;
  let store: CountingStore;
  let bank: Started;
  const bffs: Started[] = [];

  /** The BFF as server/main.ts builds it, on the bank's store and secret. */
  async function startBff(env: Record<string, string> = {}): Promise<Started> {
    const config = loadConfig({
      // Both modes: the tests below use the token route as well as the list.
      PORT: '0', NODE_ENV: 'test', CONSENT_MODE: 'both', MX_BASE_URL: mx.url, MX_CLIENT_ID: 'bank', MX_CLIENT_SECRET: 'bank-secret-standalone', ...env,
    }, { requireUpstream: true });
    const logger = createLogger('silent');
    const router = createConsentRouter({
      upstream: { baseUrl: mx.url, version: 'v4', clientId: 'bank', clientSecret: 'bank-secret-standalone', timeouts: config.mx.timeouts },
      getCustomerId: (req) => (req.session as unknown as Record<string, string> | undefined)?.[config.session.customerKey],
      mode: config.mode,
      logger,
    });
    const app = createBffApp({ config, sessionSecret: SECRET, logger, router, sessionStore: store });
    const started = { ...(await listen(0, '127.0.0.1', app)), router };
    bffs.push(started);
    return started;
  }

  /** The bank's login: its own express-session on the shared store, writing the customer id (and `extra`). */
  async function bankLogin(extra: Record<string, unknown> = {}): Promise<{ cookie: string; sid: string }> {
    const res = await fetch(`${bank.url}/bank/login`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(extra) });
    const cookie = res.headers.getSetCookie()[0]!.split(';')[0]!;
    const sid = decodeURIComponent(cookie.split('=')[1]!).slice(2).split('.')[0]!;
    return { cookie, sid };
  }

  before(async () => {
    mx = await startSandbox({ clientId: 'bank', clientSecret: 'bank-secret-standalone' });
    store = new CountingStore(1000, 60_000);
    const app = express();
    app.use(session({ name: cookieName(false), secret: SECRET, store, resave: false, saveUninitialized: false }));
    app.post('/bank/login', express.json(), (req, res) => {
      Object.assign(req.session, { customerId: ALEX }, req.body);
      res.sendStatus(204);
    });
    bank = { ...(await listen(0, '127.0.0.1', app)), router: undefined as never };
  });
  after(async () => {
    for (const s of [bank, ...bffs]) {
      s.server.closeAllConnections();
      s.server.close();
      await s.router?.close();
    }
    await mx.close();
  });
  beforeEach(() => mx.sandbox.reset());

  it('a_forged_request_is_refused_before_the_session_store_is_read_and_gets_no_cookie', async () => {
    const bff = await startBff();
    const alex = new Customer(bff.url);
    alex.cookie = (await bankLogin()).cookie;
    const forgeries: Array<{ name: string; opts: RequestOptions }> = [
      { name: 'no X-CSRF', opts: { csrf: false } },
      { name: 'foreign Origin', opts: { headers: { origin: 'https://evil.example' } } },
      { name: 'Origin: null', opts: { headers: { origin: 'null' } } },
      { name: 'text/plain form post', opts: { csrf: false, body: 'x=1', headers: { 'content-type': 'text/plain', origin: 'https://evil.example' } } },
    ];
    for (const { name, opts } of forgeries) {
      for (const [method, path] of [['POST', '/consent/token'], ['GET', '/consent/api/consent_management']] as const) {
        const reads = store.reads;
        const res = await alex.request(method, path, method === 'GET' ? { ...opts, body: undefined } : opts);
        assert.equal(res.status, 403, `${name} ${method} ${path}`);
        assert.equal(store.reads, reads, `${name} ${method} ${path}: the session store was read`);
        assert.deepEqual(res.headers.getSetCookie(), [], `${name} ${method} ${path}: a cookie was set`);
      }
    }
    assert.equal(mx.sandbox.stats().total, 0);
    // The counter counts: the same request made properly reads the session.
    const reads = store.reads;
    assert.equal((await alex.token()).status, 200);
    assert.ok(store.reads > reads, 'a genuine request reads the session');
  });

  it('the_absolute_lifetime_holds_behind_a_bank_login_that_records_no_login_time', async () => {
    const bff = await startBff({ SESSION_ABSOLUTE_MINUTES: '10' });
    const { cookie, sid } = await bankLogin();
    assert.equal((await store.read(sid))?.loggedInAt, undefined, 'the bank recorded no login time');
    const alex = new Customer(bff.url);
    alex.cookie = cookie;
    const before = Date.now();
    assert.equal((await alex.token()).status, 200);
    const stamped = (await store.read(sid))?.loggedInAt as number;
    assert.ok(stamped >= before && stamped <= Date.now(), `stamped on first sight: ${stamped}`);
    assert.equal((await alex.token()).status, 200, 'within the lifetime');
    assert.equal((await store.read(sid))?.loggedInAt, stamped, 'the stamp is not moved by use');

    // Ten minutes and a second later (the store's record aged by hand, rather than the test waiting).
    await store.write(sid, { ...(await store.read(sid)), loggedInAt: stamped - 10 * 60_000 - 1_000 });
    const res = await alex.token();
    assert.equal(res.status, 401);
    assert.equal(await store.read(sid), null, 'the expired session is gone from the shared store');
  });

  it('the_absolute_lifetime_counts_from_the_banks_own_login_time_field_when_named', async () => {
    const bff = await startBff({ SESSION_ABSOLUTE_MINUTES: '10', SESSION_LOGIN_TIME_KEY: 'authTime' });
    const alex = new Customer(bff.url);
    // Epoch seconds, as an OIDC `auth_time` is.
    const fresh = await bankLogin({ authTime: Math.floor(Date.now() / 1000) - 60 });
    alex.cookie = fresh.cookie;
    assert.equal((await alex.token()).status, 200);
    assert.deepEqual(Object.keys((await store.read(fresh.sid))!).sort(), ['authTime', 'cookie', 'customerId'], 'nothing stamped beside it');

    const old = await bankLogin({ authTime: new Date(Date.now() - 11 * 60_000).toISOString() });
    alex.cookie = old.cookie;
    assert.equal((await alex.token()).status, 401, 'logged in 11 minutes ago: over the lifetime on first sight');
    const garbled = await bankLogin({ authTime: 'yesterday-ish' });
    alex.cookie = garbled.cookie;
    assert.equal((await alex.token()).status, 401, 'an unreadable login time ends the session');
    assert.equal(mx.sandbox.stats().token, 1);
  });
});
