import assert from 'node:assert/strict';
import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { hashId } from '../../server/router.js';
import { closeGracefully } from '../../server/lifecycle.js';
import { createLogger } from '../../server/logger.js';
import { Customer } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';
const parse = (lines: string[]) => lines.map((l) => JSON.parse(l) as Record<string, unknown>);

describe('operations', () => {
  let stack: Stack;
  before(async () => { stack = await startStack(); });
  after(() => stack.close());
  beforeEach(() => {
    stack.mx.sandbox.reset();
    stack.logs.length = 0;
  });

  it('each_consent_change_writes_one_audit_event_with_hashed_customer_account_and_server_made_request_id', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const c = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((x) => !x.revoked_at)!;
    const account = c.accounts[0]!;
    const res = await alex.request('PUT', `${LIST}/${c.id}/accounts`, { json: { automatic_access: false }, headers: { 'X-Request-Id': 'req-audit-1' } });
    assert.equal(res.status, 200);
    const reqId = res.headers.get('x-request-id')!;
    assert.match(reqId, /^[0-9a-f-]{36}$/, 'the response names the id the server made');
    const switched = await alex.request('PUT', `${LIST}/${c.id}/accounts/${account.account_id}`, { json: { enabled: !account.enabled } });
    assert.equal(switched.status, 200);
    const rejected = await alex.request('PUT', `${LIST}/CNS-unknown/disable_app_sharing`);
    assert.equal(rejected.status, 404);
    await alex.request('GET', LIST);

    const audits = parse(stack.logs).filter((l) => l.event === 'consent_audit');
    assert.equal(audits.length, 3, 'one per change, none for the read');
    assert.deepEqual(
      { ...audits[0], time: undefined, level: undefined, msg: undefined },
      {
        event: 'consent_audit', customer: hashId(DEMO_CUSTOMERS.alex), consent_id: c.id, action: 'auto_share',
        value: { automatic_access: false }, outcome: 'applied', upstream_status: 200, req_id: reqId, correlation_id: 'req-audit-1',
        time: undefined, level: undefined, msg: undefined,
      },
    );
    assert.deepEqual(
      { action: audits[1]!.action, consent_id: audits[1]!.consent_id, account_id: audits[1]!.account_id, value: audits[1]!.value, outcome: audits[1]!.outcome },
      { action: 'account', consent_id: c.id, account_id: account.account_id, value: { enabled: !account.enabled }, outcome: 'applied' },
    );
    assert.equal(audits[1]!.correlation_id, undefined, 'no X-Request-Id, no correlation field');
    assert.equal(audits[2]!.action, 'stop');
    assert.equal(audits[2]!.outcome, 'rejected');
    assert.equal(new Set(audits.map((a) => a.req_id)).size, 3, 'each request its own id');
    assert.ok(!stack.logs.join('\n').includes(DEMO_CUSTOMERS.alex), 'the raw customer id is never logged');
  });

  it('a_clients_request_id_never_becomes_the_request_id_and_is_kept_only_when_well_formed', async () => {
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    const c = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((x) => !x.revoked_at)!;
    const ids: Array<[string, string | undefined]> = [
      ['trace-42:span.7', 'trace-42:span.7'],
      ['x'.repeat(65), undefined],
      ['a b', undefined],
      ['{"admin":true}', undefined],
      ['<script>', undefined],
    ];
    for (const [sent] of ids) {
      const res = await alex.request('PUT', `${LIST}/${c.id}/accounts`, { json: { automatic_access: true }, headers: { 'X-Request-Id': sent } });
      assert.equal(res.status, 200);
      assert.notEqual(res.headers.get('x-request-id'), sent);
    }
    const audits = parse(stack.logs).filter((l) => l.event === 'consent_audit');
    const requests = parse(stack.logs).filter((l) => l.msg === 'request' && String((l.req as { path?: string } | undefined)?.path).startsWith(LIST));
    assert.deepEqual(audits.map((a) => a.correlation_id), ids.map(([, kept]) => kept));
    assert.deepEqual(requests.map((a) => a.correlation_id), ids.map(([, kept]) => kept), 'the request line agrees');
    assert.deepEqual(audits.map((a) => a.req_id), requests.map((r) => r.req_id));
  });

  it('every_request_is_logged_once_with_its_request_id_and_no_query_string', async () => {
    const res = await fetch(`${stack.bff.url}/healthz?token=abc`);
    const id = res.headers.get('x-request-id');
    assert.ok(id);
    const lines = parse(stack.logs).filter((l) => l.req_id === id);
    assert.equal(lines.length, 1);
    assert.deepEqual(lines[0]!.req, { method: 'GET', path: '/healthz' });
    assert.deepEqual(lines[0]!.res, { status: 200 });
    assert.equal(typeof lines[0]!.ms, 'number');
  });

  it('healthz_and_readyz_answer_json', async () => {
    const health = await fetch(`${stack.bff.url}/healthz`);
    assert.deepEqual(await health.json(), { status: 'ok' });
    const ready = await fetch(`${stack.bff.url}/readyz`);
    assert.equal(ready.status, 200);
    assert.deepEqual(await ready.json(), { status: 'ready', problems: [] });
  });

  it('security_headers_are_set_and_the_framework_is_not_advertised', async () => {
    const res = await fetch(`${stack.bff.url}/login`);
    assert.equal(res.headers.get('x-powered-by'), null);
    const csp = res.headers.get('content-security-policy') ?? '';
    assert.match(csp, /script-src 'self'/);
    assert.match(csp, /style-src 'self'(;|$)/);
    assert.doesNotMatch(csp, /unsafe-inline/);
    assert.equal(res.headers.get('x-content-type-options'), 'nosniff');
  });

  it('unknown_routes_get_404_json', async () => {
    const res = await fetch(`${stack.bff.url}/nope`);
    assert.equal(res.status, 404);
    assert.equal(((await res.json()) as { error: { code: string } }).error.code, 'not_found');
  });
});

describe('graceful shutdown', () => {
  it('closing_lets_in_flight_requests_finish_and_refuses_new_ones', async () => {
    const stack = await startStack();
    try {
      const alex = new Customer(stack.bff.url);
      await alex.login('alex');
      stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'latency', latency_ms: 1_500 });
      const inFlight = alex.request('GET', LIST);
      // In flight for certain: the BFF has passed it on and MX is holding it.
      while (stack.mx.sandbox.stats().list === 0) await new Promise((r) => setTimeout(r, 10));
      const closing = closeGracefully(stack.bff.server, 5_000);
      const res = await inFlight;
      assert.equal(res.status, 200);
      assert.ok(Array.isArray(await res.json()));
      await closing;
      await assert.rejects(fetch(`${stack.bff.url}/healthz`));
    } finally {
      await stack.mx.close();
      await stack.bff.router.close();
    }
  });
});

describe('logger', () => {
  it('redacts_authorization_cookies_tokens_and_secrets', () => {
    const lines: string[] = [];
    const log = createLogger('info', new Writable({ write(c: Buffer, _e, cb) { lines.push(c.toString()); cb(); } }));
    log.info({ headers: { authorization: 'Bearer abc', cookie: 'sid=1' }, access_token: 'tok', clientSecret: 'shh', nested: { client_secret: 'shh2', password: 'pw' } }, 'x');
    const text = lines.join('');
    for (const secret of ['Bearer abc', 'sid=1', '"tok"', 'shh', 'pw']) assert.ok(!text.includes(secret), `${secret} leaked: ${text}`);
  });
});

describe('standalone BFF process', () => {
  let mx: StartedSandbox;
  before(async () => { mx = await startSandbox({ clientId: 'proc', clientSecret: 'proc-secret-value-123' }); });
  after(() => mx.close());

  async function spawnBff(env: Record<string, string>) {
    const child = spawn(process.execPath, ['--import', 'tsx', 'server/main.ts'], {
      env: { ...process.env, PORT: '0', LOG_LEVEL: 'info', LEDGER_DIR: 'memory://', ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let out = '';
    child.stdout.on('data', (d: Buffer) => { out += d.toString(); });
    child.stderr.on('data', (d: Buffer) => { out += d.toString(); });
    return { child, output: () => out };
  }

  it('refuses_to_start_in_production_with_a_default_secret_and_says_why', async () => {
    const { child, output } = await spawnBff({
      NODE_ENV: 'production', MX_BASE_URL: 'https://access.bank.example', MX_CLIENT_ID: 'id', MX_CLIENT_SECRET: 'proc-secret-value-123', SESSION_SECRET: 'keyboard cat',
    });
    const [code] = await once(child, 'exit');
    assert.equal(code, 1);
    assert.match(output(), /SESSION_SECRET: is a well-known default/);
    assert.ok(!output().includes('proc-secret-value-123'));
  });

  it('sigterm_stops_the_process_cleanly', async () => {
    const { child, output } = await spawnBff({
      MX_BASE_URL: mx.url, MX_CLIENT_ID: 'proc', MX_CLIENT_SECRET: 'proc-secret-value-123', SESSION_SECRET: 'x'.repeat(40),
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        // A cold `node --import tsx` start compiles the BFF first: seconds on a loaded machine.
        const timer = setTimeout(() => reject(new Error(`no listening line: ${output()}`)), 180_000);
        child.stdout.on('data', () => {
          const m = /"url":"(http:[^"]+)"/.exec(output());
          if (m) { clearTimeout(timer); resolve(m[1]!); }
        });
      });
      assert.equal((await fetch(`${url}/healthz`)).status, 200);
      child.kill('SIGTERM');
      const [code] = await once(child, 'exit');
      assert.equal(code, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });
});
