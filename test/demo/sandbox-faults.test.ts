/** Fault injection: each kind, observed from a real HTTP client. */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { Consent } from '../../contract/consent.js';
import type { Fault } from '../../demo/sandbox/app.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { api, control, CREDENTIALS, postToken, tokenBody, tokenFor } from './sandbox-helpers.js';

const ALEX = DEMO_CUSTOMERS.alex;

let s: StartedSandbox;

before(async () => {
  s = await startSandbox({ ...CREDENTIALS });
});
after(async () => {
  await s.close();
});
beforeEach(() => s.sandbox.reset());

const consents = () => s.sandbox.consents(ALEX);
const firstActive = () => consents().find((c) => c.revoked_at === null && c.accounts.some((a) => !a.enabled))!;
const listStatus = async (token: string) => (await api(s, 'GET', '/consent_management', { token })).status;

describe('fault kinds', () => {
  it('error: answers the configured status for the next N requests, then recovers', async () => {
    const token = await tokenFor(s, ALEX);
    const set = await control(s, 'PUT', '/faults', [{ endpoint: 'list', kind: 'error', status: 503, next: 2 }]);
    assert.equal(set.status, 200);
    const first = await api(s, 'GET', '/consent_management', { token });
    assert.equal(first.status, 503);
    assert.deepEqual(first.json, { error: { status: 503, message: 'injected fault' } });
    assert.equal(first.headers.get('retry-after'), '1');
    assert.deepEqual((await control<Fault[]>(s, 'GET', '/faults')).json, [{ endpoint: 'list', kind: 'error', status: 503, next: 1 }]);
    assert.equal(await listStatus(token), 503);
    assert.equal(await listStatus(token), 200);
    assert.deepEqual((await control(s, 'GET', '/faults')).json, [], 'spent faults disappear');
  });

  it('error: defaults to 500 and leaves other endpoints alone', async () => {
    s.sandbox.faults.set({ token: { kind: 'error', next: 1 } });
    assert.equal((await postToken(s, tokenBody(ALEX))).status, 500);
    const token = await tokenFor(s, ALEX);
    assert.equal(await listStatus(token), 200);
  });

  it('error: a failed write changes nothing', async () => {
    const token = await tokenFor(s, ALEX);
    const target = firstActive();
    s.sandbox.faults.set([{ endpoint: 'revoke', kind: 'error', status: 502, next: 1 }]);
    assert.equal((await api(s, 'PUT', `/consent_management/${target.id}/disable_app_sharing`, { token })).status, 502);
    assert.equal(consents().find((c) => c.id === target.id)?.revoked_at, null);
  });

  it('drop: closes the connection without an answer and applies nothing', async () => {
    const token = await tokenFor(s, ALEX);
    const target = firstActive();
    const account = target.accounts.find((a) => !a.enabled)!;
    s.sandbox.faults.set([{ endpoint: 'account', kind: 'drop', next: 1 }]);
    await assert.rejects(api(s, 'PUT', `/consent_management/${target.id}/accounts/${account.account_id}`, { token, body: { enabled: true } }));
    assert.equal(consents().find((c) => c.id === target.id)?.accounts.find((a) => a.account_id === account.account_id)?.enabled, false);
    assert.equal(s.sandbox.stats().account, 1, 'the dropped request is still counted');
  });

  it('apply_then_drop: the write takes effect although the client gets no answer', async () => {
    const token = await tokenFor(s, ALEX);
    const target = firstActive();
    const account = target.accounts.find((a) => !a.enabled)!;
    s.sandbox.faults.set([{ endpoint: 'account', kind: 'apply_then_drop', next: 1 }]);
    await assert.rejects(api(s, 'PUT', `/consent_management/${target.id}/accounts/${account.account_id}`, { token, body: { enabled: true } }));
    assert.equal(consents().find((c) => c.id === target.id)?.accounts.find((a) => a.account_id === account.account_id)?.enabled, true);

    s.sandbox.faults.set([{ endpoint: 'revoke', kind: 'apply_then_drop', next: 1 }]);
    await assert.rejects(api(s, 'PUT', `/consent_management/${target.id}/disable_app_sharing`, { token }));
    const revokedAt = consents().find((c) => c.id === target.id)?.revoked_at;
    assert.ok(revokedAt, 'the revoke applied');
    const retry = await api<Consent>(s, 'PUT', `/consent_management/${target.id}/disable_app_sharing`, { token });
    assert.equal(retry.status, 200);
    assert.equal(retry.json.revoked_at, revokedAt, 'a retry after the lost answer sees the same revocation');
  });

  it('malformed: answers 200 with a body that is not JSON', async () => {
    s.sandbox.faults.set([{ endpoint: 'token', kind: 'malformed', next: 1 }]);
    const res = await postToken(s, tokenBody(ALEX));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.throws(() => JSON.parse(res.text));
    assert.ok(res.text.startsWith('{"access_token":"'));

    const token = await tokenFor(s, ALEX);
    s.sandbox.faults.set([{ endpoint: 'list', kind: 'malformed', next: 1 }]);
    const list = await api(s, 'GET', '/consent_management', { token });
    assert.equal(list.status, 200);
    assert.equal(list.json, undefined);
    assert.equal(await listStatus(token), 200);
  });

  it('latency: delays the answer, which then arrives intact', async () => {
    const token = await tokenFor(s, ALEX);
    s.sandbox.faults.set([{ endpoint: 'list', kind: 'latency', latency_ms: 150, next: 1 }]);
    const started = performance.now();
    const res = await api<Consent[]>(s, 'GET', '/consent_management', { token });
    assert.ok(performance.now() - started >= 140);
    assert.equal(res.status, 200);
    assert.ok(res.json.length >= 7);
  });

  it('latency_ms combines with another kind', async () => {
    s.sandbox.faults.set([{ endpoint: 'token', kind: 'error', status: 504, latency_ms: 100, next: 1 }]);
    const started = performance.now();
    assert.equal((await postToken(s, tokenBody(ALEX))).status, 504);
    assert.ok(performance.now() - started >= 90);
  });
});

describe('fault selection', () => {
  it('"*" hits every endpoint', async () => {
    const token = await tokenFor(s, ALEX);
    const target = firstActive();
    s.sandbox.faults.set({ '*': { kind: 'error', status: 500, next: 4 } });
    assert.equal((await postToken(s, tokenBody(ALEX))).status, 500);
    assert.equal(await listStatus(token), 500);
    assert.equal((await api(s, 'PUT', `/consent_management/${target.id}/accounts`, { token, body: { automatic_access: true } })).status, 500);
    assert.equal((await api(s, 'PUT', `/consent_management/${target.id}/disable_app_sharing`, { token })).status, 500);
    assert.equal(await listStatus(token), 200);
  });

  it('rate 0 never fires; rate 1 always does', async () => {
    const token = await tokenFor(s, ALEX);
    s.sandbox.faults.set([{ endpoint: 'list', kind: 'error', rate: 0 }]);
    for (let i = 0; i < 5; i++) assert.equal(await listStatus(token), 200);
    s.sandbox.faults.set([{ endpoint: 'list', kind: 'error', rate: 1 }]);
    for (let i = 0; i < 5; i++) assert.equal(await listStatus(token), 500);
  });

  it('takes the first armed match in list order, and accepts a map of lists', async () => {
    const token = await tokenFor(s, ALEX);
    await control(s, 'PUT', '/faults', { list: [{ kind: 'error', status: 429, next: 1 }, { kind: 'error', status: 503, next: 1 }] });
    assert.equal(await listStatus(token), 429);
    assert.equal(await listStatus(token), 503);
    assert.equal(await listStatus(token), 200);
  });

  it('PUT replaces the faults and an empty list clears them', async () => {
    const token = await tokenFor(s, ALEX);
    await control(s, 'PUT', '/faults', [{ endpoint: 'list', kind: 'error' }]);
    await control(s, 'PUT', '/faults', { endpoint: 'token', kind: 'error', next: 1 });
    assert.equal(await listStatus(token), 200);
    assert.deepEqual((await control(s, 'PUT', '/faults', [])).json, []);
    assert.equal((await postToken(s, tokenBody(ALEX))).status, 200);
  });

  it('refuses a fault that does not fit with 400 and keeps the current ones', async () => {
    s.sandbox.faults.set([{ endpoint: 'list', kind: 'latency', latency_ms: 1 }]);
    const bad: unknown[] = [
      [{ endpoint: 'list', kind: 'explode' }],
      [{ endpoint: 'everything', kind: 'error' }],
      [{ endpoint: 'list', kind: 'error', status: 200 }],
      [{ endpoint: 'list', kind: 'error', rate: 2 }],
      [{ endpoint: 'list', kind: 'error', next: 0 }],
      [{ kind: 'error' }],
      { lists: { kind: 'error' } },
      'error',
    ];
    for (const body of bad) {
      const res = await control<{ error: { status: number } }>(s, 'PUT', '/faults', body);
      assert.equal(res.status, 400, JSON.stringify(body));
      assert.equal(res.json.error.status, 400);
    }
    assert.throws(() => s.sandbox.faults.set([{ endpoint: 'list', kind: 'error', status: 99 }]));
    assert.deepEqual(s.sandbox.faults.list(), [{ endpoint: 'list', kind: 'latency', latency_ms: 1 }]);
  });

  it('add() arms one more fault and clear() removes all', () => {
    s.sandbox.faults.add({ endpoint: 'revoke', kind: 'drop' });
    s.sandbox.faults.add({ endpoint: 'token', kind: 'error', status: 503, next: 3 });
    assert.equal(s.sandbox.faults.list().length, 2);
    s.sandbox.faults.clear();
    assert.deepEqual(s.sandbox.faults.list(), []);
  });
});
