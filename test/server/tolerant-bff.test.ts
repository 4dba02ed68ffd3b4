/**
 * The BFF against an MX that answers the way its description allows (issue 18): records it cannot act on are
 * relayed as they came, logged by id, and never acted on; fields left out and MX's id shapes change nothing; the
 * token call's statuses are read only on evidence.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { StopAllProgress } from '@consent-manager/contract';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { Customer } from '../support/client.js';
import { waitFor } from '../support/ledger.js';
import { CLIENT_SECRET, startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';
type Wire = Record<string, unknown> & { id?: string; accounts?: Record<string, unknown>[] };
type Line = Record<string, unknown>;

const lines = (stack: Stack, event: string) => stack.logs.map((l) => JSON.parse(l) as Line).filter((l) => l.event === event);
const code = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('BFF reading what MX may send', () => {
  let stack: Stack;
  before(async () => {
    stack = await startStack({ RATE_LIMIT_WRITES_PER_MINUTE: '1000', RATE_LIMIT_READS_PER_MINUTE: '1000' });
  });
  after(() => stack.close());
  beforeEach(() => {
    stack.mx.sandbox.reset();
    stack.logs.length = 0;
  });
  const loggedIn = async (who: string) => {
    const c = new Customer(stack.bff.url);
    await c.login(who);
    return c;
  };

  it('relays_a_list_with_a_record_it_cannot_act_on_as_mx_sent_it_and_logs_that_records_id', async () => {
    const alex = await loggedIn('alex');
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'bad_record', record: 2, next: 1 });
    const res = await alex.request('GET', LIST);
    assert.equal(res.status, 200);
    const body = (await res.json()) as Wire[];
    assert.equal(body.length, 8, "MX's bytes, every record, as they came");
    assert.ok(!('account_id' in body[2]!.accounts![0]!));
    const line = await waitFor('the log line', () => lines(stack, 'upstream_unreadable_consents')[0]);
    assert.equal(line!.where, 'list');
    assert.equal(line!.count, 1);
    assert.deepEqual(line!.records, [{ consent_id: body[2]!.id, index: 2, reason: 'account without account_id' }]);
    assert.ok(!JSON.stringify(line).includes(DEMO_CUSTOMERS.alex), 'the customer only hashed');
  });

  it('refuses_a_stop_of_a_record_it_could_not_read_and_sends_nothing_for_it', async () => {
    const alex = await loggedIn('alex');
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'bad_record', record: 0 });
    const spoiled = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex)[0]!;
    const res = await alex.request('POST', '/consent/stops', { json: { consent_id: spoiled.id, undo_seconds: 0 } });
    assert.equal(res.status, 422);
    assert.equal(await code(res), 'unreadable_consent');
    assert.deepEqual((await (await alex.request('GET', '/consent/changes')).json() as { changes: unknown[] }).changes, [], 'nothing recorded');
    assert.equal(stack.mx.sandbox.stats().revoke, 0);
    assert.equal(stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex)[0]!.revoked_at, null);
  });

  it('stop_all_stops_every_readable_open_app_and_leaves_the_unreadable_one_logged_and_untouched', async () => {
    const alex = await loggedIn('alex');
    const upstream = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex);
    const spoiled = upstream.find((c) => !c.revoked_at)!;
    const open = upstream.filter((c) => !c.revoked_at).length;
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'bad_record', record: upstream.indexOf(spoiled), next: 1 });
    const res = await alex.request('POST', '/consent/stop-all');
    assert.equal(res.status, 202);
    const batch = (await res.json()) as StopAllProgress;
    assert.equal(batch.total, open - 1);
    const done = await waitFor('the batch to finish', async () => {
      const p = (await (await alex.request('GET', `/consent/stop-all/${batch.batch_id}`)).json()) as StopAllProgress;
      return p.done ? p : undefined;
    }, 30_000);
    assert.equal(done.counts.applied, open - 1);
    assert.equal(stack.mx.sandbox.stats().revoke, open - 1, 'no stop was sent for the record that could not be read');
    assert.equal(stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((c) => c.id === spoiled.id)!.revoked_at, null);
    const [line] = lines(stack, 'upstream_unreadable_consents');
    assert.equal(line!.where, 'ledger');
    assert.deepEqual(line!.records, [{ consent_id: spoiled.id, index: upstream.indexOf(spoiled), reason: 'account without account_id' }]);
  });

  it('switches_an_account_and_stops_an_app_whose_optional_fields_mx_left_out_with_mx_id_shapes', async () => {
    stack.mx.sandbox.setOmitEmpty(true);
    stack.mx.sandbox.setIdStyle('mx');
    const alex = await loggedIn('alex');
    const list = (await (await alex.request('GET', LIST)).json()) as Wire[];
    const fernpay = list.find((c) => c.application_name === 'Fernpay')!;
    assert.ok(!('last_accessed' in fernpay) && !('revoked_at' in fernpay));
    assert.match(fernpay.id!, /^_[A-Za-z0-9]{20}$/);
    const account = String(fernpay.accounts![0]!.account_id);
    assert.match(account, /^\d{16}$/);
    const switched = await alex.request('PUT', `${LIST}/${fernpay.id}/accounts/${account}`, { json: { enabled: false } });
    assert.equal(switched.status, 200);
    const stop = await alex.request('POST', '/consent/stops', { json: { consent_id: fernpay.id, undo_seconds: 0 } });
    assert.ok([200, 202].includes(stop.status), `stop answered ${stop.status}`);
    await waitFor('MX to have the stop', () => stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex).find((c) => c.id === fernpay.id)!.revoked_at ?? undefined);
    assert.equal(lines(stack, 'upstream_unreadable_consents').length, 0, 'nothing MX may leave out makes a record unreadable');
  });
});

describe('the token call read on evidence', () => {
  let stack: Stack;
  let custom: Stack;
  before(async () => {
    [stack, custom] = await Promise.all([startStack(), startStack({ MX_UNKNOWN_CUSTOMER_STATUS: '400, 403' })]);
  });
  after(() => Promise.all([stack.close(), custom.close()]));
  beforeEach(() => {
    for (const s of [stack, custom]) {
      s.mx.sandbox.reset();
      s.logs.length = 0;
    }
  });
  /** A fresh login's token request, answered `status` by MX once. */
  async function tokenAnswered(s: Stack, status: number, who = 'alex') {
    const c = new Customer(s.bff.url);
    await c.login(who);
    s.mx.sandbox.faults.set({ endpoint: 'token', kind: 'error', status, next: 1 });
    const res = await c.token();
    await c.logout();
    return res;
  }

  it('reports_a_4xx_mx_does_not_define_as_an_unexpected_answer_with_its_status_logged', async () => {
    for (const status of [400, 409, 418, 422]) {
      const res = await tokenAnswered(stack, status);
      assert.equal(res.status, 502, `MX ${status}`);
      assert.equal(await code(res), 'upstream_unexpected', `MX ${status}`);
    }
    assert.deepEqual(lines(stack, 'upstream_unexpected_answer').map((l) => l.status), [400, 409, 418, 422]);
  });

  it('maps_the_sandboxs_404_to_customer_unknown_by_default_and_401_403_to_our_credentials', async () => {
    const unknown = await tokenAnswered(stack, 404);
    assert.deepEqual([unknown.status, await code(unknown)], [404, 'customer_unknown']);
    for (const status of [401, 403]) {
      const res = await tokenAnswered(stack, status);
      assert.deepEqual([res.status, await code(res)], [502, 'upstream_auth_failed'], `MX ${status}`);
    }
    const down = await tokenAnswered(stack, 503);
    assert.deepEqual([down.status, await code(down)], [502, 'upstream_unavailable']);
    assert.equal(lines(stack, 'upstream_unexpected_answer').length, 0);
  });

  it('mx_outages_and_credential_refusals_behind_a_502_are_logged_for_the_operator_with_kind_and_mx_status_and_no_secret', async () => {
    for (const status of [503, 401]) assert.equal((await tokenAnswered(stack, status)).status, 502, `token ${status}`);
    const alex = new Customer(stack.bff.url);
    await alex.login('alex');
    stack.mx.sandbox.faults.set({ endpoint: 'list', kind: 'error', status: 503, next: 1 });
    const list = await alex.request('GET', LIST);
    assert.deepEqual([list.status, await code(list)], [502, 'upstream_unavailable']);
    assert.deepEqual(lines(stack, 'upstream_failed').map((l) => [l.kind, l.status]), [['unavailable', 503], ['auth_rejected', 401], ['unavailable', 503]]);
    assert.ok(!stack.logs.some((l) => l.includes(CLIENT_SECRET)), 'the client secret is in no log line');
  });

  it('maps_the_statuses_MX_UNKNOWN_CUSTOMER_STATUS_names_and_no_other', async () => {
    for (const status of [400, 403]) {
      const res = await tokenAnswered(custom, status);
      assert.deepEqual([res.status, await code(res)], [404, 'customer_unknown'], `MX ${status}`);
    }
    const notFound = await tokenAnswered(custom, 404);
    assert.deepEqual([notFound.status, await code(notFound)], [502, 'upstream_unexpected'], '404 is not named');
    assert.deepEqual(lines(custom, 'upstream_unexpected_answer').map((l) => l.status), [404]);
  });
});
