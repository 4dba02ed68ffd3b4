/** The five MX endpoints as the sandbox serves them, checked against upstream-mx-api.md over real HTTP. */
import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { SandboxConsent as Consent } from '../../demo/sandbox/store.js';
import { DEMO_CUSTOMERS, TAMPER_CUSTOMER_ID } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { api, basic, CREDENTIALS, decodeJwt, postToken, tokenBody, tokenFor } from './sandbox-helpers.js';

const ALEX = DEMO_CUSTOMERS.alex;
const UUID_V4 = /^[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[89ab][0-9a-f]{3}-[0-9a-f]{12}$/;
const ISO_MS = /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/;
const SIGNING_SECRET = 'test-signing-secret';

let s: StartedSandbox;

before(async () => {
  s = await startSandbox({ ...CREDENTIALS, signingSecret: SIGNING_SECRET, institutionCode: 'testbank' });
});
after(async () => {
  await s.close();
});
beforeEach(() => s.sandbox.reset());

const list = async (token: string) => (await api<Consent[]>(s, 'GET', '/consent_management', { token })).json;
const active = (consents: Consent[]) => consents.filter((c) => c.revoked_at === null);
const stopped = (consents: Consent[]) => consents.filter((c) => c.revoked_at !== null);

function assertError(res: { status: number; json: unknown; headers: Headers }, status: number): void {
  assert.equal(res.status, status);
  assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
  const body = res.json as { error: { status: number; message: string } };
  assert.deepEqual(Object.keys(body), ['error']);
  assert.equal(body.error.status, status);
  assert.equal(typeof body.error.message, 'string');
  assert.ok(body.error.message.length > 0);
}

/** A JWT with our header and a chosen payload, signed with a chosen key. */
function forge(payload: object, secret: string): string {
  const h = Buffer.from('{"alg":"HS256"}').toString('base64url');
  const p = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${h}.${p}.${createHmac('sha256', secret).update(`${h}.${p}`).digest('base64url')}`;
}

describe('POST /api/{version}/token', () => {
  it('answers 200 with only access_token, an HS256 JWT shaped like MX sample', async () => {
    const before = Math.floor(Date.now() / 1000);
    const res = await postToken(s, tokenBody(ALEX));
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.deepEqual(Object.keys(res.json), ['access_token']);

    const { header, payload, parts } = decodeJwt(res.json.access_token!);
    assert.equal(parts.length, 3);
    for (const part of parts) assert.match(part, /^[A-Za-z0-9_-]+$/, 'base64url without padding');
    assert.equal(header, '{"alg":"HS256"}');

    const claims = JSON.parse(payload) as Record<string, unknown>;
    assert.deepEqual(Object.keys(claims), ['name', 'scopes', 'exp', 'iat', 'jti', '_type', '_id']);
    assert.equal(claims.name, 'consent_management');
    assert.deepEqual(claims.scopes, { 'customer.modify_consent': ALEX });
    assert.equal(claims._type, 'Institution');
    assert.equal(claims._id, 'testbank');
    assert.match(String(claims.jti), UUID_V4);
    const iat = claims.iat as number;
    assert.ok(Number.isInteger(iat) && iat >= before && iat <= before + 5);
    assert.equal((claims.exp as number) - iat, 300);

    const expected = createHmac('sha256', SIGNING_SECRET).update(`${parts[0]}.${parts[1]}`).digest('base64url');
    assert.equal(parts[2], expected, 'signed with the configured signing secret');
  });

  it('issues a fresh jti each time', async () => {
    const a = JSON.parse(decodeJwt(await tokenFor(s, ALEX)).payload) as { jti: string };
    const b = JSON.parse(decodeJwt(await tokenFor(s, ALEX)).payload) as { jti: string };
    assert.notEqual(a.jti, b.jti);
  });

  it('refuses missing or wrong Basic credentials with 401', async () => {
    const cases: (string | null)[] = [
      null,
      basic(CREDENTIALS.clientId, 'wrong'),
      basic('someone-else', CREDENTIALS.clientSecret),
      basic(CREDENTIALS.clientId, ''),
      `Bearer ${CREDENTIALS.clientSecret}`,
      'Basic not-base64!',
      `Basic ${Buffer.from(CREDENTIALS.clientId).toString('base64')}`,
    ];
    for (const authorization of cases) {
      const res = await postToken(s, tokenBody(ALEX), { authorization });
      assertError(res, 401);
      assert.ok(!res.text.includes(CREDENTIALS.clientSecret), 'the secret is never echoed');
    }
  });

  it('refuses each malformed body with 400', async () => {
    const bodies: (string | undefined)[] = [
      undefined,
      '',
      'not json',
      '{"type":"consent_management"',
      '[]',
      '"consent_management"',
      JSON.stringify({ scopes: `customer.modify_consent:${ALEX}` }),
      JSON.stringify({ type: 'consent_management' }),
      JSON.stringify({ type: 'client_credentials', scopes: `customer.modify_consent:${ALEX}` }),
      JSON.stringify({ type: 'consent_management', scopes: ALEX }),
      JSON.stringify({ type: 'consent_management', scopes: 'customer.modify_consent:' }),
      JSON.stringify({ type: 'consent_management', scopes: `customer.read:${ALEX}` }),
      JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${ALEX} openid` }),
      JSON.stringify({ type: 'consent_management', scopes: [`customer.modify_consent:${ALEX}`] }),
      JSON.stringify({ type: 42, scopes: `customer.modify_consent:${ALEX}` }),
    ];
    for (const body of bodies) assertError(await postToken(s, body), 400);
  });

  it('answers 404 for a customer it does not know', async () => {
    assertError(await postToken(s, tokenBody('AAAAAAAAAAAAAAAAAAAAAA')), 404);
  });

  it('accepts v5 and v6 like v4, and 404s any other version', async () => {
    assert.equal((await postToken(s, tokenBody(ALEX), { version: 'v5' })).status, 200);
    assert.equal((await postToken(s, tokenBody(ALEX), { version: 'v6' })).status, 200);
    assertError(await postToken(s, tokenBody(ALEX), { version: 'v3' }), 404);
    assertError(await postToken(s, tokenBody(ALEX), { version: 'V4' }), 404);
    assertError(await postToken(s, tokenBody(ALEX), { version: 'latest' }), 404);
  });

  it('refuses a body over 16 kB with 413', async () => {
    const big = JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${ALEX}`, pad: 'x'.repeat(17_000) });
    assertError(await postToken(s, big), 413);
  });
});

describe('token lifetime and bearer checks', () => {
  it('refuses a missing, garbage, wrongly signed or expired bearer with 401', async () => {
    const now = Math.floor(Date.now() / 1000);
    const claims = {
      name: 'consent_management', scopes: { 'customer.modify_consent': ALEX }, exp: now + 300, iat: now,
      jti: '6f1c1f0e-0c1a-4d55-9a57-0d1c2b3a4f5e', _type: 'Institution', _id: 'testbank',
    };
    const noneAlg = `${Buffer.from('{"alg":"none"}').toString('base64url')}.${Buffer.from(JSON.stringify(claims)).toString('base64url')}.`;
    const bad = [
      undefined,
      'garbage',
      'a.b.c',
      forge(claims, 'not-the-signing-secret'),
      forge({ ...claims, exp: now - 1 }, SIGNING_SECRET),
      noneAlg,
    ];
    for (const token of bad) {
      const res = await api(s, 'GET', '/consent_management', { token });
      assertError(res, 401);
      assert.match(res.headers.get('www-authenticate') ?? '', /^Bearer/);
    }
    assert.equal((await api(s, 'GET', '/consent_management', { token: forge(claims, SIGNING_SECRET) })).status, 200,
      'the same claims signed with the right key pass, so the refusals above are about the token');
  });

  it('expires a token once the sandbox clock passes exp', async () => {
    const token = await tokenFor(s, ALEX);
    // 10 s short of exp, so that a loaded machine's real seconds between the requests do not reach it.
    s.sandbox.clock.advance(290);
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 200);
    s.sandbox.clock.advance(10);
    const res = await api(s, 'GET', '/consent_management', { token });
    assertError(res, 401);
    assert.match((res.json as { error: { message: string } }).error.message, /expired/);
  });

  it('honours tokenTtlSeconds', async () => {
    const short = await startSandbox({ ...CREDENTIALS, tokenTtlSeconds: 60 });
    try {
      const { payload } = decodeJwt(await tokenFor(short, ALEX));
      const claims = JSON.parse(payload) as { exp: number; iat: number; _id: string };
      assert.equal(claims.exp - claims.iat, 60);
      assert.equal(claims._id, 'demobank', 'default institution code');
    } finally {
      await short.close();
    }
  });

  it('lets a token be reused by default', async () => {
    const token = await tokenFor(s, ALEX);
    for (let i = 0; i < 3; i++) assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 200);
  });

  it('refuses a second use in strict single-use mode', async () => {
    s.sandbox.setSingleUse(true);
    const token = await tokenFor(s, ALEX);
    assert.equal((await api(s, 'GET', '/consent_management', { token })).status, 200);
    const again = await api(s, 'GET', '/consent_management', { token });
    assertError(again, 401);
    assert.match((again.json as { error: { message: string } }).error.message, /already used/);
    const fresh = await tokenFor(s, ALEX);
    assert.equal((await api(s, 'PUT', `/consent_management/${(await list(fresh))[0]?.id}/accounts`, {
      token: fresh, body: { automatic_access: true },
    })).status, 401, 'a list call spends the token a later write would need');
  });

  it('refuses a token from another sandbox (different signing key)', async () => {
    const other = await startSandbox({ ...CREDENTIALS });
    try {
      assertError(await api(s, 'GET', '/consent_management', { token: await tokenFor(other, ALEX) }), 401);
    } finally {
      await other.close();
    }
  });
});

describe('GET /api/{version}/consent_management', () => {
  it('lists the token customer consents as a bare array with MX fields, revoked ones included', async () => {
    const res = await api<Consent[]>(s, 'GET', '/consent_management', { token: await tokenFor(s, ALEX) });
    assert.equal(res.status, 200);
    assert.match(res.headers.get('content-type') ?? '', /^application\/json/);
    assert.ok(Array.isArray(res.json));
    assert.ok(res.json.length >= 7);
    for (const c of res.json) {
      assert.deepEqual(Object.keys(c), ['id', 'application_name', 'application_icon_url', 'created_at', 'last_accessed',
        'accounts', 'auto_enable_future_accounts', 'consented_on', 'revoked_at']);
      assert.match(c.created_at, ISO_MS);
      assert.match(c.consented_on, ISO_MS);
      if (c.last_accessed !== null) assert.match(c.last_accessed, ISO_MS);
      if (c.revoked_at !== null) assert.match(c.revoked_at, ISO_MS);
      assert.equal(typeof c.auto_enable_future_accounts, 'boolean');
      for (const a of c.accounts) {
        assert.deepEqual(Object.keys(a), ['enabled', 'nickname', 'account_id', 'account_number_display']);
        assert.match(a.account_number_display, /^X{8}\d{4}$/);
      }
    }
    assert.equal(stopped(res.json).length, 2);
  });

  it('answers [] for a customer without apps, and 200 under v5', async () => {
    const token = await tokenFor(s, DEMO_CUSTOMERS.new);
    assert.deepEqual((await api(s, 'GET', '/consent_management', { token, version: 'v5' })).json, []);
    assertError(await api(s, 'GET', '/consent_management', { token, version: 'v3' }), 404);
  });

  it('builds absolute icon URLs served by the sandbox itself', async () => {
    const consents = await list(await tokenFor(s, ALEX));
    const icons = consents.map((c) => c.application_icon_url).filter((u): u is string => u !== null);
    assert.ok(icons.length > 0);
    for (const icon of icons) {
      assert.ok(icon.startsWith(`${s.url}/logos/`), icon);
      const res = await fetch(icon);
      assert.equal(res.status, 200);
      assert.match(res.headers.get('content-type') ?? '', /^image\/svg\+xml/);
      const svg = await res.text();
      assert.match(svg, /^<svg /);
      assert.doesNotMatch(svg, /<script|href=|https?:\/\/(?!www\.w3\.org\/2000\/svg)/);
    }
  });
});

describe('PUT .../{consent_id}/accounts (auto access)', () => {
  it('sets auto_enable_future_accounts and answers the updated consent', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token)).find((c) => !c.auto_enable_future_accounts)!;
    const res = await api<Consent>(s, 'PUT', `/consent_management/${target.id}/accounts`, { token, body: { automatic_access: true } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, { ...target, auto_enable_future_accounts: true });
    assert.equal((await list(token)).find((c) => c.id === target.id)?.auto_enable_future_accounts, true);
    const back = await api<Consent>(s, 'PUT', `/consent_management/${target.id}/accounts`, { token, body: { automatic_access: false } });
    assert.equal(back.json.auto_enable_future_accounts, false);
  });

  it('refuses a missing, non-boolean or unparsable body with 400 and changes nothing', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token))[0]!;
    const path = `/consent_management/${target.id}/accounts`;
    for (const body of [{}, { automatic_access: 'true' }, { automatic_access: 1 }, { automatic_access: null }, { auto_enable_future_accounts: true }, [true]]) {
      assertError(await api(s, 'PUT', path, { token, body }), 400);
    }
    assertError(await api(s, 'PUT', path, { token, rawBody: '{"automatic_access": tru' }), 400);
    assertError(await api(s, 'PUT', path, { token }), 400);
    assert.deepEqual((await list(token)).find((c) => c.id === target.id), target);
  });
});

describe('PUT .../{consent_id}/accounts/{account_id}', () => {
  it('shares or stops sharing one account and answers the updated consent', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token)).find((c) => c.accounts.some((a) => !a.enabled))!;
    const account = target.accounts.find((a) => !a.enabled)!;
    const path = `/consent_management/${target.id}/accounts/${account.account_id}`;
    const res = await api<Consent>(s, 'PUT', path, { token, body: { enabled: true } });
    assert.equal(res.status, 200);
    assert.deepEqual(res.json, {
      ...target,
      accounts: target.accounts.map((a) => (a.account_id === account.account_id ? { ...a, enabled: true } : a)),
    });
    const off = await api<Consent>(s, 'PUT', path, { token, body: { enabled: false } });
    assert.equal(off.json.accounts.find((a) => a.account_id === account.account_id)?.enabled, false);
  });

  it('does not revoke a consent when every account is turned off', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token))[0]!;
    let last: Consent | undefined;
    for (const a of target.accounts) {
      last = (await api<Consent>(s, 'PUT', `/consent_management/${target.id}/accounts/${a.account_id}`, { token, body: { enabled: false } })).json;
    }
    assert.ok(last!.accounts.every((a) => !a.enabled));
    assert.equal(last!.revoked_at, null);
  });

  it('refuses a non-boolean enabled with 400', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token))[0]!;
    const path = `/consent_management/${target.id}/accounts/${target.accounts[0]!.account_id}`;
    for (const body of [{}, { enabled: 'false' }, { enabled: 0 }, { automatic_access: true }]) {
      assertError(await api(s, 'PUT', path, { token, body }), 400);
    }
  });

  it('answers 404 for an account id the consent does not list', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token))[0]!;
    assertError(await api(s, 'PUT', `/consent_management/${target.id}/accounts/ACT-nope`, { token, body: { enabled: true } }), 404);
  });
});

describe('PUT .../{consent_id}/disable_app_sharing', () => {
  it('sets revoked_at, leaves accounts as they were, and is idempotent', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token)).find((c) => c.accounts.some((a) => a.enabled))!;
    const path = `/consent_management/${target.id}/disable_app_sharing`;
    const startedAt = s.sandbox.clock.now();
    const res = await api<Consent>(s, 'PUT', path, { token });
    assert.equal(res.status, 200);
    assert.match(res.json.revoked_at ?? '', ISO_MS);
    assert.ok(Math.abs(Date.parse(res.json.revoked_at!) - startedAt) < 5_000);
    assert.deepEqual(res.json, { ...target, revoked_at: res.json.revoked_at });

    s.sandbox.clock.advance(60);
    const again = await api<Consent>(s, 'PUT', path, { token: await tokenFor(s, ALEX) });
    assert.equal(again.status, 200);
    assert.equal(again.json.revoked_at, res.json.revoked_at, 'the first revocation time is kept');
    assert.ok((await list(token)).some((c) => c.id === target.id && c.revoked_at === res.json.revoked_at), 'stays in the list');
  });

  it('makes later updates of that consent answer 409', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token))[0]!;
    await api(s, 'PUT', `/consent_management/${target.id}/disable_app_sharing`, { token });
    assertError(await api(s, 'PUT', `/consent_management/${target.id}/accounts`, { token, body: { automatic_access: true } }), 409);
    assertError(await api(s, 'PUT', `/consent_management/${target.id}/accounts/${target.accounts[0]!.account_id}`, {
      token, body: { enabled: false },
    }), 409);
    assert.ok(stopped(await list(token)).some((c) => c.id === target.id && c.accounts[0]!.enabled === target.accounts[0]!.enabled));
  });

  it('answers 409 for an update of a consent seeded as stopped', async () => {
    const token = await tokenFor(s, ALEX);
    const target = stopped(await list(token))[0]!;
    assertError(await api(s, 'PUT', `/consent_management/${target.id}/accounts`, { token, body: { automatic_access: false } }), 409);
  });
});

describe('customer isolation', () => {
  it('answers 404 for another customer consent id and account id, and changes nothing of theirs', async () => {
    const samToken = await tokenFor(s, TAMPER_CUSTOMER_ID);
    const samBefore = await list(samToken);
    const samConsent = samBefore[0]!;
    const alexToken = await tokenFor(s, ALEX);
    const alexConsent = active(await list(alexToken))[0]!;

    const attempts: [string, unknown][] = [
      [`/consent_management/${samConsent.id}/accounts`, { automatic_access: true }],
      [`/consent_management/${samConsent.id}/accounts/${samConsent.accounts[0]!.account_id}`, { enabled: false }],
      [`/consent_management/${samConsent.id}/disable_app_sharing`, undefined],
      // Alex's own consent with Sam's account id: the account is not among this consent's.
      [`/consent_management/${alexConsent.id}/accounts/${samConsent.accounts[0]!.account_id}`, { enabled: true }],
      [`/consent_management/CNS-does-not-exist/accounts`, { automatic_access: true }],
    ];
    const answers: string[] = [];
    for (const [path, body] of attempts) {
      const res = await api(s, 'PUT', path, { token: alexToken, body });
      assertError(res, 404);
      answers.push(res.text);
    }
    const [foreignAuto, foreignAccount, foreignRevoke, , missing] = answers;
    assert.ok([foreignAuto, foreignAccount, foreignRevoke].every((a) => a === missing),
      'a foreign consent is answered exactly like one that does not exist');
    assert.deepEqual(await list(samToken), samBefore);
  });

  it('lists only the token customer consents', async () => {
    const alexIds = new Set((await list(await tokenFor(s, ALEX))).map((c) => c.id));
    const samIds = (await list(await tokenFor(s, TAMPER_CUSTOMER_ID))).map((c) => c.id);
    assert.equal(samIds.length, 1);
    assert.ok(samIds.every((id) => !alexIds.has(id)));
  });
});

describe('routing', () => {
  it('answers 404 JSON for unknown routes and methods', async () => {
    const token = await tokenFor(s, ALEX);
    assertError(await api(s, 'GET', '/consents', { token }), 404);
    assertError(await api(s, 'POST', '/consent_management', { token, body: {} }), 404);
    assertError(await api(s, 'GET', '/token'), 404);
    const root = await fetch(`${s.url}/nothing-here`);
    assert.equal(root.status, 404);
    assert.deepEqual(await root.json(), { error: { status: 404, message: 'not found' } });
    assert.equal((await fetch(`${s.url}/logos/unknown.svg`)).status, 404);
    assert.equal((await fetch(`${s.url}/logos/..%2Fapp.ts`)).status, 404);
  });

  it('refuses an oversized write body with 413', async () => {
    const token = await tokenFor(s, ALEX);
    const target = active(await list(token))[0]!;
    assertError(await api(s, 'PUT', `/consent_management/${target.id}/accounts`, {
      token, rawBody: JSON.stringify({ automatic_access: true, pad: 'x'.repeat(20_000) }),
    }), 413);
  });

  it('never answers 304, even to a conditional GET', async () => {
    const token = await tokenFor(s, ALEX);
    const first = await api(s, 'GET', '/consent_management', { token });
    assert.equal(first.headers.get('etag'), null);
    assert.equal(first.headers.get('cache-control'), 'no-store');
    assert.equal((await api(s, 'GET', '/consent_management', { token, headers: { 'If-None-Match': '*' } })).status, 200);
  });
});
