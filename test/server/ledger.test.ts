/**
 * The consent ledger through the BFF's routes, on the embedded PGlite and on a real PostgreSQL, with every stop
 * counted on the MX sandbox's stats: a stop is applied once, whatever the browser does.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import type { ChangeRecord, Consent, StopAllProgress } from '@consent-manager/contract';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { hashId } from '../../server/customer-hash.js';
import { Customer } from '../support/client.js';
import { BACKENDS, dueToApplied, waitFor } from '../support/ledger.js';
import { startStack, type Stack } from '../support/stack.js';

const ADMIN_TOKEN = `admin-${crypto.randomUUID()}-${crypto.randomUUID()}`;
/** The bank's window (the most a page may ask for) and the one these tests' pages ask for. */
const BANK_UNDO_SECONDS = 30;
const UNDO_SECONDS = 1;

for (const backend of BACKENDS) {
  describe(`consent ledger on ${backend.name}`, () => {
    let stack: Stack;
    let remove: () => Promise<void>;

    before(async () => {
      const ledger = await backend.create('routes');
      remove = ledger.remove;
      stack = await startStack({
        ...ledger.env,
        LEDGER_UNDO_SECONDS: String(BANK_UNDO_SECONDS),
        LEDGER_RETRY_BASE_MS: '100',
        LEDGER_RETRY_MAX_MS: '400',
        LEDGER_POLL_MS: '200',
        LEDGER_ADMIN_TOKEN: ADMIN_TOKEN,
      });
    });
    after(async () => {
      await stack.close();
      await remove();
    });
    beforeEach(() => stack.mx.sandbox.reset());

    const revokes = (customer: string) => stack.mx.sandbox.stats().by_customer[customer]?.revoke ?? 0;
    const consentOf = (customer: string, name: string) => stack.mx.sandbox.consents(customer).find((c) => c.application_name === name)!;

    async function loggedIn(user: keyof typeof DEMO_CUSTOMERS): Promise<Customer> {
      const c = new Customer(stack.bff.url);
      assert.equal((await c.login(user)).status, 200);
      return c;
    }

    async function stop(c: Customer, consentId: string, extra: Record<string, unknown> = {}) {
      const res = await c.request('POST', '/consent/stops', { json: { consent_id: consentId, undo_seconds: UNDO_SECONDS, ...extra } });
      return { status: res.status, body: (await res.json()) as { change: ChangeRecord; error?: { code: string } } };
    }

    async function change(c: Customer, id: string): Promise<ChangeRecord> {
      const res = await c.request('GET', `/consent/changes/${id}`);
      assert.equal(res.status, 200);
      return ((await res.json()) as { change: ChangeRecord }).change;
    }

    const settled = (c: Customer, id: string) => waitFor(`change ${id} to settle`, async () => {
      const current = await change(c, id);
      return ['applied', 'failed', 'cancelled'].includes(current.state) ? current : undefined;
    });

    it('a_stop_left_alone_after_confirming_page_closed_is_applied_once_when_due', async (t) => {
      const alex = await loggedIn('alex');
      const fernpay = consentOf(DEMO_CUSTOMERS.alex, 'Fernpay');
      const longest = await stop(alex, fernpay.id, { undo_seconds: 3600 });
      assert.equal(Date.parse(longest.body.change.due_at) - Date.parse(longest.body.change.confirmed_at), BANK_UNDO_SECONDS * 1000,
        "a page asks for no more than the bank's window");
      assert.equal((await alex.request('DELETE', `/consent/stops/${longest.body.change.id}`)).status, 200);
      const { status, body } = await stop(alex, fernpay.id);
      assert.equal(status, 202);
      assert.equal(body.change.state, 'pending');
      assert.equal(body.change.application_name, 'Fernpay');
      assert.equal(Date.parse(body.change.due_at) - Date.parse(body.change.confirmed_at), UNDO_SECONDS * 1000);
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 0, 'nothing is sent during the undo window');

      // The browser does nothing more: a second client (the bank's support view of the same session) reads the result.
      const done = await settled(alex, body.change.id);
      assert.equal(done.state, 'applied');
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 1);
      assert.ok(consentOf(DEMO_CUSTOMERS.alex, 'Fernpay').revoked_at, 'MX has the stop');
      const list = (await (await alex.request('GET', '/consent/api/consent_management')).json()) as Consent[];
      assert.ok(list.find((c) => c.id === fernpay.id)!.revoked_at, 'the customer sees it stopped');
      t.diagnostic(`page closed: applied 1 of 1, revoke requests 1, due→applied ${dueToApplied(done)} ms`);
    });

    it('a_stop_whose_session_ends_in_the_window_is_applied_and_said_once_after_signing_back_in', async (t) => {
      const alex = await loggedIn('alex');
      const summitvest = consentOf(DEMO_CUSTOMERS.alex, 'Summitvest Investing');
      const { body } = await stop(alex, summitvest.id);
      assert.equal((await alex.logout()).status, 200);
      assert.equal((await alex.request('GET', `/consent/changes/${body.change.id}`)).status, 401, 'the session is gone');

      await waitFor('MX to have the stop', () => consentOf(DEMO_CUSTOMERS.alex, 'Summitvest Investing').revoked_at ?? undefined);
      const again = await loggedIn('alex');
      const history = ((await (await again.request('GET', '/consent/changes')).json()) as { changes: ChangeRecord[] }).changes;
      const mine = history.find((c) => c.id === body.change.id)!;
      assert.equal(mine.state, 'applied');
      assert.equal(mine.seen, false, 'not yet told');
      const seen = await again.request('POST', '/consent/changes/seen', { json: { ids: [mine.id] } });
      assert.equal(((await seen.json()) as { marked: number }).marked, 1);
      const twice = await again.request('POST', '/consent/changes/seen', { json: { ids: [mine.id] } });
      assert.equal(((await twice.json()) as { marked: number }).marked, 0, 'said once');
      assert.equal((await change(again, mine.id)).seen, true);
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 1);
      t.diagnostic(`session ended: applied 1 of 1, revoke requests 1, due→applied ${dueToApplied(mine)} ms`);
    });

    it('undo_cancels_a_pending_stop_only_for_its_own_customer_and_nothing_is_sent', async () => {
      const alex = await loggedIn('alex');
      const sam = await loggedIn('sam');
      const harborline = consentOf(DEMO_CUSTOMERS.alex, 'Harborline Lending');
      // A window long enough for the checks below on a loaded machine.
      const { body } = await stop(alex, harborline.id, { undo_seconds: 5 });
      const id = body.change.id;

      assert.equal((await sam.request('DELETE', `/consent/stops/${id}`)).status, 404, "another customer's stop");
      assert.equal((await alex.request('DELETE', `/consent/stops/${crypto.randomUUID()}`)).status, 404, 'an unknown id');
      assert.equal((await alex.request('DELETE', '/consent/stops/not-a-change')).status, 404, 'not an id at all');
      assert.equal((await change(alex, id)).state, 'pending', "sam's attempt changed nothing");

      const first = await alex.request('DELETE', `/consent/stops/${id}`);
      const second = await alex.request('DELETE', `/consent/stops/${id}`);
      assert.equal(first.status, 200);
      assert.equal(second.status, 200, 'a second cancel answers as the first');
      const a = ((await first.json()) as { change: ChangeRecord }).change;
      const b = ((await second.json()) as { change: ChangeRecord }).change;
      assert.equal(a.state, 'cancelled');
      assert.deepEqual(b, a, 'the same change, unchanged');

      // Proof the worker has passed the cancelled stop's due time: a later stop, due after it, is applied.
      const nestward = consentOf(DEMO_CUSTOMERS.alex, 'Nestward Rent Reporting');
      const later = await stop(alex, nestward.id, { undo_seconds: 6 });
      assert.ok(Date.parse(later.body.change.due_at) > Date.parse(a.due_at));
      assert.equal((await settled(alex, later.body.change.id)).state, 'applied');
      assert.equal(consentOf(DEMO_CUSTOMERS.alex, 'Harborline Lending').revoked_at, null, 'the undone stop never reached MX');
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 1, 'only the later stop was sent');

      const tooLate = await alex.request('DELETE', `/consent/stops/${later.body.change.id}`);
      assert.equal(tooLate.status, 409);
      assert.equal(((await tooLate.json()) as { error: { code: string } }).error.code, 'too_late');
    });

    it('a_stop_of_an_already_stopped_app_is_recorded_applied_with_no_upstream_write_and_a_repeat_finds_the_first', async () => {
      const alex = await loggedIn('alex');
      const tallyhive = consentOf(DEMO_CUSTOMERS.alex, 'Tallyhive Bill Split');
      assert.ok(tallyhive.revoked_at);
      const already = await stop(alex, tallyhive.id);
      assert.equal(already.status, 200);
      assert.equal(already.body.change.state, 'applied');
      assert.equal(already.body.change.detail, 'already_stopped');

      const quillfile = consentOf(DEMO_CUSTOMERS.alex, 'Quillfile Tax');
      const first = await stop(alex, quillfile.id);
      const repeat = await stop(alex, quillfile.id);
      assert.equal(first.status, 202);
      assert.equal(repeat.status, 200);
      assert.equal(repeat.body.change.id, first.body.change.id, 'one outstanding stop per app');
      assert.equal((await settled(alex, first.body.change.id)).state, 'applied');
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 1, 'Quillfile once; Tallyhive not at all');
    });

    it('bad_stop_input_gets_a_clear_error_and_records_nothing', async () => {
      const alex = await loggedIn('alex');
      const count = async () => ((await (await alex.request('GET', '/consent/changes?limit=200')).json()) as { changes: unknown[] }).changes.length;
      const before = await count();
      const cases: Array<[unknown, number, string]> = [
        [{}, 400, 'invalid_body'],
        [{ consent_id: '../etc' }, 400, 'invalid_body'],
        [{ consent_id: 'CNS-1', extra: 1 }, 400, 'invalid_body'],
        [{ consent_id: 'CNS-not-alexs' }, 404, 'not_found'],
        [{ consent_id: consentOf(DEMO_CUSTOMERS.sam, 'Ledgerleaf Budget').id }, 404, 'not_found'],
      ];
      for (const [json, status, code] of cases) {
        const res = await alex.request('POST', '/consent/stops', { json });
        assert.equal(res.status, status, JSON.stringify(json));
        assert.equal(((await res.json()) as { error: { code: string } }).error.code, code);
      }
      const badKey = await alex.request('POST', '/consent/stops', { json: { consent_id: 'x' }, headers: { 'Idempotency-Key': 'no spaces' } });
      assert.equal(badKey.status, 400);
      const badQuery = await alex.request('GET', '/consent/changes?limit=0');
      assert.equal(badQuery.status, 400);
      assert.equal((await alex.request('POST', '/consent/stops', { json: { consent_id: 'x' }, csrf: false })).status, 403);
      assert.equal((await new Customer(stack.bff.url).request('GET', '/consent/changes')).status, 401);
      assert.equal(await count(), before);
      assert.equal(stack.mx.sandbox.stats().revoke, 0);
    });

    it('mx_down_when_the_stop_falls_due_it_is_retried_and_applied_once_when_mx_is_back', async (t) => {
      const alex = await loggedIn('alex');
      const ledgerleaf = consentOf(DEMO_CUSTOMERS.alex, 'Ledgerleaf Budget');
      stack.mx.sandbox.faults.outage('revoke');
      const { body } = await stop(alex, ledgerleaf.id);
      // The undo window passes while MX is down: the worker keeps trying (each try is refused upstream).
      await waitFor('two refused worker attempts (three requests each)', () => stack.mx.sandbox.stats().revoke >= 6);
      const during = await change(alex, body.change.id);
      assert.equal(during.state, 'sent');
      assert.equal(during.detail, 'upstream_unavailable');
      const downFor = Date.now();
      stack.mx.sandbox.faults.endOutage('revoke');
      const done = await settled(alex, body.change.id);
      assert.equal(done.state, 'applied');
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 1, 'applied exactly once');
      assert.ok(consentOf(DEMO_CUSTOMERS.alex, 'Ledgerleaf Budget').revoked_at);
      const list = (await (await alex.request('GET', '/consent/api/consent_management')).json()) as Consent[];
      assert.ok(list.find((c) => c.id === ledgerleaf.id)!.revoked_at, 'the customer sees the true state');
      t.diagnostic(`MX down then back: applied 1 of 1, refused attempts ${stack.mx.sandbox.stats().revoke - 1}, `
        + `due→applied ${dueToApplied(done)} ms (MX back→applied ${Date.parse(done.applied_at!) - downFor} ms)`);
    });

    it('a_stop_confirmed_while_mx_cannot_be_asked_is_recorded_with_the_name_shown_and_applied_later', async () => {
      const alex = await loggedIn('alex');
      const fernpay = consentOf(DEMO_CUSTOMERS.alex, 'Fernpay');
      stack.mx.sandbox.faults.outage('list');
      const { status, body } = await stop(alex, fernpay.id, { application_name: 'Fernpay', undo_seconds: 0 });
      assert.equal(status, 202, 'the confirmed stop is kept, not refused');
      assert.equal(body.change.application_name, 'Fernpay');
      assert.equal(body.change.due_at, body.change.confirmed_at, 'the page asked for no undo window');
      stack.mx.sandbox.faults.endOutage('list');
      assert.equal((await settled(alex, body.change.id)).state, 'applied');
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 1);
    });

    it('stop_all_for_many200_is_one_request_that_stops_all_178_open_apps_with_progress_by_name', async (t) => {
      const customer = await loggedIn('many200');
      const open = stack.mx.sandbox.consents(DEMO_CUSTOMERS.many200).filter((c) => !c.revoked_at).length;
      assert.equal(open, 178);
      const started = Date.now();
      const res = await customer.request('POST', '/consent/stop-all');
      assert.equal(res.status, 202);
      assert.match(res.headers.get('ratelimit') ?? '', /limit=60, remaining=59\b/, 'one request against the write limit, not 178');
      const batch = (await res.json()) as StopAllProgress;
      assert.equal(batch.total, 178);
      let polls = 0;
      const done = await waitFor('the batch to finish', async () => {
        polls++;
        const p = (await (await customer.request('GET', `/consent/stop-all/${batch.batch_id}`)).json()) as StopAllProgress;
        return p.done ? p : undefined;
      }, 240_000); // 178 stops through one worker; a loaded machine takes minutes
      const elapsed = Date.now() - started;
      assert.equal(done.counts.applied, 178);
      assert.equal(done.counts.failed, 0);
      assert.ok(done.changes.every((c) => typeof c.application_name === 'string' && c.application_name.length > 0), 'by name');
      assert.equal(revokes(DEMO_CUSTOMERS.many200), 178);
      assert.ok(stack.mx.sandbox.consents(DEMO_CUSTOMERS.many200).every((c) => c.revoked_at), 'every app stopped upstream');
      assert.equal((await customer.request('GET', `/consent/stop-all/${crypto.randomUUID()}`)).status, 404);
      const delays = done.changes.map(dueToApplied).sort((a, b) => a - b);
      t.diagnostic(`stop-all many200: applied 178 of 178 in ${elapsed} ms, ${polls} progress reads, revoke requests 178, `
        + `due→applied median ${delays[89]} ms, last ${delays[177]} ms`);
    });

    it('stop_all_held_for_its_undo_window_is_undone_in_one_request_and_nothing_is_sent', async () => {
      const customer = await loggedIn('many50');
      const res = await customer.request('POST', '/consent/stop-all', { json: { undo_seconds: 3 } });
      const batch = (await res.json()) as StopAllProgress;
      assert.equal(batch.counts.pending, batch.total);
      const undone = await customer.request('DELETE', `/consent/stop-all/${batch.batch_id}`);
      assert.equal(undone.status, 200);
      const after = (await undone.json()) as StopAllProgress;
      assert.equal(after.counts.cancelled, batch.total);
      assert.ok(after.done);
      // Proof the worker passed the batch's due time: a stop due after it is applied, and it alone.
      const one = stack.mx.sandbox.consents(DEMO_CUSTOMERS.many50).find((c) => !c.revoked_at)!;
      const later = await stop(customer, one.id, { undo_seconds: 4 });
      assert.ok(Date.parse(later.body.change.due_at) > Date.parse(batch.changes[0]!.due_at));
      assert.equal((await settled(customer, later.body.change.id)).state, 'applied');
      assert.equal(revokes(DEMO_CUSTOMERS.many50), 1);
    });

    it('stop_all_naming_consent_ids_stops_only_those_open_apps_in_one_request', async () => {
      const customer = await loggedIn('alex');
      const named = ['Fernpay', 'Quillfile Tax'].map((n) => consentOf(DEMO_CUSTOMERS.alex, n).id);
      const res = await customer.request('POST', '/consent/stop-all', { json: { consent_ids: named } });
      assert.equal(res.status, 202);
      const batch = (await res.json()) as StopAllProgress;
      assert.deepEqual(batch.changes.map((c) => c.consent_id).sort(), [...named].sort());
      const done = await waitFor('the batch to finish', async () => {
        const p = (await (await customer.request('GET', `/consent/stop-all/${batch.batch_id}`)).json()) as StopAllProgress;
        return p.done ? p : undefined;
      });
      assert.equal(done.counts.applied, 2);
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 2);
      const stopped = stack.mx.sandbox.consents(DEMO_CUSTOMERS.alex).filter((c) => c.revoked_at).map((c) => c.id);
      assert.ok(named.every((id) => stopped.includes(id)) && stopped.length === named.length + 2, 'only the named ones newly stopped (alex has 2 stopped already)');
      const bad = await customer.request('POST', '/consent/stop-all', { json: { consent_ids: ['../x'] } });
      assert.equal(bad.status, 400);
      assert.equal(revokes(DEMO_CUSTOMERS.alex), 2, 'bad input changes nothing');
    });

    it('history_spans_two_logins_and_a_retried_account_change_is_applied_once', async () => {
      const sam = await loggedIn('sam');
      const consent = consentOf(DEMO_CUSTOMERS.sam, 'Ledgerleaf Budget');
      const account = consent.accounts.find((a) => !a.enabled)!;
      const path = `/consent/api/consent_management/${consent.id}/accounts/${account.account_id}`;
      const key = `k-${crypto.randomUUID()}`;
      const first = await sam.request('PUT', path, { json: { enabled: true }, headers: { 'Idempotency-Key': key } });
      const retry = await sam.request('PUT', path, { json: { enabled: true }, headers: { 'Idempotency-Key': key } });
      assert.equal(first.status, 200);
      assert.equal(retry.status, 200);
      assert.deepEqual(await retry.json(), await first.json(), 'the retry answers with the same consent');
      assert.equal(stack.mx.sandbox.stats().by_customer[DEMO_CUSTOMERS.sam]!.account, 1, 'applied once');
      const reused = await sam.request('PUT', path, { json: { enabled: false }, headers: { 'Idempotency-Key': key } });
      assert.equal(reused.status, 422);
      const auto = await sam.request('PUT', `/consent/api/consent_management/${consent.id}/accounts`, { json: { automatic_access: true } });
      assert.equal(auto.status, 200);
      await sam.logout();

      const again = await loggedIn('sam');
      const history = ((await (await again.request('GET', '/consent/changes')).json()) as { changes: ChangeRecord[] }).changes;
      const accountChange = history.find((c) => c.action === 'account' && c.account_id === account.account_id && c.value === true)!;
      const autoChange = history.find((c) => c.action === 'auto_share' && c.value === true)!;
      assert.equal(accountChange.state, 'applied');
      assert.equal(autoChange.state, 'applied');
      assert.equal(history.filter((c) => c.action === 'account').length, 1, 'the retry added no row');
      for (const c of [accountChange, autoChange]) {
        assert.match(c.confirmed_at, /^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{3}Z$/, 'an absolute date');
        assert.ok(Date.parse(c.applied_at!) >= Date.parse(c.confirmed_at));
      }
      assert.ok(history.every((c, i) => i === 0 || c.confirmed_at <= history[i - 1]!.confirmed_at), 'newest first');
      const alex = await loggedIn('alex');
      const alexHistory = ((await (await alex.request('GET', '/consent/changes')).json()) as { changes: ChangeRecord[] }).changes;
      assert.ok(!alexHistory.some((c) => c.id === accountChange.id), "a customer never sees another's changes");
      assert.equal((await alex.request('GET', `/consent/changes/${accountChange.id}`)).status, 404);
    });

    it('the_bank_exports_a_date_range_as_csv_and_json_and_looks_up_one_customer_with_its_own_credential', async () => {
      const alex = await loggedIn('alex');
      const brightpath = consentOf(DEMO_CUSTOMERS.alex, 'Brightpath Credit Monitor');
      await stop(alex, brightpath.id);
      const admin = (path: string, token: string | null = ADMIN_TOKEN) =>
        fetch(`${stack.bff.url}/consent-admin${path}`, { headers: token ? { authorization: `Bearer ${token}` } : {} });
      const today = new Date().toISOString().slice(0, 10);
      const tomorrow = new Date(Date.now() + 86_400_000).toISOString().slice(0, 10);

      const csv = await admin(`/changes?from=${today}&to=${tomorrow}&format=csv`);
      assert.equal(csv.status, 200);
      assert.match(csv.headers.get('content-type')!, /^text\/csv/);
      assert.match(csv.headers.get('content-disposition')!, new RegExp(`consent-ledger-${today}-${tomorrow}\\.csv`));
      const lines = (await csv.text()).trimEnd().split('\r\n');
      assert.equal(lines[0], 'id,customer,consent_id,account_id,application_name,action,value,state,confirmed_at,due_at,applied_at,settled_at,mx_status,detail,attempts,request_id,batch_id');
      const row = lines.find((l) => l.includes(brightpath.id))!;
      assert.ok(row.includes(hashId(DEMO_CUSTOMERS.alex)), 'the customer hashed as in the logs');
      assert.ok(!lines.some((l) => l.includes(DEMO_CUSTOMERS.alex)), "never the customer's own id");

      const json = (await (await admin(`/changes?from=${today}&to=${tomorrow}&format=json`)).json()) as Array<Record<string, unknown>>;
      assert.equal(json.length, lines.length - 1, 'the same rows as JSON');
      const past = await admin('/changes?from=2020-01-01&to=2020-02-01&format=csv');
      assert.equal((await past.text()).trimEnd().split('\r\n').length, 1, 'a range with nothing in it: the header alone');

      const lookup = (await (await admin(`/customers/${DEMO_CUSTOMERS.alex}/changes`)).json()) as { customer: string; changes: Array<{ consent_id: string }> };
      assert.equal(lookup.customer, hashId(DEMO_CUSTOMERS.alex));
      assert.ok(lookup.changes.some((c) => c.consent_id === brightpath.id));

      assert.equal((await admin('/changes?from=2020-01-01&to=2020-02-01', null)).status, 401);
      assert.equal((await admin('/changes?from=2020-01-01&to=2020-02-01', `${ADMIN_TOKEN}x`)).status, 401);
      assert.equal((await admin('/changes?from=2020-01-01&to=2020-02-01', 'short')).status, 401);
      const bad = await admin('/changes?from=2020-02-01&to=2020-01-01');
      assert.equal(bad.status, 400);
      // The customer's session is no credential here, and the customer's routes are no way in.
      const viaSession = await alex.request('GET', `/consent-admin/changes?from=${today}&to=${tomorrow}`);
      assert.equal(viaSession.status, 401);
    });
  });
}

describe('ledger admin router', () => {
  it('is_not_mounted_without_its_own_credential', async () => {
    const stack = await startStack();
    try {
      const res = await fetch(`${stack.bff.url}/consent-admin/changes?from=2020-01-01&to=2020-02-01`);
      assert.equal(res.status, 404);
    } finally {
      await stack.close();
    }
  });
});
