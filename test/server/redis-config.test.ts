import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ConfigError, loadConfig } from '../../server/config.js';
import { readRedisSettings, REDIS_VARIABLES } from '../../server/redis-config.js';

const PEM = '-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n';

describe('Redis configuration, checked at start', () => {
  let dir: string;
  let caFile: string;
  before(async () => {
    dir = await mkdtemp(join(tmpdir(), 'consent-redis-config-'));
    caFile = join(dir, 'ca.pem');
    await writeFile(caFile, PEM);
    await writeFile(join(dir, 'not.pem'), 'hello');
  });
  after(() => rm(dir, { recursive: true, force: true }));

  const problemsOf = (env: Record<string, string>) => readRedisSettings(env).problems.join('\n');

  it('no_redis_variable_means_no_redis', () => {
    assert.deepEqual(readRedisSettings({}), { problems: [] });
    assert.equal(loadConfig({}, { requireUpstream: false }).redis, undefined);
  });

  it('one_server_takes_tls_from_rediss_and_credentials_from_the_url_which_then_holds_none', () => {
    const { settings } = readRedisSettings({ REDIS_URL: 'rediss://consent-bff:s%40cret@redis.internal:6380/2', REDIS_CA_FILE: caFile });
    assert.deepEqual(settings, {
      topology: { kind: 'server', url: 'rediss://redis.internal:6380/2' },
      tls: true, ca: PEM, username: 'consent-bff', password: 's@cret',
    });
  });

  it('sentinel_reads_addresses_master_name_acl_users_and_the_ca_file', () => {
    const { settings, problems } = readRedisSettings({
      REDIS_SENTINELS: 'rediss://s1.bank.internal:26379, rediss://s2.bank.internal:26379,rediss://[::1]:26379',
      REDIS_SENTINEL_MASTER: 'consent',
      REDIS_SENTINEL_USERNAME: 'sentinel-reader', REDIS_SENTINEL_PASSWORD: 'sp',
      REDIS_USERNAME: 'consent-bff', REDIS_PASSWORD: 'p', REDIS_CA_FILE: caFile,
    });
    assert.deepEqual(problems, []);
    assert.deepEqual(settings, {
      topology: {
        kind: 'sentinel', masterName: 'consent', sentinelUsername: 'sentinel-reader', sentinelPassword: 'sp',
        sentinels: [{ host: 's1.bank.internal', port: 26379 }, { host: 's2.bank.internal', port: 26379 }, { host: '::1', port: 26379 }],
      },
      tls: true, ca: PEM, username: 'consent-bff', password: 'p',
    });
  });

  it('cluster_reads_seed_nodes_bare_or_as_urls', () => {
    const { settings } = readRedisSettings({ REDIS_CLUSTER_NODES: '10.0.0.1:6379,redis://10.0.0.2:6379', REDIS_PASSWORD: 'p' });
    assert.deepEqual(settings, {
      topology: { kind: 'cluster', nodes: [{ host: '10.0.0.1', port: 6379 }, { host: '10.0.0.2', port: 6379 }] },
      tls: false, ca: undefined, username: undefined, password: 'p',
    });
  });

  it('two_topologies_at_once_are_refused', () => {
    assert.match(problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_CLUSTER_NODES: 'b:6379' }), /REDIS_URL, REDIS_CLUSTER_NODES: set only one/);
  });

  it('each_mistake_is_named_with_its_variable', () => {
    assert.match(problemsOf({ REDIS_SENTINELS: 'a:26379' }), /REDIS_SENTINEL_MASTER: required with REDIS_SENTINELS/);
    assert.match(problemsOf({ REDIS_CLUSTER_NODES: 'a:6379,b' }), /REDIS_CLUSTER_NODES: "b" is not host:port/);
    assert.match(problemsOf({ REDIS_CLUSTER_NODES: 'redis://u:hunter2@a:6379' }), /an entry holds credentials; put them in REDIS_USERNAME/);
    assert.doesNotMatch(problemsOf({ REDIS_CLUSTER_NODES: 'redis://u:hunter2@a:6379' }), /hunter2/);
    assert.match(problemsOf({ REDIS_CLUSTER_NODES: 'redis://a:6379,rediss://b:6379' }), /mixes redis:\/\/ and rediss:\/\//);
    assert.match(problemsOf({ REDIS_CLUSTER_NODES: ' , ' }), /lists no address/);
    assert.match(problemsOf({ REDIS_URL: 'http://a:6379' }), /REDIS_URL: must be a redis:\/\/ or rediss:\/\/ URL/);
    assert.match(problemsOf({ REDIS_URL: 'redis://u:p@a:6379', REDIS_PASSWORD: 'q' }), /credentials both in the URL and in REDIS_USERNAME/);
    assert.match(problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_USERNAME: 'u' }), /REDIS_USERNAME: needs REDIS_PASSWORD/);
    assert.match(problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_SENTINEL_MASTER: 'm' }), /REDIS_SENTINEL_MASTER: only with REDIS_SENTINELS/);
    assert.match(problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_COMMAND_TIMEOUT_MS: '5s' }), /REDIS_COMMAND_TIMEOUT_MS: must be a whole number/);
    assert.equal(readRedisSettings({ REDIS_URL: 'redis://a:6379', REDIS_COMMAND_TIMEOUT_MS: '2000' }).settings?.commandTimeoutMs, 2_000);
    assert.match(problemsOf({ REDIS_PASSWORD: 'p' }), /REDIS_PASSWORD: set without REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES/);
  });

  it('a_ca_file_must_be_readable_pem_and_goes_with_tls_only', () => {
    assert.match(problemsOf({ REDIS_URL: 'rediss://a:6380', REDIS_CA_FILE: join(dir, 'missing.pem') }), /REDIS_CA_FILE: cannot read .*missing\.pem \(ENOENT\)/);
    assert.match(problemsOf({ REDIS_URL: 'rediss://a:6380', REDIS_CA_FILE: join(dir, 'not.pem') }), /holds no PEM certificate/);
    assert.match(problemsOf({ REDIS_URL: 'redis://a:6379', REDIS_CA_FILE: caFile }), /REDIS_CA_FILE: only with TLS/);
  });

  it('redis_problems_are_reported_with_every_other_problem_and_never_echo_a_password', () => {
    const error = (() => {
      try {
        loadConfig({ PORT: 'x', REDIS_URL: 'redis://u:hunter2@a:6379', REDIS_PASSWORD: 'hunter3' }, { requireUpstream: false });
      } catch (err) {
        return err;
      }
    })();
    assert.ok(error instanceof ConfigError);
    assert.match(error.message, /PORT/);
    assert.match(error.message, /REDIS_URL: credentials both/);
    assert.doesNotMatch(error.message, /hunter/);
  });

  it('the_readme_documents_every_redis_variable', () => {
    const readmes = ['../../README.md', '../../server/README.md'].map((p) => new URL(p, import.meta.url)).filter((u) => existsSync(u));
    const text = readmes.map((u) => readFileSync(u, 'utf8')).join('\n');
    assert.deepEqual(REDIS_VARIABLES.filter((v) => !text.includes(`\`${v}\``)), []);
  });
});
