/**
 * A logged-in customer (alex) attacking everyone else through the BFF: other customers' consent and account ids
 * in paths, customer ids in bodies, query strings and headers, another customer's MX token as Authorization,
 * path tricks, oversized requests. Success would be any change to another customer's data, any of their data
 * in an answer, or a token for anyone but alex. There must be none.
 */
import assert from 'node:assert/strict';
import { request as httpRequest } from 'node:http';
import { after, before, beforeEach, describe, it, type TestContext } from 'node:test';
import type { Consent } from '../../contract/consent.js';
import { seededRandom } from '../../demo/sandbox/faults.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer, decodeJwt, type RequestOptions } from '../support/client.js';
import { CLIENT_ID, CLIENT_SECRET, startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';
const ALEX = DEMO_CUSTOMERS.alex;
const VICTIMS = Object.entries(DEMO_CUSTOMERS).filter(([name]) => name !== 'alex').map(([, id]) => id);
/** Upstream paths the BFF may ever produce: the token request and the four consent calls. */
const UPSTREAM_SHAPES = /^\/api\/v4\/(token|consent_management(\/[\w:.-]+\/(accounts(\/[\w:.-]+)?|disable_app_sharing))?)$/;

/** A request exactly as written: fetch would resolve dot segments and refuse some bytes before sending. */
function raw(base: string, method: string, path: string, headers: Record<string, string>, body?: Buffer | string, chunked = false) {
  return new Promise<{ status: number; text: string }>((resolve, reject) => {
    const url = new URL(base);
    const req = httpRequest({ host: url.hostname, port: url.port, method, path, headers, agent: false }, (res) => {
      let text = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (text += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, text }));
    });
    req.on('error', reject);
    if (body !== undefined && chunked) {
      // No Content-Length: the limit must hold while the body streams in.
      const chunk = Buffer.alloc(64 * 1024, 'a');
      const total = Buffer.byteLength(body);
      let sent = 0;
      const pump = () => {
        while (sent < total) {
          sent += chunk.length;
          if (!req.write(chunk)) return void req.once('drain', pump);
        }
        req.end();
      };
      req.on('error', () => undefined);
      pump();
    } else {
      req.end(body);
    }
  });
}

describe('one customer tampering with the others', () => {
  let stack: Stack;
  let alex: Customer;
  const victimData = () => JSON.stringify(VICTIMS.map((id) => stack.mx.sandbox.consents(id)));

  before(async () => {
    stack = await startStack({ RATE_LIMIT_WRITES_PER_MINUTE: '100000', RATE_LIMIT_TOKEN_PER_MINUTE: '100000', RATE_LIMIT_READS_PER_MINUTE: '100000' });
  });
  after(() => stack.close());
  beforeEach(async () => {
    stack.mx.sandbox.reset();
    alex = new Customer(stack.bff.url);
    await alex.login('alex');
  });

  it('a_thousand_seeded_random_tampering_attempts_reach_no_other_customers_data', async (t: TestContext) => {
    const SEED = 0x5eed_7a3;
    const ATTEMPTS = 1_000;
    const random = seededRandom(SEED);
    const pick = <T>(xs: readonly T[]): T => xs[Math.floor(random() * xs.length)]!;
    const chance = (p: number) => random() < p;

    const sandbox = stack.mx.sandbox;
    const mine = sandbox.consents(ALEX);
    const theirs = VICTIMS.flatMap((id) => sandbox.consents(id).map((c) => ({ owner: id, consent: c })));
    const myAccounts = [...new Set(mine.flatMap((c) => c.accounts.map((a) => a.account_id)))];
    const theirAccounts = [...new Set(theirs.flatMap(({ consent }) => consent.accounts.map((a) => a.account_id)))];
    // Anything of another customer's that must never appear in an answer to alex.
    const needles = [...VICTIMS, ...theirs.map(({ consent }) => consent.id), ...theirAccounts];
    // A real MX token for sam, as if stolen, to try as the browser's Authorization header.
    const tokenRes = await fetch(`${stack.mx.apiBase()}/token`, {
      method: 'POST',
      headers: { authorization: `Basic ${Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64')}`, 'content-type': 'application/json' },
      body: JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${DEMO_CUSTOMERS.sam}` }),
    });
    const samToken = ((await tokenRes.json()) as { access_token: string }).access_token;
    const statsBefore = sandbox.stats();
    const before = victimData();

    const victimId = () => pick(VICTIMS);
    const query = () => pick([
      `customer_id=${victimId()}`, `openid_connect_user_id=${victimId()}`, `scopes=customer.modify_consent:${victimId()}`,
      `user_guid=${victimId()}&customer_id=${victimId()}`, `customerId=${victimId()}`, `id=${pick(theirs).consent.id}`,
    ]);
    const header = (): Record<string, string> => pick<Record<string, string>>([
      { 'X-Customer-Id': victimId() }, { 'X-User-Id': victimId() }, { 'X-Forwarded-User': victimId() },
      { 'X-OpenID-Connect-User-Id': victimId() }, { authorization: `Bearer ${samToken}` },
      { 'X-Original-URL': `${LIST}/${pick(theirs).consent.id}/disable_app_sharing` },
      { 'X-Rewrite-URL': `${LIST}/${pick(theirs).consent.id}/disable_app_sharing` }, { 'X-HTTP-Method-Override': 'PUT' },
      { 'X-Forwarded-Host': 'mx.evil.example' }, { 'X-Forwarded-For': '127.0.0.1' },
    ]);
    const field = (): Record<string, unknown> => pick([
      { customer_id: victimId() }, { openid_connect_user_id: victimId() }, { scopes: `customer.modify_consent:${victimId()}` },
      { user_guid: victimId() }, { id: pick(theirs).consent.id }, { account_id: pick(theirAccounts) },
    ]);
    const trick = (id: string) => pick([
      id, encodeURIComponent(`../${id}`), encodeURIComponent(`${pick(mine).id}/../${id}`), `${id}%00`, `${id}%2F..`,
      `%2e%2e%2F${id}`, encodeURIComponent(id).replace(/-/g, '%2D'), `${id}%3Bx`, ` ${id}`, id.toLowerCase(),
    ]);

    type Kind = 'their_consent' | 'crossed_ids' | 'own_consent' | 'list' | 'token';
    const counts: Record<Kind, number> = { their_consent: 0, crossed_ids: 0, own_consent: 0, list: 0, token: 0 };
    const statuses = new Map<number, number>();
    const successes: string[] = [];

    for (let i = 0; i < ATTEMPTS; i++) {
      const kind = pick(['their_consent', 'crossed_ids', 'own_consent', 'list', 'token'] as const);
      counts[kind]++;
      const opts: RequestOptions = { headers: {} };
      let method: 'GET' | 'PUT' | 'POST' = 'PUT';
      let path: string;
      let body: Record<string, unknown> | undefined;
      const write = (consentId: string, accountId: string) => {
        const which = pick(['auto_share', 'account', 'stop'] as const);
        if (which === 'stop') return `${LIST}/${consentId}/disable_app_sharing`;
        body = which === 'account' ? { enabled: chance(0.5) } : { automatic_access: chance(0.5) };
        return which === 'account' ? `${LIST}/${consentId}/accounts/${accountId}` : `${LIST}/${consentId}/accounts`;
      };
      if (kind === 'their_consent') {
        const { consent } = pick(theirs);
        path = write(trick(consent.id), consent.accounts.length ? pick(consent.accounts).account_id : pick(theirAccounts));
      } else if (kind === 'crossed_ids') {
        // One's own consent with another's account, or the reverse: always the account route.
        body = { enabled: chance(0.5) };
        path = chance(0.5)
          ? `${LIST}/${pick(mine).id}/accounts/${trick(pick(theirAccounts))}`
          : `${LIST}/${trick(pick(theirs).consent.id)}/accounts/${pick(myAccounts)}`;
      } else if (kind === 'own_consent') {
        path = write(pick(mine).id, pick(myAccounts));
      } else if (kind === 'list') {
        method = 'GET';
        path = LIST;
      } else {
        method = 'POST';
        path = '/consent/token';
        if (chance(0.5)) body = {};
      }
      if (chance(0.5)) path += `?${query()}`;
      if (chance(0.6)) Object.assign(opts.headers!, header());
      if (method !== 'GET' && chance(0.4)) body = { ...body, ...field() };
      if (body !== undefined && method !== 'GET') opts.json = body;

      const res = await alex.request(method, path, opts);
      statuses.set(res.status, (statuses.get(res.status) ?? 0) + 1);
      const text = await res.text();
      const what = `#${i} ${kind}: ${method} ${path} ${JSON.stringify(opts)} → ${res.status}`;
      const leaked = needles.find((n) => text.includes(n));
      if (leaked) successes.push(`${what}: answer holds ${leaked}`);
      if (res.ok && kind === 'token') {
        const scope = (decodeJwt((JSON.parse(text) as { access_token: string }).access_token).payload.scopes as Record<string, string>);
        if (scope['customer.modify_consent'] !== ALEX) successes.push(`${what}: token for ${scope['customer.modify_consent']}`);
      }
      if (res.ok && kind === 'list') {
        const ids = (JSON.parse(text) as Consent[]).map((c) => c.id).sort();
        if (JSON.stringify(ids) !== JSON.stringify(mine.map((c) => c.id).sort())) successes.push(`${what}: listed ${ids.join()}`);
      }
      if (res.ok && (kind === 'their_consent' || kind === 'crossed_ids')) successes.push(`${what}: accepted`);
      if (res.status >= 500) successes.push(`${what}: server error`);
      if (victimData() !== before) {
        successes.push(`${what}: changed another customer's data`);
        break;
      }
    }

    const statsAfter = sandbox.stats();
    const victimCalls = VICTIMS.map((id) => (statsAfter.by_customer[id]?.total ?? 0) - (statsBefore.by_customer[id]?.total ?? 0));
    t.diagnostic(`tampering attempts: ${ATTEMPTS} (seed ${SEED}) ${JSON.stringify(counts)}; statuses ${JSON.stringify(Object.fromEntries(statuses))}; `
      + `upstream calls ${statsAfter.total - statsBefore.total}, of them for another customer: ${victimCalls.reduce((a, b) => a + b, 0)}; successes ${successes.length}`);
    assert.deepEqual(successes, [], 'no attempt succeeded');
    assert.equal(victimData(), before, "no other customer's data changed");
    assert.deepEqual(victimCalls, VICTIMS.map(() => 0), 'the upstream never acted for another customer');
    assert.ok(sandbox.requests().every((r) => UPSTREAM_SHAPES.test(r.path)), 'the upstream only ever saw the five allowed paths');
    assert.ok(statuses.get(200)! > 50 && statuses.get(404)! > 50 && statuses.get(400)! > 50, 'the mix exercised relays, 404s and refusals');
  });

  it('path_tricks_in_ids_are_refused_before_any_upstream_call', async () => {
    const mine = stack.mx.sandbox.consents(ALEX).find((c) => !c.revoked_at)!;
    const theirs = stack.mx.sandbox.consents(DEMO_CUSTOMERS.sam)[0]!;
    const headers = { cookie: alex.cookie, 'x-csrf': '1', 'content-type': 'application/json' };
    const ids = [
      '..', '.', '%2e%2e', '.%2E', '%2E%2E%2F%2E%2E%2Ftoken', '..%2F..%2Ftoken', '..%5C..%5Ctoken', `..%2F${theirs.id}`,
      `${mine.id}%2F..%2F..%2F${theirs.id}`, `${theirs.id}%2Fdisable_app_sharing%23`, '%00', `${mine.id}%00`, '%0d%0aX-Injected:%201',
      '%252e%252e', `${mine.id}%3Fcustomer_id%3D${DEMO_CUSTOMERS.sam}`, `${mine.id}%23x`, '%EF%BC%8E%EF%BC%8E', 'a%20b', '%2F',
      'x'.repeat(129), `~${mine.id}`, `${mine.id}%2F`, '%C0%AE%C0%AE', '%u002e%u002e', '%E0%80%AE', '%',
    ];
    // Each with a body its route accepts, so that only the id can be what is refused.
    const attempts: Array<[string, string, string?]> = [];
    for (const id of ids) {
      attempts.push(['PUT', `${LIST}/${id}/disable_app_sharing`]);
      attempts.push(['PUT', `${LIST}/${id}/accounts`, '{"automatic_access":true}']);
      attempts.push(['PUT', `${LIST}/${mine.id}/accounts/${id}`, '{"enabled":true}']);
    }
    // Dot segments sent raw, which a URL-resolving client would have removed before sending.
    attempts.push(['PUT', `${LIST}/../../token`], ['GET', `${LIST}/../../token`], ['PUT', `${LIST}/${theirs.id}/../${mine.id}/disable_app_sharing`],
      ['GET', `/consent/api/../api/consent_management/${theirs.id}`], ['GET', `${LIST}//`], ['GET', `/consent/api/consent_management%2F..%2F..%2Ftoken`]);
    const before = JSON.stringify([stack.mx.sandbox.consents(ALEX), stack.mx.sandbox.consents(DEMO_CUSTOMERS.sam)]);
    const wrong: string[] = [];
    for (const [method, path, body] of attempts) {
      const res = await raw(stack.bff.url, method, path, headers, body);
      if (![400, 404].includes(res.status)) wrong.push(`${method} ${path} → ${res.status} ${res.text}`);
      assert.ok(!res.text.includes(theirs.id), 'no echo of the target');
    }
    assert.deepEqual(wrong, []);
    assert.equal(stack.mx.sandbox.stats().total, 0, `none of ${attempts.length} path tricks reached the upstream`);
    assert.equal(JSON.stringify([stack.mx.sandbox.consents(ALEX), stack.mx.sandbox.consents(DEMO_CUSTOMERS.sam)]), before);
  });

  it('one_megabyte_bodies_headers_and_urls_are_refused_cleanly_and_change_nothing', async (t: TestContext) => {
    const c = stack.mx.sandbox.consents(ALEX).find((x) => !x.revoked_at)!;
    const MB = 1024 * 1024;
    const big = JSON.stringify({ enabled: true, automatic_access: true, pad: 'x'.repeat(MB) });
    const headers = { cookie: alex.cookie, 'x-csrf': '1', 'content-type': 'application/json' };
    const before = JSON.stringify(stack.mx.sandbox.consents(ALEX));
    for (const path of [`${LIST}/${c.id}/accounts`, `${LIST}/${c.id}/accounts/${c.accounts[0]!.account_id}`]) {
      const sized = await raw(stack.bff.url, 'PUT', path, { ...headers, 'content-length': String(Buffer.byteLength(big)) }, big);
      assert.equal(sized.status, 413, `${path} with Content-Length`);
      assert.equal((JSON.parse(sized.text) as { error: { code: string } }).error.code, 'body_too_large');
      const streamed = await raw(stack.bff.url, 'PUT', path, { ...headers, 'transfer-encoding': 'chunked' }, big, true);
      assert.equal(streamed.status, 413, `${path} streamed without Content-Length`);
      const plain = await raw(stack.bff.url, 'PUT', path, { ...headers, 'content-type': 'text/plain' }, big);
      assert.ok([413, 415].includes(plain.status), `${path} as text/plain → ${plain.status}`);
    }
    // Stopping takes no body: one sent is refused, never relayed, and nothing is stopped.
    const stop = await raw(stack.bff.url, 'PUT', `${LIST}/${c.id}/disable_app_sharing`, { ...headers, 'content-length': String(Buffer.byteLength(big)) }, big);
    assert.equal(stop.status, 413, `stop with a 1 MB body → ${stop.status}`);
    const small = await raw(stack.bff.url, 'PUT', `${LIST}/${c.id}/disable_app_sharing`, headers, '{"revoke_all":true}');
    assert.equal(small.status, 400, `stop with a body → ${small.status}`);
    assert.equal(stack.mx.sandbox.consents(ALEX).find((x) => x.id === c.id)!.revoked_at, null);
    // The token route reads only `refused` from a small body: a huge one is refused outright.
    const token = await raw(stack.bff.url, 'POST', '/consent/token', { ...headers, 'content-length': String(Buffer.byteLength(big)) }, big);
    assert.equal(token.status, 413);
    const login = await raw(stack.bff.url, 'POST', '/demo/login', { 'content-type': 'application/json', 'content-length': String(Buffer.byteLength(big)) }, big);
    assert.equal(login.status, 413, 'the login form is limited too');
    const header = await raw(stack.bff.url, 'GET', LIST, { ...headers, 'x-pad': 'x'.repeat(MB) }).catch(() => ({ status: 0, text: '' }));
    assert.ok([0, 431].includes(header.status), `a 1 MB header → ${header.status} (0: connection closed)`);
    const url = await raw(stack.bff.url, 'GET', `${LIST}?q=${'x'.repeat(MB)}`, headers).catch(() => ({ status: 0, text: '' }));
    assert.ok([0, 414, 431].includes(url.status), `a 1 MB URL → ${url.status}`);

    t.diagnostic(`1 MB: stop with a body → ${stop.status}, token with a body → ${token.status}, login → ${login.status}, `
      + `header → ${header.status}, URL → ${url.status}`);
    const stats = stack.mx.sandbox.stats();
    assert.equal(stats.list + stats.auto_share + stats.account, 0, 'no oversized request was relayed');
    if (stop.status === 413) assert.equal(stats.revoke, 0);
    else assert.ok(stack.mx.sandbox.requests().filter((r) => r.path.endsWith('/disable_app_sharing')).every((r) => !r.headers['content-length'] || r.headers['content-length'] === '0'));
    if (stop.status === 413) assert.equal(JSON.stringify(stack.mx.sandbox.consents(ALEX)), before, 'nothing changed');
    // And the server is fine afterwards.
    assert.equal((await alex.request('GET', LIST)).status, 200);
  });
});
