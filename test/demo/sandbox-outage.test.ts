/**
 * What a bank's CI uses to rehearse MX misbehaving: an endpoint outage switched on and off, faults armed from
 * the start (options or env), reproducible `rate` faults, and CORS for a page whose origin is known late.
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, before, beforeEach, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import type { Fault } from '../../demo/sandbox/app.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { api, basic, control, CREDENTIALS, postToken, tokenBody, tokenFor } from './sandbox-helpers.js';

const ALEX = DEMO_CUSTOMERS.alex;

describe('token endpoint outage', () => {
  let s: StartedSandbox;
  before(async () => {
    s = await startSandbox({ ...CREDENTIALS });
  });
  after(() => s.close());
  beforeEach(() => s.sandbox.reset());

  it('an_outage_fails_every_token_request_with_503_until_it_ends_while_issued_tokens_keep_working', async () => {
    const token = await tokenFor(s, ALEX);
    const set = await control<Fault[]>(s, 'PUT', '/outage/token');
    assert.equal(set.status, 200);
    assert.deepEqual(set.json, [{ endpoint: 'token', kind: 'error', status: 503, outage: true }]);
    for (let i = 0; i < 5; i++) {
      const res = await postToken(s, tokenBody(ALEX));
      assert.equal(res.status, 503);
      assert.equal(res.headers.get('retry-after'), '1');
    }
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 200, 'the other endpoints are up');
    assert.equal(s.sandbox.stats().tokens_issued, 1);

    assert.deepEqual(await (await fetch(`${s.url}/__sandbox/outage/token`, { method: 'DELETE' })).json(), []);
    assert.equal((await postToken(s, tokenBody(ALEX))).status, 200);
  });

  it('an_outage_goes_ahead_of_other_faults_and_ending_it_leaves_them_armed', async () => {
    s.sandbox.faults.set([{ endpoint: 'token', kind: 'latency', latency_ms: 1 }, { endpoint: 'list', kind: 'error', status: 502, next: 1 }]);
    s.sandbox.faults.outage('token', { kind: 'drop' });
    assert.deepEqual(s.sandbox.faults.list()[0], { endpoint: 'token', kind: 'drop', outage: true });
    await assert.rejects(postToken(s, tokenBody(ALEX)), 'connections are reset');
    // Arming it again replaces it rather than stacking a second one.
    s.sandbox.faults.outage('token', { status: 500 });
    assert.equal(s.sandbox.faults.list().filter((f) => f.outage).length, 1);
    assert.equal((await postToken(s, tokenBody(ALEX))).status, 500);
    s.sandbox.faults.endOutage();
    assert.deepEqual(s.sandbox.faults.list(), [
      { endpoint: 'token', kind: 'latency', latency_ms: 1 },
      { endpoint: 'list', kind: 'error', status: 502, next: 1 },
    ]);
    assert.equal((await postToken(s, tokenBody(ALEX))).status, 200);
  });

  it('any_endpoint_or_all_can_be_taken_down_and_bad_requests_are_refused', async () => {
    const token = await tokenFor(s, ALEX);
    await control(s, 'PUT', '/outage/*', { status: 504 });
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 504);
    await fetch(`${s.url}/__sandbox/outage/*`, { method: 'DELETE' });
    await control(s, 'PUT', '/outage/list', { kind: 'error' });
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 503);
    assert.equal((await control(s, 'PUT', '/outage/everything')).status, 404);
    assert.equal((await control(s, 'PUT', '/outage/list', { kind: 'latency' })).status, 400);
    assert.equal((await control(s, 'PUT', '/outage/list', { status: 200 })).status, 400);
    assert.equal(s.sandbox.faults.list().length, 1, 'refused requests left the outage as it was');
    s.sandbox.reset();
    assert.deepEqual(s.sandbox.faults.list(), [], 'reset ends it');
  });
});

describe('faults from the start, reproducible rates, late CORS origins', () => {
  it('start_faults_are_armed_at_start_and_again_after_each_reset', async () => {
    const s = await startSandbox({ ...CREDENTIALS, faults: { token: { kind: 'error', status: 503, outage: true } } });
    try {
      assert.equal((await postToken(s, tokenBody(ALEX))).status, 503);
      s.sandbox.faults.endOutage();
      assert.equal((await postToken(s, tokenBody(ALEX))).status, 200);
      s.sandbox.reset();
      assert.equal((await postToken(s, tokenBody(ALEX))).status, 503);
    } finally {
      await s.close();
    }
    await assert.rejects(startSandbox({ ...CREDENTIALS, faults: { token: { kind: 'explode' } } as never }), /createSandbox: faults/);
  });

  it('a_fault_seed_makes_rate_faults_hit_the_same_requests_every_run_and_after_reset', async () => {
    const pattern = async (s: StartedSandbox) => {
      const token = await tokenFor(s, ALEX);
      s.sandbox.faults.set({ list: { kind: 'error', status: 503, rate: 0.3 } });
      const hits: number[] = [];
      for (let i = 0; i < 40; i++) hits.push((await api(s, 'GET', '/consent_management', { token })).status);
      return hits.map((st) => (st === 503 ? 'x' : '.')).join('');
    };
    const a = await startSandbox({ ...CREDENTIALS, faultSeed: 42 });
    const b = await startSandbox({ ...CREDENTIALS, faultSeed: 42 });
    try {
      const first = await pattern(a);
      assert.equal(await pattern(b), first, 'same seed, same requests hit');
      a.sandbox.reset();
      assert.equal(await pattern(a), first, 'reset restarts the sequence');
      const hits = first.split('x').length - 1;
      assert.ok(hits > 4 && hits < 24, `about 30 % of 40 hit: ${first}`);
    } finally {
      await a.close();
      await b.close();
    }
  });

  it('cors_origins_may_be_a_function_asked_on_each_request', async () => {
    let origins: string[] = [];
    const s = await startSandbox({ ...CREDENTIALS, corsOrigins: () => origins });
    try {
      const preflight = () => fetch(`${s.apiBase()}/consent_management`, {
        method: 'OPTIONS',
        headers: { origin: 'http://127.0.0.1:5555', 'access-control-request-method': 'GET', 'access-control-request-headers': 'authorization' },
      });
      assert.equal((await preflight()).status, 404, 'no origin allowed yet');
      origins = ['http://127.0.0.1:5555'];
      const res = await preflight();
      assert.equal(res.status, 204);
      assert.equal(res.headers.get('access-control-allow-origin'), 'http://127.0.0.1:5555');
    } finally {
      await s.close();
    }
  });
});

describe('npm run sandbox for a CI job', () => {
  let child: ChildProcess | undefined;
  after(() => {
    if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  });

  it('SANDBOX_FAULTS_and_SANDBOX_FAULT_SEED_start_it_faulted_and_the_outage_can_be_ended_over_http', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    child = spawn(process.execPath, ['--import', 'tsx', 'demo/sandbox/main.ts'], {
      cwd: root,
      env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_CLIENT_ID: 'ci', SANDBOX_CLIENT_SECRET: 'ci-secret',
        SANDBOX_FAULTS: '{"token":{"kind":"error","status":503,"outage":true}}', SANDBOX_FAULT_SEED: '7' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    let out = '';
    child.stdout!.setEncoding('utf8');
    const url = await new Promise<string>((resolve, reject) => {
      child!.stdout!.on('data', (chunk: string) => {
        out += chunk;
        const match = /listening on (http:\/\/\S+)[\s\S]*controls:/.exec(out);
        if (match) resolve(match[1]!);
      });
      child!.once('exit', (code) => reject(new Error(`exited ${code}: ${out}`)));
    });
    assert.match(out, /faults: .*"outage":true.*\(seed 7\)/);
    const token = () => fetch(`${url}/api/v4/token`, {
      method: 'POST', headers: { authorization: basic('ci', 'ci-secret'), 'content-type': 'application/json' }, body: tokenBody(ALEX),
    });
    assert.equal((await token()).status, 503);
    assert.equal((await fetch(`${url}/__sandbox/outage/token`, { method: 'DELETE' })).status, 200);
    assert.equal((await token()).status, 200);
    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });

  it('a_malformed_SANDBOX_FAULTS_stops_the_start_with_a_message', async () => {
    const root = fileURLToPath(new URL('../../', import.meta.url));
    const bad = spawn(process.execPath, ['--import', 'tsx', 'demo/sandbox/main.ts'], {
      cwd: root, env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_FAULTS: '{"token":{"kind":"explode"}}' }, stdio: ['ignore', 'ignore', 'pipe'],
    });
    let err = '';
    bad.stderr!.on('data', (c: Buffer) => (err += c.toString('utf8')));
    const [code] = (await once(bad, 'exit')) as [number | null];
    assert.equal(code, 1);
    assert.match(err, /SANDBOX_FAULTS/);
  });
});
