import assert from 'node:assert/strict';
import { readFile } from 'node:fs/promises';
import { after, before, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer } from '../support/client.js';
import { assertBuilt, browserFacingDistFiles, buildWithCanaries } from '../support/dist.js';
import { CLIENT_ID, CLIENT_SECRET, startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';

describe('the client secret never leaves the server', () => {
  let stack: Stack;
  const seen: string[] = [];
  before(async () => { stack = await startStack({ MX_HEADERS_TIMEOUT_MS: '300' }); });
  after(() => stack.close());

  async function record(res: Response): Promise<void> {
    seen.push(`${res.status} ${[...res.headers].map(([k, v]) => `${k}: ${v}`).join('\n')}\n${await res.text()}`);
  }

  it('client_secret_is_absent_from_every_response_and_every_log_line', async () => {
    const alex = new Customer(stack.bff.url);
    const anonymous = new Customer(stack.bff.url);
    await record(await alex.login('alex'));
    await record(await anonymous.token());
    await record(await alex.token());
    await record(await alex.token({ csrf: false }));
    await record(await alex.request('GET', LIST));
    await record(await alex.request('PUT', `${LIST}/nope/accounts`, { json: { automatic_access: 1 } }));
    await record(await alex.request('PUT', `${LIST}/nope/accounts`, { body: '{', headers: { 'content-type': 'application/json' } }));
    await record(await alex.request('GET', '/healthz'));
    await record(await alex.request('GET', '/'));
    // Upstream failures of every kind, including the token endpoint refusing and timing out.
    for (const fault of [
      { endpoint: 'token', kind: 'error', status: 401 },
      { endpoint: 'token', kind: 'error', status: 500 },
      { endpoint: 'token', kind: 'drop' },
      { endpoint: 'token', kind: 'latency', latency_ms: 1_000 },
      { endpoint: 'list', kind: 'malformed' },
    ] as const) {
      stack.mx.sandbox.faults.set(fault);
      await stack.bff.router.forgetCustomer(DEMO_CUSTOMERS.alex);
      await record(await alex.token());
      await record(await alex.request('GET', LIST));
    }
    stack.mx.sandbox.faults.clear();
    await record(await alex.logout());

    const basic = Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64');
    const everything = [...seen, ...stack.logs].join('\n');
    assert.ok(seen.length >= 20);
    assert.ok(stack.logs.length >= 20, 'logs were captured');
    assert.ok(stack.logs.some((l) => l.includes('consent_audit') || l.includes('"request"')));
    assert.ok(!everything.includes(CLIENT_SECRET), 'secret found in a response or log line');
    assert.ok(!everything.includes(basic), 'Basic credentials found in a response or log line');
  });

  it('secrets_in_the_build_environment_are_absent_from_every_browser_facing_file_of_the_build', async () => {
    const canaries = await buildWithCanaries();
    // Every built file that can reach a browser: the drop-in files, each chunk, the maps, the element's library build.
    const files = await browserFacingDistFiles();
    assertBuilt(files.map((f) => f.name));
    for (const file of files) {
      const text = await readFile(file.path, 'utf8');
      for (const needle of [...canaries, 'MX_CLIENT_SECRET', 'client_secret', 'clientSecret']) {
        assert.ok(!text.includes(needle), `${needle} in ${file.name}`);
      }
    }
  });
});
