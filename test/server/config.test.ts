import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.js';

const strong = 'k'.repeat(12) + 'Zq81-xF0pLm2Vw7rTy5uE3sD';
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

  it('production_start_with_a_short_secret_or_plain_http_upstream_refuses_to_run', () => {
    assert.ok(problems({ ...prod, SESSION_SECRET: 'short' }).some((p) => p.includes('at least 32')));
    assert.ok(problems({ ...prod, MX_BASE_URL: 'http://access.bank.example' }).some((p) => p.includes('https')));
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

  it('development_needs_no_configuration_at_all', () => {
    const config = loadConfig({}, { requireUpstream: false });
    assert.equal(config.port, 3000);
    assert.equal(config.mx.baseUrl, undefined);
    assert.equal(config.session.secureCookie, false);
  });
});
