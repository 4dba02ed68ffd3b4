import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';

describe('the proxy relays MX\'s answer as MX sent it', () => {
  let stack: Stack;
  let customer: Customer;
  before(async () => {
    stack = await startStack();
  });
  after(() => stack.close());
  beforeEach(async () => {
    stack.mx.sandbox.reset();
    customer = new Customer(stack.bff.url);
    await customer.login('many50');
  });

  it('the_list_reaches_the_browser_as_the_exact_bytes_mx_sent_with_no_etag', async () => {
    const proxied = await customer.request('GET', LIST);
    const { access_token: token } = (await (await customer.token()).json()) as { access_token: string };
    const direct = await fetch(`${stack.mx.url}/api/v4/consent_management`, { headers: { authorization: `Bearer ${token}`, accept: 'application/json' } });
    assert.equal(proxied.status, 200);
    assert.equal(proxied.headers.get('content-type'), 'application/json; charset=utf-8');
    assert.equal(proxied.headers.get('cache-control'), 'no-store');
    assert.equal(proxied.headers.get('etag'), null);
    const bytes = Buffer.from(await proxied.arrayBuffer());
    assert.equal(Number(proxied.headers.get('content-length')), bytes.length);
    assert.deepEqual(bytes, Buffer.from(await direct.arrayBuffer()));
    assert.deepEqual(JSON.parse(bytes.toString('utf8')), stack.mx.sandbox.consents(DEMO_CUSTOMERS.many50));
  });

  it('a_cut_off_answer_from_mx_never_reaches_the_browser', async () => {
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'malformed', next: 1 });
    const res = await customer.request('GET', LIST);
    const body = JSON.parse(await res.text()) as unknown;
    assert.equal(stack.upstreamCount('list') >= 1, true);
    // Either the list read again in full, or our own error: never MX's half answer under a 200.
    if (res.status === 200) assert.deepEqual(body, stack.mx.sandbox.consents(DEMO_CUSTOMERS.many50));
    else assert.equal(res.status, 502);
  });
});
