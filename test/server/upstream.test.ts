import assert from 'node:assert/strict';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { consentPaths } from '../../contract/consent.js';
import { createUpstreamClient, UpstreamError, type UpstreamClient } from '../../server/upstream.js';

const timeouts = { connectMs: 1_000, headersMs: 1_000, bodyMs: 1_000 };

describe('upstream client', () => {
  let mx: StartedSandbox;
  let client: UpstreamClient;
  let token: string;
  const alex = DEMO_CUSTOMERS.alex;
  before(async () => {
    mx = await startSandbox({ clientId: 'up', clientSecret: 'up-secret' });
    client = createUpstreamClient({ baseUrl: mx.url, version: 'v4', clientId: 'up', clientSecret: 'up-secret', timeouts });
  });
  after(async () => {
    await client.close();
    await mx.close();
  });
  beforeEach(async () => {
    mx.sandbox.reset();
    token = await client.requestToken(alex);
    mx.sandbox.reset();
  });

  it('a_lost_put_response_is_reported_unavailable_and_not_repeated_by_the_upstream_client', async () => {
    const consent = mx.sandbox.consents(alex).find((c) => !c.revoked_at)!;
    mx.sandbox.faults.set({ endpoint: 'revoke', kind: 'apply_then_drop', next: 1 });
    await assert.rejects(client.consent({ method: 'PUT', path: consentPaths.stop(consent.id) }, token),
      (err: unknown) => err instanceof UpstreamError && err.kind === 'unavailable');
    assert.equal(mx.sandbox.stats().revoke, 1, 'the widget, not this client, decides on another attempt');
  });

  it('the_token_request_is_never_retried_by_the_client', async () => {
    mx.sandbox.faults.set({ endpoint: 'token', kind: 'drop', next: 1 });
    await assert.rejects(client.requestToken(alex), (err: unknown) => err instanceof UpstreamError && err.kind === 'unavailable');
    assert.equal(mx.sandbox.stats().token, 1);
  });

  it('a_503_is_answered_after_one_call_the_upstream_client_never_retries', async () => {
    mx.sandbox.faults.set({ endpoint: 'list', kind: 'error', status: 503 });
    const res = await client.consent({ method: 'GET', path: consentPaths.list() }, token);
    assert.equal(res.status, 503);
    assert.equal(mx.sandbox.stats().list, 1);
  });

  it('a_malformed_success_body_is_reported_as_bad_response', async () => {
    mx.sandbox.faults.set({ endpoint: 'list', kind: 'malformed' });
    await assert.rejects(client.consent({ method: 'GET', path: consentPaths.list() }, token),
      (err: unknown) => err instanceof UpstreamError && err.kind === 'bad_response');
  });

  it('bad_client_credentials_are_reported_without_the_secret', async () => {
    const wrong = createUpstreamClient({ baseUrl: mx.url, version: 'v4', clientId: 'up', clientSecret: 'not-the-secret-42', timeouts });
    try {
      await assert.rejects(wrong.requestToken(alex), (err: unknown) => {
        assert.ok(err instanceof UpstreamError);
        assert.equal(err.kind, 'auth_rejected');
        assert.ok(!err.message.includes('not-the-secret-42'));
        return true;
      });
    } finally {
      await wrong.close();
    }
  });
});

describe('upstream connections', () => {
  let server: Server;
  let connections = 0;
  let url: string;
  before(async () => {
    server = createServer((req, res) => {
      res.setHeader('content-type', 'application/json');
      if (req.url?.endsWith('/slow')) return void setTimeout(() => res.end('[]'), 10_000);
      res.end(req.method === 'POST' ? '{"access_token":"t"}' : '[]');
    });
    server.on('connection', () => { connections++; });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/prefix`;
  });
  after(async () => {
    server.closeAllConnections();
    await new Promise((r) => server.close(r));
  });

  it('keep_alive_connections_are_reused_across_calls', async () => {
    const client = createUpstreamClient({ baseUrl: url, version: 'v4', clientId: 'a', clientSecret: 'b', timeouts });
    try {
      connections = 0;
      for (let i = 0; i < 20; i++) {
        await client.requestToken('someone');
        await client.consent({ method: 'GET', path: consentPaths.list() }, 't');
      }
      // 40 calls; undici may open a second socket while the first is still settling its last response,
      // but a client without keep-alive would have opened 40.
      assert.ok(connections <= 2, `${connections} connections for 40 calls`);
    } finally {
      await client.close();
    }
  });

  it('a_slow_upstream_times_out_at_the_configured_headers_timeout', async () => {
    const client = createUpstreamClient({ baseUrl: url, version: 'v4', clientId: 'a', clientSecret: 'b', timeouts: { ...timeouts, headersMs: 200 } });
    try {
      const started = Date.now();
      await assert.rejects(client.consent({ method: 'GET', path: '/slow' }, 't'), (err: unknown) => err instanceof UpstreamError && err.kind === 'timeout');
      const took = Date.now() - started;
      // Well before the 10 s answer, with room for a loaded machine's timers.
      assert.ok(took < 5_000, `gave up after ${took} ms`);
    } finally {
      await client.close();
    }
  });

  it('token_requests_have_connections_of_their_own_that_consent_calls_cannot_take', async () => {
    const client = createUpstreamClient({ baseUrl: url, version: 'v4', clientId: 'a', clientSecret: 'b', timeouts: { ...timeouts, headersMs: 5_000 }, connections: 2 });
    try {
      let started = performance.now();
      await client.requestToken('someone');
      const floor = performance.now() - started;
      // Every consent connection busy (the slow answer outlasts the headers timeout), more consent calls queued behind them.
      const slow = Array.from({ length: 3 }, () => client.consent({ method: 'GET', path: '/slow' }, 't'));
      started = performance.now();
      await client.requestToken('someone-else');
      const contended = performance.now() - started;
      console.log(`[figures] token request alone ${floor.toFixed(1)} ms; with every consent connection busy ${contended.toFixed(1)} ms`);
      assert.ok(contended < floor + 1_000, `the token request waited ${contended.toFixed(0)} ms behind consent calls`);
      await Promise.allSettled(slow);
    } finally {
      await client.close();
    }
  });

  it('a_refused_connection_is_unavailable_not_a_hang', async () => {
    const client = createUpstreamClient({ baseUrl: 'http://127.0.0.1:9', version: 'v4', clientId: 'a', clientSecret: 'b', timeouts });
    try {
      await assert.rejects(client.consent({ method: 'GET', path: consentPaths.list() }, 't'), (err: unknown) => err instanceof UpstreamError && err.kind === 'unavailable');
    } finally {
      await client.close();
    }
  });
});
