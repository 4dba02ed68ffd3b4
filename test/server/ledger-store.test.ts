/**
 * The ledger and its worker below the routes, against the real MX sandbox over HTTP, on the embedded PGlite and
 * on PostgreSQL: instances racing for the same due stops, a dead instance's lease taken over, the retry bound,
 * migrations, retention and the bank's command.
 */
import assert from 'node:assert/strict';
import { Writable } from 'node:stream';
import { after, before, beforeEach, describe, it } from 'node:test';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { hashId } from '../../server/customer-hash.js';
import type { Ledger, LedgerChange, NewChange } from '../../server/ledger.js';
import { runLedgerCommand, UsageError } from '../../server/ledger-cli.js';
import { loadLedgerConfig, openLedger, openLedgerClient } from '../../server/ledger-config.js';
import { migrate } from '../../server/ledger-migrations.js';
import { executor } from '../../server/ledger-routes.js';
import { startLedgerWorker, type LedgerWorker, type RetryPolicy } from '../../server/ledger-worker.js';
import { createTokenBroker } from '../../server/token-broker.js';
import { createMemoryTokenStore } from '../../server/token-store.js';
import { createUpstreamClient, type UpstreamClient } from '../../server/upstream.js';
import { BACKENDS, percentiles, waitFor } from '../support/ledger.js';
import { CLIENT_ID, CLIENT_SECRET } from '../support/stack.js';

const RETRY: RetryPolicy = { baseMs: 50, maxMs: 200, boundMs: 60_000 };

const stopOf = (customerId: string, consentId: string, delayMs: number): NewChange => ({
  customer: hashId(customerId), customerRef: customerId, consentId, action: 'stop', delayMs,
});

for (const backend of BACKENDS) {
  describe(`ledger worker on ${backend.name}`, () => {
    let mx: StartedSandbox;
    let upstream: UpstreamClient;
    let env: Record<string, string>;
    let remove: () => Promise<void>;
    /** Two instances' ledgers: separate pools on PostgreSQL; one process's one PGlite on the embedded ledger. */
    let a: Ledger;
    let b: Ledger;
    const workers: LedgerWorker[] = [];

    before(async () => {
      mx = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET });
      upstream = createUpstreamClient({
        baseUrl: mx.url, version: 'v4', clientId: CLIENT_ID, clientSecret: CLIENT_SECRET,
        // Generous: on a loaded machine a timed-out stop is ambiguous, and its retry would count twice.
        timeouts: { connectMs: 10_000, headersMs: 15_000, bodyMs: 15_000 },
      });
      const created = await backend.create('worker');
      env = created.env;
      remove = created.remove;
      a = await openLedger(loadLedgerConfig(env));
      b = backend.name === 'postgres' ? await openLedger(loadLedgerConfig(env)) : a;
    });
    after(async () => {
      await Promise.all(workers.map((w) => w.stop()));
      await a.close();
      if (b !== a) await b.close();
      await upstream.close();
      await mx.close();
      await remove();
    });
    beforeEach(async () => {
      await Promise.all(workers.splice(0).map((w) => w.stop()));
      mx.sandbox.reset();
    });

    function worker(ledger: Ledger, owner: string, settled: LedgerChange[], retry = RETRY): LedgerWorker {
      const broker = createTokenBroker({ upstream, store: createMemoryTokenStore() });
      const w = startLedgerWorker({
        ledger, execute: executor(broker), owner, leaseMs: 30_000, retry, pollMs: 20, onSettled: (c) => settled.push(c),
      });
      workers.push(w);
      return w;
    }

    const revokes = (customer: string) => mx.sandbox.stats().by_customer[customer]?.revoke ?? 0;

    it('two_instances_racing_for_the_same_due_stops_apply_each_exactly_once', async (t) => {
      const customer = DEMO_CUSTOMERS.many50;
      const open = mx.sandbox.consents(customer).filter((c) => !c.revoked_at);
      for (const c of open) await a.record(stopOf(customer, c.id, 300));
      const byA: LedgerChange[] = [];
      const byB: LedgerChange[] = [];
      worker(a, 'instance-a', byA);
      worker(b, 'instance-b', byB);
      await waitFor('every stop to settle', () => byA.length + byB.length >= open.length);

      const ids = new Set([...byA, ...byB].map((c) => c.id));
      assert.equal(byA.length + byB.length, open.length, 'no stop settled twice');
      assert.equal(ids.size, open.length);
      assert.ok([...byA, ...byB].every((c) => c.state === 'applied' && c.attempts === 1), 'each claimed once');
      assert.equal(revokes(customer), open.length, 'MX saw each stop once');
      assert.ok(mx.sandbox.consents(customer).every((c) => c.revoked_at));
      const delays = percentiles([...byA, ...byB].map((c) => c.appliedAt!.getTime() - c.dueAt.getTime()));
      t.diagnostic(`two instances: applied ${ids.size} of ${open.length} (instance a ${byA.length}, b ${byB.length}), `
        + `revoke requests ${revokes(customer)}, due→applied p50 ${delays.p50} ms, max ${delays.max} ms`);
    });

    it('a_stop_held_by_an_instance_that_died_is_taken_over_when_its_lease_runs_out', async (t) => {
      const customer = DEMO_CUSTOMERS.alex;
      const fernpay = mx.sandbox.consents(customer).find((c) => c.application_name === 'Fernpay')!;
      const { change } = await a.record(stopOf(customer, fernpay.id, 0));
      const [held] = await a.claimDue('instance-that-died', 400, 10);
      assert.equal(held?.id, change.id, 'the dead instance held it');
      const settled: LedgerChange[] = [];
      worker(b, 'survivor', settled);
      await waitFor('the survivor to apply it', () => settled.find((c) => c.id === change.id));
      const done = settled.find((c) => c.id === change.id)!;
      assert.equal(done.state, 'applied');
      assert.equal(done.attempts, 2);
      assert.ok(done.appliedAt!.getTime() - done.dueAt.getTime() >= 400, 'not before the lease ran out');
      assert.equal(revokes(customer), 1);
      t.diagnostic(`lease takeover: applied 1 of 1, revoke requests 1, due→applied ${done.appliedAt!.getTime() - done.dueAt.getTime()} ms (lease 400 ms)`);
    });

    it('a_stop_mx_keeps_refusing_past_the_retry_bound_fails_for_good_and_is_never_sent_later', async () => {
      const customer = DEMO_CUSTOMERS.sam;
      const consent = mx.sandbox.consents(customer)[0]!;
      mx.sandbox.faults.outage('revoke');
      const { change } = await a.record(stopOf(customer, consent.id, 0));
      const settled: LedgerChange[] = [];
      const boundMs = 500;
      worker(a, 'instance-a', settled, { baseMs: 50, maxMs: 100, boundMs });
      const done = await waitFor('the stop to fail for good', () => settled.find((c) => c.id === change.id));
      assert.equal(done.state, 'failed');
      assert.equal(done.detail, 'gave_up');
      assert.ok(done.settledAt!.getTime() - done.dueAt.getTime() >= boundMs, 'retried until the bound, not given up before');
      assert.ok(done.attempts >= 1);
      assert.equal(revokes(customer), 0);
      mx.sandbox.faults.endOutage('revoke');
      // Proof the worker ran on after giving up: a later stop by the same customer is applied, the failed one is not.
      const ledgerleaf = mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((c) => c.application_name === 'Ledgerleaf Budget')!;
      const later = await a.record(stopOf(DEMO_CUSTOMERS.alex, ledgerleaf.id, 0));
      await waitFor('a later stop to apply', () => settled.find((c) => c.id === later.change.id));
      assert.equal(mx.sandbox.consents(customer)[0]!.revoked_at, null);
      assert.equal((await a.get(hashId(customer), change.id))!.state, 'failed');
    });

    it('migrations_run_once_and_retention_prunes_settled_changes_only', async () => {
      // A second client beside the open ledger: PostgreSQL only (an embedded directory is one process's; the
      // command's test checks its migrations).
      if (backend.name === 'postgres') {
        const sql = await openLedgerClient(loadLedgerConfig(env));
        try {
          assert.deepEqual(await migrate(sql), [], 'nothing left to apply');
          assert.deepEqual((await sql.query<{ version: number }>('SELECT version FROM consent_ledger_migrations')).map((r) => r.version), [1]);
        } finally {
          await sql.close();
        }
      }
      const customer = hashId('retention-test');
      const pending = await a.record({ ...stopOf('retention-test', 'CNS-kept', 3_600_000) });
      const applied = await a.record({ ...stopOf('retention-test', 'CNS-old', 0), start: { as: 'applied', detail: 'already_stopped' } });
      const deleted = await a.prune(new Date(Date.now() + 60_000));
      assert.ok(deleted >= 1);
      assert.equal(await a.get(customer, applied.change.id), undefined, 'a settled change past retention is gone');
      assert.equal((await a.get(customer, pending.change.id))?.state, 'pending', 'an outstanding change is kept');
      assert.equal((await a.cancel(customer, pending.change.id))?.state, 'cancelled');
    });
  });
}

describe('consent-ledger command', () => {
  for (const backend of BACKENDS) {
    it(`exports_looks_up_migrates_and_prunes_on_${backend.name}`, async () => {
      const { env, remove } = await backend.create('cli');
      try {
        const ledger = await openLedger(loadLedgerConfig(env));
        const customerId = 'cli-customer';
        const { change } = await ledger.record({ ...stopOf(customerId, 'CNS-cli', 0), applicationName: '=HYPERLINK("x")', start: { as: 'applied', detail: 'already_stopped' } });
        await ledger.close();
        const run = async (...args: string[]) => {
          let out = '';
          const stdout = new Writable({ write(chunk: Buffer, _e, cb) { out += chunk.toString(); cb(); } });
          await runLedgerCommand(args, env, stdout);
          return out;
        };
        assert.equal(await run('migrate'), 'schema up to date\n');
        const today = new Date().toISOString().slice(0, 10);
        const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);
        const csv = (await run('export', '--from', today, '--to', tomorrow)).trimEnd().split('\r\n');
        assert.equal(csv.length, 2);
        assert.ok(csv[1]!.startsWith(`${change.id},${hashId(customerId)},CNS-cli,`));
        assert.ok(csv[1]!.includes(`"'=HYPERLINK(""x"")"`), 'a formula is defused and quoted');
        const json = JSON.parse(await run('export', '--from', today, '--to', tomorrow, '--format', 'json')) as Array<{ id: string }>;
        assert.deepEqual(json.map((r) => r.id), [change.id]);
        const lookup = JSON.parse(await run('lookup', customerId)) as { customer: string; changes: unknown[] };
        assert.equal(lookup.customer, hashId(customerId));
        assert.equal(lookup.changes.length, 1);
        await assert.rejects(run('export', '--from', tomorrow, '--to', today), UsageError);
        await assert.rejects(run('frobnicate'), UsageError);
        assert.equal(await run('prune', '--days', '1'), 'deleted 0 settled changes older than 1 days\n');
      } finally {
        await remove();
      }
    });
  }
});
