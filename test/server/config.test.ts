import assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.js';

const strong = 'Zq81-xF0pLm2Vw7rTy5uE3sD_kH4nB9cJ6aQ';
const prod = {
  NODE_ENV: 'production', MX_BASE_URL: 'https://access.bank.example', MX_CLIENT_ID: 'id', MX_CLIENT_SECRET: 'issued-by-mx-1234',
  SESSION_SECRET: strong,
};

function problems(env: Record<string, string | undefined>, requireUpstream = true): string[] {
  try {
    loadConfig(env, { requireUpstream });
    return [];
  } catch (err) {
    assert.ok(err instanceof ConfigError);
    return err.problems;
  }
}

describe('config validated at start', () => {
  it('production_start_without_session_secret_refuses_to_run', () => {
    assert.deepEqual(problems({ ...prod, SESSION_SECRET: undefined }), ['SESSION_SECRET: required in production']);
  });

  it('production_start_with_a_known_default_secret_refuses_to_run', () => {
    assert.ok(problems({ ...prod, SESSION_SECRET: 'keyboard cat' }).some((p) => p.includes('well-known default')));
    assert.ok(problems({ ...prod, MX_CLIENT_SECRET: 'changeme' }).some((p) => p.startsWith('MX_CLIENT_SECRET')));
  });

  it('production_start_with_a_guessable_secret_refuses_to_run_however_long_it_is', () => {
    for (const weak of ['short', 'a'.repeat(32), 'a'.repeat(200), 'ab'.repeat(40), 'abcdefghijklmnopqrstuvwxyz0123456789']) {
      const found = problems({ ...prod, SESSION_SECRET: weak });
      assert.equal(found.length, 1, `${weak}: ${found.join('; ')}`);
      assert.match(found[0]!, /^SESSION_SECRET: too guessable/, weak);
    }
    // Random ones of the usual recipes pass, whatever their alphabet.
    for (const random of [randomBytes(32).toString('base64'), randomBytes(32).toString('hex'), randomBytes(24).toString('base64url')]) {
      assert.deepEqual(problems({ ...prod, SESSION_SECRET: random }), [], random);
    }
  });

  it('production_start_refuses_each_unsafe_transport_and_origin_setting_naming_it', () => {
    const refused: Array<[Record<string, string>, string]> = [
      [{ MX_BASE_URL: 'http://access.bank.example' }, 'MX_BASE_URL'],
      [{ MX_PUBLIC_BASE_URL: 'http://access.bank.example' }, 'MX_PUBLIC_BASE_URL'],
      [{ COOKIE_SECURE: 'false' }, 'COOKIE_SECURE'],
      [{ COOKIE_SECURE: '0' }, 'COOKIE_SECURE'],
      [{ ALLOWED_ORIGINS: '*' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'null' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'https://bank.example,null' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'http://bank.example' }, 'ALLOWED_ORIGINS'],
      [{ ALLOWED_ORIGINS: 'https://bank.example/app' }, 'ALLOWED_ORIGINS'],
      [{ TRUST_PROXY: 'true' }, 'TRUST_PROXY'],
      [{ TRUST_PROXY: 'everyone' }, 'TRUST_PROXY'],
      [{ TRUST_PROXY: '10.0.0.0/99' }, 'TRUST_PROXY'],
    ];
    for (const [env, name] of refused) {
      const found = problems({ ...prod, ...env });
      assert.equal(found.length, 1, `${JSON.stringify(env)}: ${found.join('; ')}`);
      assert.ok(found[0]!.startsWith(`${name}: `), `${JSON.stringify(env)} → ${found[0]}`);
    }
    const safe = loadConfig({ ...prod, MX_PUBLIC_BASE_URL: 'https://mx.bank.example', COOKIE_SECURE: 'true', ALLOWED_ORIGINS: 'https://bank.example' }, { requireUpstream: true });
    assert.deepEqual(safe.allowedOrigins, ['https://bank.example']);
  });

  it('trust_proxy_is_a_hop_count_or_a_list_of_addresses', () => {
    const trust = (TRUST_PROXY: string) => loadConfig({ ...prod, TRUST_PROXY }, { requireUpstream: true }).trustProxy;
    assert.equal(trust('2'), 2);
    assert.equal(trust('false'), false);
    assert.deepEqual(trust('loopback, 10.0.0.0/8,2001:db8::1'), ['loopback', '10.0.0.0/8', '2001:db8::1']);
    assert.deepEqual(loadConfig(prod, { requireUpstream: true }).trustProxy, ['loopback']);
  });

  it('a_restrictive_policy_requires_proxy_mode', () => {
    assert.ok(problems({ ...prod, CONSENT_ACCOUNT_POLICY: 'read-only', CONSENT_MODE: 'both' }).some((p) => p.startsWith('CONSENT_MODE')));
    assert.ok(problems({ ...prod, CONSENT_AUTO_SHARE_POLICY: 'sometimes' }).some((p) => p.startsWith('CONSENT_AUTO_SHARE_POLICY')));
    const config = loadConfig({ ...prod, CONSENT_ACCOUNT_POLICY: 'hidden', CONSENT_MODE: 'proxy' }, { requireUpstream: true });
    assert.deepEqual(config.policy, { accounts: 'hidden', autoShare: 'editable' });
  });

  it('production_start_without_upstream_refuses_the_embedded_sandbox', () => {
    const { MX_BASE_URL: _, ...noUpstream } = prod;
    assert.ok(problems(noUpstream, false).some((p) => p.startsWith('MX_BASE_URL')));
  });

  it('every_problem_is_reported_with_its_variable_name', () => {
    const found = problems({ NODE_ENV: 'production', PORT: 'eighty', CONSENT_MODE: 'both' });
    assert.ok(found.some((p) => p.startsWith('PORT')), found.join('; '));
    const missing = problems({ NODE_ENV: 'production' });
    for (const name of ['MX_BASE_URL', 'MX_CLIENT_ID', 'MX_CLIENT_SECRET', 'SESSION_SECRET']) {
      assert.ok(missing.some((p) => p.startsWith(name)), `${name} in ${missing.join('; ')}`);
    }
  });

  it('a_valid_production_config_loads_with_secure_cookies', () => {
    const config = loadConfig(prod, { requireUpstream: true });
    assert.equal(config.session.secureCookie, true);
    assert.equal(config.mx.timeouts.headersMs, 5_000);
    assert.equal(config.mode, 'proxy', 'direct mode is opted into');
  });

  it('mx_unknown_customer_status_is_404_by_default_a_list_of_4xx_or_empty_and_refuses_anything_else', () => {
    assert.deepEqual(loadConfig({}, { requireUpstream: false }).mx.unknownCustomerStatuses, [404]);
    assert.deepEqual(loadConfig({ MX_UNKNOWN_CUSTOMER_STATUS: '400, 403' }, { requireUpstream: false }).mx.unknownCustomerStatuses, [400, 403]);
    assert.deepEqual(loadConfig({ MX_UNKNOWN_CUSTOMER_STATUS: '' }, { requireUpstream: false }).mx.unknownCustomerStatuses, []);
    for (const bad of ['401', '429', '500', '4o4', '404,200']) {
      assert.ok(problems({ ...prod, MX_UNKNOWN_CUSTOMER_STATUS: bad }).some((p) => p.startsWith('MX_UNKNOWN_CUSTOMER_STATUS')), bad);
    }
  });

  it('development_needs_no_configuration_at_all', () => {
    const config = loadConfig({}, { requireUpstream: false });
    assert.equal(config.port, 3000);
    assert.equal(config.mx.baseUrl, undefined);
    assert.equal(config.session.secureCookie, false);
  });
});
