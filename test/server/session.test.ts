import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Customer } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';
import { startTestDemo } from '../support/demo.js';

describe('sessions', () => {
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(() => stack.close());
  beforeEach(() => stack.mx.sandbox.reset());

  it('session_id_changes_at_login_so_a_pre_login_id_is_useless', async () => {
    const victim = new Customer(stack.bff.url);
    // An anonymous session exists before login (the failed attempt stores nothing, so force one by logging in as sam).
    await victim.login('sam');
    const before = victim.cookie;
    await victim.login('alex');
    assert.notEqual(victim.cookie, before);
    const attacker = new Customer(stack.bff.url);
    attacker.cookie = before;
    const res = await attacker.token();
    assert.equal(res.status, 401);
  });

  it('session_cookie_is_httponly_and_samesite_lax', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const cookie = alex.lastSetCookie.find((c) => c.startsWith('consent.sid='));
    assert.ok(cookie, 'session cookie set');
    assert.match(cookie, /; HttpOnly/i);
    assert.match(cookie, /; SameSite=Lax/i);
    assert.match(cookie, /; Path=\//);
  });

  it('behind_https_the_cookie_is_secure_with_the_host_prefix', async () => {
    const demo = await startTestDemo({ env: { COOKIE_SECURE: 'true', TRUST_PROXY: 'loopback' } });
    try {
      const res = await fetch(`${demo.url}/demo/login`, {
        method: 'POST',
        headers: { 'content-type': 'application/json', 'x-forwarded-proto': 'https' },
        body: JSON.stringify({ username: 'alex', password: 'demo' }),
      });
      assert.equal(res.status, 200);
      const cookie = res.headers.getSetCookie().find((c) => c.startsWith('__Host-consent.sid='));
      assert.ok(cookie, `__Host- cookie in ${res.headers.getSetCookie().join(' | ')}`);
      assert.match(cookie, /; Secure/i);
      assert.match(cookie, /; HttpOnly/i);
      assert.match(cookie, /; Path=\//);
      assert.doesNotMatch(cookie, /Domain=/i);
    } finally {
      await demo.close();
    }
  });

  it('logout_destroys_the_session_and_forgets_its_token', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    await alex.token();
    await alex.token();
    assert.equal(stack.upstreamCount('token'), 1, 'second token request served from cache');
    const oldCookie = alex.cookie;
    await alex.logout();
    const replay = new Customer(stack.bff.url);
    replay.cookie = oldCookie;
    assert.equal((await replay.token()).status, 401, 'the old session id no longer works');
    await alex.login('alex');
    await alex.token();
    assert.equal(stack.upstreamCount('token'), 2, 'a fresh token after logout: the cached one was forgotten');
  });

  it('wrong_password_creates_no_session', async () => {
    const mallory = new Customer(stack.bff.url);
    const res = await mallory.login('alex', 'guess');
    assert.equal(res.status, 401);
    assert.equal(mallory.cookie, '');
  });
});
