/**
 * A BFF process killed (SIGKILL, by PID) during a stop's undo window and started again on the same ledger:
 * the stop is carried out once, by the new process, and the customer sees it. The MX sandbox runs in this
 * process, so its stats span both BFF processes.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { ChangeRecord, Consent } from '@consent-manager/contract';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { Customer } from '../support/client.js';
import { BACKENDS, dueToApplied, waitFor } from '../support/ledger.js';
import { spawnInstance, type ChildInstance } from '../support/redis-cluster.js';
import { CLIENT_ID, CLIENT_SECRET } from '../support/stack.js';

// Long enough that the kill lands inside the window however slowly a loaded machine answers the stop and kills
// the process; the wait for the restarted BFF covers the rest of the window plus its start.
const UNDO_SECONDS = 20;

describe('a BFF process killed during the undo window', () => {
  let mx: StartedSandbox;
  const running: ChildInstance[] = [];
  before(async () => { mx = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET }); });
  after(async () => {
    await Promise.all(running.map((i) => i.kill()));
    await mx.close();
  });

  for (const backend of BACKENDS) {
    it(`applies_the_stop_once_after_a_restart_on_${backend.name}`, async (t) => {
      mx.sandbox.reset();
      const ledger = await backend.create('restart');
      try {
        const env = {
          MX_BASE_URL: mx.url, MX_CLIENT_ID: CLIENT_ID, MX_CLIENT_SECRET: CLIENT_SECRET,
          LEDGER_UNDO_SECONDS: String(UNDO_SECONDS), LEDGER_POLL_MS: '200', ...ledger.env,
        };
        const first = await spawnInstance(env);
        running.push(first);
        const alex = new Customer(first.url);
        assert.equal((await alex.login('alex')).status, 200);
        const fernpay = mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((c) => c.application_name === 'Fernpay')!;
        const res = await alex.request('POST', '/consent/stops', { json: { consent_id: fernpay.id } });
        assert.equal(res.status, 202);
        const { change } = (await res.json()) as { change: ChangeRecord };

        await first.kill();
        assert.ok(Date.now() < Date.parse(change.due_at), 'killed inside the undo window');
        assert.equal(mx.sandbox.stats().revoke, 0, 'nothing was sent before it died');

        const restartedAt = Date.now();
        const second = await spawnInstance(env);
        running.push(second);
        await waitFor('the restarted BFF to apply the stop', () => mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((c) => c.id === fernpay.id)!.revoked_at ?? undefined,
          UNDO_SECONDS * 1_000 + 30_000);

        const again = new Customer(second.url);
        assert.equal((await again.login('alex')).status, 200);
        const done = ((await (await again.request('GET', `/consent/changes/${change.id}`)).json()) as { change: ChangeRecord }).change;
        assert.equal(done.state, 'applied');
        const list = (await (await again.request('GET', '/consent/api/consent_management')).json()) as Consent[];
        assert.ok(list.find((c) => c.id === fernpay.id)!.revoked_at, 'the customer sees it stopped');
        assert.equal(mx.sandbox.stats().by_customer[DEMO_CUSTOMERS.alex]!.revoke, 1, 'applied exactly once');
        t.diagnostic(`killed and restarted (${backend.name}): applied 1 of 1, revoke requests 1, due→applied ${dueToApplied(done)} ms `
          + `(restart began ${restartedAt - Date.parse(change.due_at)} ms relative to due)`);
        await second.kill();
      } finally {
        await ledger.remove();
      }
    });
  }
});
