/**
 * What one customer can make the BFF do to MX: every route is rate-limited per customer, the token limit counts
 * the upstream token fetches whichever route needs them, and a flood of abandoned calls while MX is slow neither
 * reaches MX nor delays another customer's token.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { startDemoChild, type DemoChild } from '../support/child.js';
import { Customer } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';

async function errorCode(res: Response): Promise<string> {
  return ((await res.json()) as { error: { code: string } }).error.code;
}

async function loggedIn(stack: Stack, username: string): Promise<Customer> {
  const customer = new Customer(stack.bff.url);
  assert.equal((await customer.login(username)).status, 200);
  return customer;
}

describe('rate limits, keyed by customer', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ RATE_LIMIT_READS_PER_MINUTE: '3', RATE_LIMIT_WRITES_PER_MINUTE: '2' });
  });
  after(() => stack.close());

  it('the_list_route_and_the_token_route_are_limited_per_customer_not_per_address', async () => {
    const [alex, sam] = [await loggedIn(stack, 'alex'), await loggedIn(stack, 'sam')];
    for (let i = 0; i < 2; i++) assert.equal((await alex.request('GET', LIST)).status, 200);
    assert.equal((await alex.token()).status, 200, 'the token route shares the read limit');
    const limited = await alex.request('GET', LIST);
    assert.equal(limited.status, 429);
    assert.equal(await errorCode(limited), 'rate_limited');
    assert.ok(Number(limited.headers.get('retry-after')) > 0);
    assert.equal((await alex.token()).status, 429);
    assert.equal(stack.upstreamCount('list'), 2, 'a limited request reaches nothing upstream');
    // Same address, same process, another customer: untouched by alex's count.
    assert.equal((await sam.request('GET', LIST)).status, 200);
    assert.equal((await sam.token()).status, 200);
  });

  it('writes_are_limited_per_customer_before_anything_reaches_mx', async () => {
    const alex = await loggedIn(stack, 'alex');
    const c = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((x) => !x.revoked_at)!;
    const before = stack.upstreamCount('auto_share');
    for (let i = 0; i < 2; i++) {
      assert.equal((await alex.request('PUT', `${LIST}/${c.id}/accounts`, { json: { automatic_access: true } })).status, 200);
    }
    const write = await alex.request('PUT', `${LIST}/${c.id}/accounts`, { json: { automatic_access: true } });
    assert.equal(write.status, 429);
    assert.ok(write.headers.get('retry-after'));
    assert.equal(stack.upstreamCount('auto_share') - before, 2);
  });
});

describe('the token limit', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ RATE_LIMIT_TOKEN_PER_MINUTE: '3', RATE_LIMIT_READS_PER_MINUTE: '10000' });
  });
  after(() => stack.close());

  it('counts_upstream_token_fetches_whichever_route_triggers_them_during_a_token_outage', async () => {
    const [alex, sam] = [await loggedIn(stack, 'alex'), await loggedIn(stack, 'sam')];
    stack.mx.sandbox.reset();
    stack.mx.sandbox.faults.outage('token');
    // The list route needs a token and none is cached: each request would fetch one from MX.
    const answers: number[] = [];
    for (let i = 0; i < 20; i++) answers.push((await alex.request('GET', LIST)).status);
    answers.push(...(await Promise.all(Array.from({ length: 20 }, async () => (await alex.request('GET', LIST)).status))));
    answers.push((await alex.token()).status);
    assert.deepEqual(answers.slice(0, 3), [502, 502, 502], 'the first three fetches reached MX and failed');
    assert.ok(answers.slice(3).every((s) => s === 429), `then only 429: ${answers.join(',')}`);
    assert.equal(stack.upstreamCount('token'), 3, 'MX saw three token requests for 41 BFF requests');
    assert.equal(stack.upstreamCount('list'), 0);

    stack.mx.sandbox.faults.endOutage('token');
    assert.equal((await sam.request('GET', LIST)).status, 200, "another customer's fetches are counted apart");
    assert.equal(stack.upstreamCount('token'), 4);
  });
});

describe('one customer flooding the BFF while MX is slow', () => {
  const MX_LATENCY_MS = 1_500;
  let bff: DemoChild;
  // The BFF (with its embedded sandbox) runs in a process of its own, so that the flood's clients giving up
  // after 1 s is not delayed by the BFF's own work, as with a real browser.
  before(async () => {
    // The read limit is raised so that what is tested is the in-flight bound (4), not the per-minute limit.
    bff = await startDemoChild({ RATE_LIMIT_READS_PER_MINUTE: '100000' });
  });
  after(() => bff.stop());

  const sandbox = async (method: string, path: string, body?: unknown) => {
    const res = await fetch(new URL(`/mx/__sandbox/${path}`, bff.url), {
      method, headers: { 'content-type': 'application/json' }, body: body === undefined ? undefined : JSON.stringify(body),
    });
    assert.ok(res.ok, `${method} ${path}: ${res.status}`);
    return res.json() as Promise<Record<string, number>>;
  };

  async function timedToken(customer: Customer): Promise<number> {
    const started = performance.now();
    const res = await customer.token();
    assert.equal(res.status, 200);
    return performance.now() - started;
  }

  it('250_abandoned_list_requests_reach_mx_a_bounded_number_of_times_and_another_customers_token_waits_only_for_mx', async () => {
    const login = async (name: string) => {
      const c = new Customer(bff.url);
      assert.equal((await c.login(name)).status, 200);
      return c;
    };
    const [alex, sam, fresh] = [await login('alex'), await login('sam'), await login('new')];
    assert.equal((await alex.request('GET', LIST)).status, 200, "alex's token is cached before MX slows down");
    await sandbox('POST', 'reset');
    await sandbox('PUT', 'faults', { endpoint: '*', kind: 'latency', latency_ms: MX_LATENCY_MS });

    const flood = (cookie: string) => Array.from({ length: 250 }, () =>
      fetch(new URL(LIST, bff.url), { headers: { 'X-CSRF': '1', cookie }, signal: AbortSignal.timeout(1_000) })
        .then((res) => res.status, () => 'abandoned' as const));

    // Floor: an uncached token request with MX slow, while the BFF works through a flood of the same size that
    // never goes upstream (no session: 401). It is MX's latency plus the BFF's own work on 250 requests.
    const control = flood('consent.sid=none');
    const floor = await timedToken(fresh);
    await Promise.all(control);

    const flooding = flood(alex.cookie);
    const contended = await timedToken(sam);
    const outcomes = await Promise.all(flooding);

    // Settled: alex is served again, so no call of the flood holds one of alex's slots any more. MX stays slow
    // meanwhile, and counts a call on arrival.
    const free = await eventually(async () => (await alex.request('GET', LIST)).status, (s) => s === 200, 30_000);
    assert.equal(free, 200);

    const reachedMx = (await sandbox('GET', 'stats')).list! - 1;
    const refused = outcomes.filter((o) => o === 429).length;
    console.log(`[figures] 250 abandoned list requests: ${reachedMx} reached MX, ${refused} refused 429 in time, `
      + `${outcomes.filter((o) => o === 'abandoned').length} abandoned by the client first; token with MX slow: `
      + `floor (MX latency ${MX_LATENCY_MS} ms + the BFF's work on a flood that stays local) ${floor.toFixed(0)} ms, `
      + `during the flood ${contended.toFixed(0)} ms (+${(contended - floor).toFixed(0)} ms)`);
    assert.ok(reachedMx <= 12, `${reachedMx} of 250 abandoned list calls reached MX`);
    assert.ok(contended <= floor + 1_000, `another customer's token took ${contended.toFixed(0)} ms, MX's own latency ${floor.toFixed(0)} ms`);
  });
});

async function eventually<T>(read: () => Promise<T>, accept: (v: T) => boolean, timeoutMs = 10_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value) || Date.now() > until) return value;
    await new Promise((r) => setTimeout(r, 50));
  }
}
