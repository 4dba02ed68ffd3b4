/**
 * A hostile site open in the customer's own browser, while the customer is logged in to the bank: it tries
 * the forgeries a browser allows (simple fetches, `no-cors`, preflighted PUTs, `text/plain` form posts, a form
 * from a sandboxed frame with `Origin: null`) and a session id planted before login. None gets anything done.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { Writable } from 'node:stream';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { Customer } from '../support/client.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { eventually, logIn, showsTruth, target } from './dashboard.js';

const ALEX = DEMO_CUSTOMERS.alex;

/** The attacks, run as the hostile page's own script; resolves to what the page could learn from each. */
const attacks = (bff: string, consentId: string) => `(async () => {
  const outcome = async (p) => p.then((r) => 'answered ' + r.type + ' ' + r.status, (e) => 'refused: ' + e.name);
  const results = {};
  results.simple_get = await outcome(fetch('${bff}/consent/api/consent_management', { credentials: 'include' }));
  results.no_cors_token = await outcome(fetch('${bff}/consent/token', { method: 'POST', mode: 'no-cors', credentials: 'include',
    headers: { 'Content-Type': 'text/plain' }, body: '{}' }));
  results.preflighted_stop = await outcome(fetch('${bff}/consent/api/consent_management/${consentId}/disable_app_sharing',
    { method: 'PUT', credentials: 'include', headers: { 'X-CSRF': '1' } }));
  results.preflighted_token = await outcome(fetch('${bff}/consent/token', { method: 'POST', credentials: 'include',
    headers: { 'X-CSRF': '1', 'Content-Type': 'application/json' }, body: '{}' }));
  // Frame navigations are awaited for at most 15 s (a loaded machine's), so a browser that blocks one cannot hang the test.
  const within = (p) => Promise.race([p, new Promise((resolve) => setTimeout(() => resolve('timeout'), 15000))]);
  const frameLoaded = (frame) => new Promise((resolve) => frame.addEventListener('load', () => resolve('loaded'), { once: true }));
  // A text/plain form post, the classic JSON CSRF, into a hidden frame.
  const sink = document.createElement('iframe');
  sink.name = 'sink';
  document.body.append(sink);
  const form = document.createElement('form');
  Object.assign(form, { method: 'POST', action: '${bff}/consent/token', enctype: 'text/plain', target: 'sink' });
  const field = document.createElement('input');
  Object.assign(field, { name: '{"customer":"', value: '${DEMO_CUSTOMERS.sam}"}' });
  form.append(field);
  document.body.append(form);
  const posted = frameLoaded(sink);
  form.submit();
  results.form_post = await within(posted);
  // Login CSRF: a form that would sign the customer in as the attacker's account.
  const sink2 = document.createElement('iframe');
  sink2.name = 'sink2';
  document.body.append(sink2);
  const login = document.createElement('form');
  Object.assign(login, { method: 'POST', action: '${bff}/demo/login', target: 'sink2' });
  for (const [name, value] of [['username', 'sam'], ['password', 'demo']]) {
    const input = document.createElement('input');
    Object.assign(input, { name, value });
    login.append(input);
  }
  document.body.append(login);
  const loggedIn = frameLoaded(sink2);
  login.submit();
  results.login_form_post = await within(loggedIn);
  // The same from a sandboxed frame, whose requests carry Origin: null.
  const jail = document.createElement('iframe');
  jail.setAttribute('sandbox', 'allow-forms allow-scripts');
  jail.srcdoc = '<form method="post" action="${bff}/consent/token" enctype="text/plain"><input name="x" value="1"></form>'
    + '<script>document.forms[0].submit()<' + '/script>';
  document.body.append(jail);
  results.null_origin_form_post = 'sent';
  return results;
})()`;

describe('a hostile site in the customer’s browser', () => {
  let browser: Browser;
  let demo: TestDemo;
  let attacker: Server;
  let attackerUrl: string;
  const logs: Array<{ method?: string; path?: string; status?: number }> = [];

  before(async () => {
    const logStream = new Writable({
      write(chunk: Buffer, _enc, cb) {
        for (const line of chunk.toString('utf8').split('\n').filter(Boolean)) {
          // The request lines (pino-http): `req: { method, path }`, `res: { status }`.
          const { req, res } = JSON.parse(line) as { req?: { method?: string; path?: string }; res?: { status?: number } };
          logs.push({ method: req?.method, path: req?.path, status: res?.status });
        }
        cb();
      },
    });
    attacker = createServer((_req, res) => res.writeHead(200, { 'content-type': 'text/html' }).end('<!doctype html><title>Win a prize</title>'));
    attacker.listen(0, '127.0.0.1');
    await once(attacker, 'listening');
    // Another port on the same host: another origin, but the same site, so the Lax session cookie IS sent.
    attackerUrl = `http://127.0.0.1:${(attacker.address() as AddressInfo).port}/`;
    [browser, demo] = await Promise.all([launchChromium(), startTestDemo({ logStream })]);
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
    attacker?.closeAllConnections();
    attacker?.close();
  });

  it('forged_requests_from_another_origin_carry_the_session_cookie_yet_change_nothing_and_reach_no_upstream', async (t: TestContext) => {
    const context = await browser.newContext();
    const page = await context.newPage();
    try {
      // The bank's own page reads the customer's changes once after its first paint: once answered, only forgeries follow.
      const ownLedgerRead = page.waitForResponse((r) => new URL(r.url()).pathname === '/consent/changes');
      await logIn(page, demo.url, 'alex');
      const truth = () => demo.sandbox!.consents(ALEX);
      await showsTruth(page, truth);
      await ownLedgerRead;
      demo.sandbox!.reset();
      const before = truth();
      logs.length = 0;

      // What reached the BFF, as it arrived: the Cookie header of each forged request, and whether it got a cookie back.
      const session = (await context.cookies(demo.url)).find((c) => c.name === 'consent.sid')!;
      const arrived: Array<{ method: string; path: string; cookie?: string; setCookie?: unknown }> = [];
      const record = (req: IncomingMessage, res: ServerResponse) => {
        if (!req.url?.startsWith('/consent/')) return;
        const entry: (typeof arrived)[number] = { method: req.method!, path: req.url, cookie: req.headers.cookie };
        arrived.push(entry);
        res.once('finish', () => { entry.setCookie = res.getHeader('set-cookie'); });
      };
      demo.server.prependListener('request', record);
      await page.goto(attackerUrl);
      const results = await page.evaluate(attacks(demo.url, target(before).id)) as Record<string, string>;
      t.diagnostic(`what the hostile page saw: ${JSON.stringify(results)}`);
      // The page learns nothing: cross-origin answers are unreadable (no CORS grant; helmet's
      // Cross-Origin-Resource-Policy blocks even the opaque no-cors one) or never sent (preflight refused).
      for (const name of ['simple_get', 'no_cors_token', 'preflighted_stop', 'preflighted_token']) {
        assert.match(results[name]!, /^refused|^answered opaque 0$/, name);
      }

      // The sandboxed frame's post is not awaited in the page (its refused answer may never "load"): wait here.
      const bffLog = () => logs.filter((l) => l.path?.startsWith('/consent/'));
      const reached = await eventually(bffLog, (l) => l.filter((x) => x.method === 'POST').length >= 3, 'the three forged posts');
      const forgeries = reached.filter((l) => l.status === 403);
      t.diagnostic(`forgeries from the hostile page: ${Object.keys(results).length}; reached the BFF: ${reached.length}, `
        + `refused 403: ${forgeries.length}; ${reached.map((l) => `${l.method} ${l.path} ${l.status}`).join(', ')}`);
      assert.equal(forgeries.length, reached.length, 'every forged request that reached the BFF was refused');
      // The forgeries had the customer's credentials with them: the browser attached the session cookie (a page on
      // another port is the same site, so the Lax cookie goes along), and still got nothing done, nor a new cookie.
      demo.server.off('request', record);
      const withCookie = arrived.filter((r) => r.cookie?.split('; ').includes(`consent.sid=${session.value}`));
      t.diagnostic(`forged requests that reached the BFF: ${arrived.map((r) => `${r.method} ${r.path.split('/').pop()} cookie:${r.cookie ? 'yes' : 'no'}`).join(', ')}`);
      assert.equal(arrived.length, reached.length);
      // Preflights never carry cookies, nor does the sandboxed frame's post (an opaque origin); the rest did.
      assert.ok(withCookie.some((r) => r.method === 'GET' && r.path === '/consent/api/consent_management'), 'the simple GET arrived with the session cookie');
      assert.ok(withCookie.filter((r) => r.method === 'POST' && r.path === '/consent/token').length >= 2,
        'the no-cors post and the form post arrived with the session cookie');
      for (const r of arrived) assert.equal(r.setCookie, undefined, `${r.method} ${r.path} got a Set-Cookie`);
      assert.ok(!reached.some((l) => l.method === 'PUT'), 'no preflighted write was ever sent');
      assert.ok(forgeries.length >= 4, 'the simple fetch, the no-cors post and both form posts were refused');
      assert.equal(demo.sandbox!.stats().total, 0, 'no upstream call');
      assert.deepEqual(truth(), before, 'nothing changed');
      // The forged login was refused, and the customer is still alex, on the same session.
      assert.deepEqual(logs.filter((l) => l.path === '/demo/login').map((l) => l.status), [403], 'the forged login was refused');
      assert.equal((await context.cookies(demo.url)).find((c) => c.name === 'consent.sid')?.value, session.value);
      await page.goto(demo.url);
      await showsTruth(page, truth);
    } finally {
      await context.close();
    }
  });

  it('a_session_id_planted_before_login_is_worthless_after_the_customer_logs_in', async () => {
    // The attacker obtains a valid session id of their own and plants it in the victim's browser.
    const planter = new Customer(demo.url);
    assert.equal((await planter.login('sam')).status, 200);
    const planted = planter.cookie.split('=')[1]!;
    const context = await browser.newContext();
    await context.addCookies([{ name: 'consent.sid', value: planted, url: demo.url }]);
    const page = await context.newPage();
    try {
      await logIn(page, demo.url, 'alex');
      await showsTruth(page, () => demo.sandbox!.consents(ALEX));
      const cookie = (await context.cookies(demo.url)).find((c) => c.name === 'consent.sid');
      assert.ok(cookie && cookie.value !== planted, 'login issued a new session id');

      // The planted id now names no one: alex's token and consents stay out of the attacker's reach.
      for (const res of [await planter.token(), await planter.request('GET', '/consent/api/consent_management')]) {
        assert.equal(res.status, 401);
        assert.ok(!(await res.text()).includes(ALEX));
      }
    } finally {
      await context.close();
    }
  });
});
