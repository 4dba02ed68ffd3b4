/**
 * The BFF in front of a hostile fake MX served by this test over real HTTP: error texts of its own, answers that
 * drip, answers that never come, answers of 400 MB. And the BFF's own HTTP server against slow clients.
 */
import assert from 'node:assert/strict';
import { once } from 'node:events';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import { connect, type AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { listen, SERVER_LIMITS } from '../../server/lifecycle.js';
import { startDemoChild } from '../support/child.js';
import { Customer } from '../support/client.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';

const LIST = '/consent/api/consent_management';
const MX_WORDS = 'MX-INTERNAL shard-7 stacktrace at ConsentService';
const MB = 1024 * 1024;

type Behaviour = 'ok' | 'refuse' | 'drip' | 'hang' | 'huge' | 'huge-declared';

/** A fake MX that answers tokens and then does to consent calls whatever `behaviour` says. */
class HostileMx {
  behaviour: Behaviour = 'ok';
  refuseWith = 400;
  /** Bytes of the last huge answer that left this server before the BFF hung up. */
  sent = 0;
  /** Resolves with each consent call's request once its connection closed (answered or not). */
  closed: Array<Promise<void>> = [];
  private server!: Server;
  url = '';

  async start() {
    this.server = createServer((req, res) => this.handle(req, res));
    await new Promise<void>((r) => this.server.listen(0, '127.0.0.1', r));
    this.url = `http://127.0.0.1:${(this.server.address() as AddressInfo).port}`;
  }

  async stop() {
    this.server.closeAllConnections();
    await new Promise((r) => this.server.close(r));
  }

  private handle(req: IncomingMessage, res: ServerResponse) {
    if (req.url?.endsWith('/token')) {
      res.setHeader('content-type', 'application/json');
      return void res.end(JSON.stringify({ access_token: 'h.eyJleHAiOjQxMDI0NDQ4MDB9.s' }));
    }
    this.closed.push(new Promise((r) => res.once('close', r)));
    switch (this.behaviour) {
      case 'ok':
        res.setHeader('content-type', 'application/json');
        return void res.end('[]');
      case 'refuse':
        res.writeHead(this.refuseWith, { 'content-type': 'application/json' });
        return void res.end(JSON.stringify({ error: { status: this.refuseWith, message: MX_WORDS } }));
      case 'drip': {
        res.writeHead(200, { 'content-type': 'application/json' });
        const timer = setInterval(() => res.write(' '), 100);
        return void res.once('close', () => clearInterval(timer));
      }
      case 'hang':
        return;
      case 'huge-declared':
        res.writeHead(200, { 'content-type': 'application/json', 'content-length': String(400 * MB) });
        return void this.stream(res);
      case 'huge':
        res.writeHead(200, { 'content-type': 'application/json' });
        return void this.stream(res);
    }
  }

  /** 400 MB of one JSON array, 64 KB at a time as the socket takes them: never held here either. */
  private stream(res: ServerResponse) {
    const chunk = Buffer.alloc(64 * 1024, '1,');
    this.sent = 0;
    const pump = () => {
      while (this.sent < 400 * MB && !res.destroyed) {
        this.sent += chunk.length;
        if (!res.write(chunk)) return void res.once('drain', pump);
      }
      if (!res.destroyed) res.end();
    };
    res.write('[');
    pump();
  }
}

async function errorOf(res: Response): Promise<{ code: string; message: string }> {
  return ((await res.json()) as { error: { code: string; message: string } }).error;
}

describe('a hostile upstream', () => {
  const mx = new HostileMx();
  let quick: TestDemo;
  let patient: TestDemo;
  let q: Customer;
  let p: Customer;
  const DEADLINE_MS = 1_000;
  before(async () => {
    await mx.start();
    const env = { MX_BASE_URL: mx.url, MX_CLIENT_ID: 'bank', MX_CLIENT_SECRET: 'hostile-test-secret', RATE_LIMIT_READS_PER_MINUTE: '10000' };
    [quick, patient] = await Promise.all([
      startTestDemo({ env: { ...env, MX_DEADLINE_MS: String(DEADLINE_MS) } }),
      startTestDemo({ env: { ...env, MX_DEADLINE_MS: '30000', MX_HEADERS_TIMEOUT_MS: '30000' } }),
    ]);
    q = new Customer(quick.url);
    p = new Customer(patient.url);
    await q.login('alex');
    await p.login('alex');
  });
  after(async () => {
    await quick?.close();
    await patient?.close();
    await mx.stop();
  });

  it('mx_error_text_never_reaches_the_browser_only_our_words', async () => {
    mx.behaviour = 'refuse';
    for (const status of [400, 404, 409, 418, 422]) {
      mx.refuseWith = status;
      const res = await q.request('GET', LIST);
      const text = await res.text();
      assert.equal(res.status, status);
      assert.ok(!text.includes('MX-INTERNAL') && !text.includes('shard-7'), `MX's words in our ${status}: ${text}`);
      const { code, message } = (JSON.parse(text) as { error: { code: string; message: string } }).error;
      assert.match(code, /^(upstream_bad_request|not_found|conflict|upstream_rejected)$/);
      assert.ok(message.length > 0);
    }
  });

  it('a_dripping_answer_ends_at_the_overall_deadline_with_504', async () => {
    mx.behaviour = 'drip';
    const started = performance.now();
    const res = await q.request('GET', LIST);
    const took = performance.now() - started;
    assert.equal(res.status, 504);
    assert.equal((await errorOf(res)).code, 'upstream_timeout');
    await mx.closed.at(-1);
    console.log(`[figures] dripping answer cut off after ${took.toFixed(0)} ms, deadline ${DEADLINE_MS} ms (ratio ${(took / DEADLINE_MS).toFixed(2)})`);
    // A chunk every 100 ms resets any between-chunks timer and the drip never ends: only an overall deadline ends
    // this. The bound leaves a loaded machine 9 s beyond the deadline.
    assert.ok(took < DEADLINE_MS * 10, `took ${took.toFixed(0)} ms`);
  });

  it('the_upstream_call_is_aborted_when_the_browser_goes_away', async () => {
    mx.behaviour = 'hang';
    const calls = mx.closed.length;
    // The browser leaves once its call is with MX (an event, not a guess at how long a loaded machine takes to get
    // there), and the upstream call must close long before the 30 s deadline would close it.
    const browser = new AbortController();
    const request = fetch(new URL(LIST, patient.url), { headers: { 'X-CSRF': '1', cookie: p.cookie }, signal: browser.signal });
    await eventuallyTrue(() => mx.closed.length > calls, 'the call reached the fake MX', 30_000);
    const left = performance.now();
    browser.abort();
    await assert.rejects(request);
    await mx.closed.at(-1);
    const took = performance.now() - left;
    console.log(`[figures] upstream call closed ${took.toFixed(0)} ms after the browser left (deadline 30 s)`);
    // Not aborted, the call would stay open until the 30 s deadline; half of it is margin for a loaded machine.
    assert.ok(took < 15_000, `the upstream call stayed open ${took.toFixed(0)} ms after the browser left`);
  });

  it('an_answer_declared_larger_than_the_cap_gives_502_unread', async () => {
    mx.behaviour = 'huge-declared';
    const res = await q.request('GET', LIST);
    assert.equal(res.status, 502);
    assert.equal((await errorOf(res)).code, 'upstream_too_large');
    await mx.closed.at(-1);
    assert.ok(mx.sent < 50 * MB, `${(mx.sent / MB).toFixed(0)} MB left the fake MX`);
  });
});

describe('a 400 MB upstream answer, the BFF in its own process', () => {
  const mx = new HostileMx();
  before(() => mx.start());
  after(() => mx.stop());

  it('a_400_mb_upstream_answer_gives_502_and_the_bff_rss_grows_less_than_50_mb', async () => {
    const bff = await startDemoChild({ MX_BASE_URL: mx.url, MX_CLIENT_ID: 'bank', MX_CLIENT_SECRET: 'hostile-test-secret' });
    try {
      const alex = new Customer(bff.url);
      await alex.login('alex');
      mx.behaviour = 'ok';
      // Warm: every module and code path of a list call is loaded before the baseline is read.
      for (let i = 0; i < 5; i++) assert.equal((await alex.request('GET', LIST)).status, 200);
      const baseline = await bff.peakRss();

      mx.behaviour = 'huge';
      const res = await alex.request('GET', LIST);
      const error = await errorOf(res);
      await mx.closed.at(-1);
      const grown = (await bff.peakRss()) - baseline;
      console.log(`[figures] 400 MB answer (chunked, no length): ${res.status} ${error.code}; ${(mx.sent / MB).toFixed(1)} MB `
        + `left the fake MX; BFF peak RSS ${(baseline / MB).toFixed(1)} MB before, grew ${(grown / MB).toFixed(1)} MB`);
      assert.ok(grown < 50 * MB, `the BFF's peak RSS grew ${(grown / MB).toFixed(1)} MB`);
      assert.equal(res.status, 502);
      assert.equal(error.code, 'upstream_too_large');
      assert.ok(mx.sent < 400 * MB, 'the BFF hung up before the end');
    } finally {
      await bff.stop();
    }
  });
});

describe("the BFF's HTTP server", () => {
  it('runs_with_explicit_timeouts_and_a_connection_cap', async () => {
    const demo = await startTestDemo();
    try {
      const { server } = demo;
      assert.equal(server.headersTimeout, SERVER_LIMITS.headersTimeoutMs);
      assert.equal(server.requestTimeout, SERVER_LIMITS.requestTimeoutMs);
      assert.equal(server.keepAliveTimeout, SERVER_LIMITS.keepAliveTimeoutMs);
      assert.equal(server.maxConnections, SERVER_LIMITS.maxConnections);
      assert.ok(SERVER_LIMITS.requestTimeoutMs <= 30_000, 'a request, body included, has seconds, not minutes');
    } finally {
      await demo.close();
    }
  });

  it('a_slow_unauthenticated_request_body_loses_its_socket_at_the_request_timeout', async () => {
    const requestTimeoutMs = 1_000;
    const { server, url } = await listen(0, '127.0.0.1', (req, res) => {
      req.resume();
      req.on('end', () => res.end('read it all'));
    }, { headersTimeoutMs: 500, requestTimeoutMs });
    try {
      const { port } = new URL(url);
      const socket = connect(Number(port), '127.0.0.1');
      await once(socket, 'connect');
      socket.write('PUT /consent/api/consent_management/x/accounts HTTP/1.1\r\nHost: x\r\nX-CSRF: 1\r\n'
        + 'Content-Type: application/json\r\nContent-Length: 1000\r\n\r\n');
      const started = performance.now();
      const drip = setInterval(() => socket.write('{'), 100);
      let answer = '';
      socket.on('data', (d: Buffer) => { answer += d.toString(); });
      await once(socket, 'close');
      clearInterval(drip);
      const took = performance.now() - started;
      console.log(`[figures] slow body cut off after ${took.toFixed(0)} ms (request timeout ${requestTimeoutMs} ms)`);
      assert.match(answer, /^HTTP\/1.1 408/);
      // The body would take 100 s and Node's own default would hold it 300 s; 10 s of margin for a loaded machine
      // (the timeout is checked every 500 ms, on a busy event loop) still tells seconds from minutes.
      assert.ok(took < requestTimeoutMs + 10_000, `the slow body held its socket ${took.toFixed(0)} ms`);
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });

  it('connections_beyond_the_cap_are_refused', async () => {
    const { server, url } = await listen(0, '127.0.0.1', () => undefined, { maxConnections: 2 });
    try {
      const { port } = new URL(url);
      const open = () => new Promise<ReturnType<typeof connect>>((resolve) => {
        const s = connect(Number(port), '127.0.0.1', () => resolve(s));
      });
      const held = [await open(), await open()];
      await eventuallyTrue(async () => (await connections(server)) === 2, 'two connections accepted');
      const third = await open();
      await once(third, 'close');
      assert.equal(await connections(server), 2);
      held.forEach((s) => s.destroy());
    } finally {
      server.closeAllConnections();
      server.close();
    }
  });
});

const connections = (server: Server) => new Promise<number>((r, j) => server.getConnections((e, n) => (e ? j(e) : r(n))));

async function eventuallyTrue(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 10_000): Promise<void> {
  const until = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > until) assert.fail(what);
    await new Promise((r) => setTimeout(r, 20));
  }
}
