import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import express from 'express';
import { listen } from '../../server/lifecycle.js';
import { logIn } from '../../demo/login.js';
import { BoundedMemoryStore, createSessionMiddleware } from '../../server/session.js';

async function sessionApp(opts: { idleMs: number; absoluteMs: number; now?: () => number }) {
  const app = express();
  app.use(createSessionMiddleware({ secret: 'test-secret-for-lifetimes-0123456789', secureCookie: false, ...opts }));
  app.post('/login', async (req, res) => {
    await logIn(req, 'customer-1');
    res.sendStatus(204);
  });
  app.get('/who', (req, res) => { res.json({ customer: req.session.customerId ?? null }); });
  const started = await listen(0, '127.0.0.1', app);
  const who = async (cookie: string) => ((await (await fetch(`${started.url}/who`, { headers: { cookie } })).json()) as { customer: string | null }).customer;
  const login = async () => (await fetch(`${started.url}/login`, { method: 'POST' })).headers.getSetCookie()[0]!.split(';')[0]!;
  return { who, login, close: () => { started.server.closeAllConnections(); started.server.close(); } };
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('session lifetimes', () => {
  it('a_session_ends_after_the_absolute_lifetime_even_while_in_use', async () => {
    // The absolute lifetime runs on a clock the test moves (login stamps real time, at most the clock's start), with
    // minutes of margin either side, so however slow a loaded machine answers, each request sees the intended time.
    let now = Date.now();
    const app = await sessionApp({ idleMs: 60_000, absoluteMs: 10 * 60_000, now: () => now });
    try {
      const cookie = await app.login();
      now = Date.now();
      assert.equal(await app.who(cookie), 'customer-1');
      now += 5 * 60_000;
      assert.equal(await app.who(cookie), 'customer-1', 'in use and within the lifetime');
      now += 6 * 60_000;
      assert.equal(await app.who(cookie), null);
    } finally {
      app.close();
    }
  });

  it('a_session_ends_after_the_idle_lifetime', async () => {
    // Idle expiry is the cookie's and the store's real-time TTL; the margins allow a loaded machine 2 s per request.
    const app = await sessionApp({ idleMs: 2_000, absoluteMs: 60_000 });
    try {
      const cookie = await app.login();
      assert.equal(await app.who(cookie), 'customer-1');
      await sleep(2_500);
      assert.equal(await app.who(cookie), null);
    } finally {
      app.close();
    }
  });

  it('the_embedded_session_store_is_bounded', async () => {
    const store = new BoundedMemoryStore(3, 60_000);
    for (let i = 0; i < 10; i++) store.set(`s${i}`, { cookie: { originalMaxAge: 60_000 } } as never);
    assert.equal(store.size, 3);
    await new Promise<void>((resolve) => store.get('s0', (_e, s) => { assert.equal(s, null); resolve(); }));
  });
});
