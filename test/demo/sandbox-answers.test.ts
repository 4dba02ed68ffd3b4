/**
 * The sandbox answering the way MX's description allows MX to: fields left out, MX's id shapes, a record no client can
 * act on; and the contract test that holds every answer to MX's description.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import { Ajv } from 'ajv';
import { readConsents } from '../../contract/consent.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { isId } from '../../server/validate.js';
import { checkMxAnswer, MX_SCHEMA, startSandbox } from '../support/mx-contract.js';
import { api, control, CREDENTIALS, tokenFor } from './sandbox-helpers.js';

type Wire = Record<string, unknown> & { id?: string; accounts?: Record<string, unknown>[] };

const ALEX = DEMO_CUSTOMERS.alex;
/** MX's description as written, without the sandbox's own choices: what an omit-empty answer must fit. */
const mxOnly = new Ajv({ allErrors: true }).addSchema(MX_SCHEMA, 'mx').getSchema('mx#/definitions/consentList')!;

let s: StartedSandbox;
before(async () => {
  s = await startSandbox({ ...CREDENTIALS });
});
after(() => s.close());
beforeEach(() => s.sandbox.reset());

const list = async () => (await api<Wire[]>(s, 'GET', '/consent_management', { token: await tokenFor(s, ALEX) })).json;
const byName = (cs: Wire[], name: string) => cs.find((c) => c.application_name === name)!;

describe('omitEmpty: null and empty fields left out, as a serializer may', () => {
  it('leaves_out_every_null_field_and_nothing_else_and_then_fits_mx_description_exactly', async () => {
    const full = await list();
    await control(s, 'PUT', '/config', { omit_empty: true });
    const sparse = await list();
    assert.equal(sparse.length, full.length);
    for (const [i, c] of full.entries()) {
      const kept = Object.keys(c).filter((k) => c[k] !== null);
      assert.deepEqual(Object.keys(sparse[i]!), kept, `${String(c.application_name)} keeps exactly its non-null fields`);
    }
    const fernpay = byName(sparse, 'Fernpay');
    assert.ok(!('last_accessed' in fernpay) && !('revoked_at' in fernpay), 'never used, still sharing: both left out');
    assert.ok(!('application_icon_url' in byName(sparse, 'Summitvest Investing')), 'no icon: left out');
    assert.ok('revoked_at' in byName(sparse, 'Tallyhive Bill Split'), 'a stopped app keeps its revoked_at');
    // With the nulls gone, not even the sandbox's last_accessed: null remains: MX's schema, no allowance.
    assert.ok(mxOnly(sparse), JSON.stringify(mxOnly.errors));
    assert.equal(mxOnly(full), false, "the full answer's last_accessed: null is the sandbox's choice, not MX's");
  });

  it('applies_to_write_answers_too_and_is_restored_by_reset', async () => {
    await control(s, 'PUT', '/config', { omit_empty: true });
    const fernpay = byName(await list(), 'Fernpay');
    const token = await tokenFor(s, ALEX);
    const answer = await api<Wire>(s, 'PUT', `/consent_management/${fernpay.id}/accounts`, { token, body: { automatic_access: true } });
    assert.equal(answer.status, 200);
    assert.ok(!('last_accessed' in answer.json) && answer.json.auto_enable_future_accounts === true);
    s.sandbox.reset();
    assert.equal(byName(await list(), 'Fernpay').last_accessed, null);
  });

  it('is_a_start_option_as_well', async () => {
    const sparse = await startSandbox({ ...CREDENTIALS, omitEmpty: true });
    try {
      const res = await api<Wire[]>(sparse, 'GET', '/consent_management', { token: await tokenFor(sparse, ALEX) });
      assert.ok(!('last_accessed' in byName(res.json, 'Fernpay')));
      assert.deepEqual((await control(sparse, 'GET', '/config')).json, { single_use: false, omit_empty: true, id_style: 'sandbox' });
    } finally {
      await sparse.close();
    }
  });
});

describe('idStyle mx: the id shapes of MX examples', () => {
  it('gives_consent_ids_like__sadfa3CKHJ23_and_account_ids_like_1234123412341234_that_the_bff_accepts', async () => {
    await control(s, 'PUT', '/config', { id_style: 'mx' });
    const consents = await list();
    assert.equal(consents.length, 8);
    const accountIds = new Set(consents.flatMap((c) => c.accounts!.map((a) => String(a.account_id))));
    for (const c of consents) assert.match(c.id!, /^_[A-Za-z0-9]{20}$/);
    for (const id of accountIds) assert.match(id, /^[1-9]\d{15}$/);
    assert.equal(accountIds.size, 4, 'an account keeps its id under every app that lists it');
    assert.ok([...consents.map((c) => c.id), ...accountIds].every(isId), "server/validate.ts's path-id rule accepts them");
  });

  it('serves_writes_by_those_ids_and_is_restored_by_reset', async () => {
    await control(s, 'PUT', '/config', { id_style: 'mx' });
    const fernpay = byName(await list(), 'Fernpay');
    const account = fernpay.accounts![0]!;
    const token = await tokenFor(s, ALEX);
    const res = await api<Wire>(s, 'PUT', `/consent_management/${fernpay.id}/accounts/${String(account.account_id)}`, { token, body: { enabled: false } });
    assert.equal(res.status, 200);
    assert.equal(res.json.accounts![0]!.enabled, false);
    s.sandbox.reset();
    assert.match(byName(await list(), 'Fernpay').id!, /^CNS-/);
  });

  it('refuses_an_unknown_style', async () => {
    assert.equal((await control(s, 'PUT', '/config', { id_style: 'guid' })).status, 400);
    await assert.rejects(startSandbox({ ...CREDENTIALS, idStyle: 'guid' as never }), /idStyle must be one of sandbox, mx/);
  });
});

describe('bad_record fault: a record MX allows that no client can act on', () => {
  it('takes_the_first_accounts_account_id_of_the_chosen_record_by_default_or_the_records_id', async () => {
    await control(s, 'PUT', '/faults', { endpoint: 'list', kind: 'bad_record', record: 1, next: 1 });
    const spoiled = await list();
    assert.ok(!('account_id' in spoiled[1]!.accounts![0]!));
    const read = readConsents(spoiled)!;
    assert.equal(read.consents.length, 7);
    assert.deepEqual(read.unreadable, [{ index: 1, id: spoiled[1]!.id, reason: 'account without account_id' }]);

    await control(s, 'PUT', '/faults', { endpoint: 'list', kind: 'bad_record', field: 'id', next: 1 });
    const noId = await list();
    assert.ok(!('id' in noId[0]!));
    assert.deepEqual(readConsents(noId)!.unreadable, [{ index: 0, id: null, reason: 'no id' }]);
    assert.equal((await list()).every((c) => typeof c.id === 'string'), true, 'next: 1 spoiled one answer');
  });
});

describe('sparse_record fault: a record with every optional field left out', () => {
  it('keeps_only_the_id_and_the_accounts_of_the_chosen_record_in_lists_and_in_write_answers', async () => {
    await control(s, 'PUT', '/faults', [{ endpoint: 'list', kind: 'sparse_record', record: 3 }, { endpoint: 'account', kind: 'sparse_record' }]);
    const full = s.sandbox.consents(ALEX);
    const sparse = await list();
    assert.deepEqual(sparse[3], { id: full[3]!.id, accounts: full[3]!.accounts });
    assert.deepEqual(sparse[2], JSON.parse(JSON.stringify(full[2])), 'the others as they are');
    const account = full[3]!.accounts[0]!;
    const token = await tokenFor(s, ALEX);
    const res = await api<Wire>(s, 'PUT', `/consent_management/${full[3]!.id}/accounts/${account.account_id}`, { token, body: { enabled: !account.enabled } });
    assert.deepEqual(Object.keys(res.json), ['id', 'accounts']);
    assert.equal(res.json.accounts![0]!.enabled, !account.enabled, 'the write applied');
    assert.equal(readConsents(sparse)!.unreadable.length, 0, 'readable: nothing required is missing');
  });
});

describe('contract test: every answer held to MX description', () => {
  it('the_check_fails_a_renamed_an_added_or_a_retyped_field_and_passes_the_sandboxs_named_choices', async () => {
    const body = await list();
    assert.equal(checkMxAnswer({ endpoint: 'list', status: 200, body }), undefined, 'last_accessed: null is a named choice');
    const renamed = body.map(({ application_name, ...c }) => ({ ...c, app_name: application_name }));
    assert.match(checkMxAnswer({ endpoint: 'list', status: 200, body: renamed })!, /must NOT have additional properties \(app_name\)/);
    const retyped = [{ ...body[0], auto_enable_future_accounts: 'yes' }];
    assert.match(checkMxAnswer({ endpoint: 'list', status: 200, body: retyped })!, /\/0\/auto_enable_future_accounts must be boolean/);
    const badDate = [{ ...body[0], created_at: '2026-11-30' }];
    assert.match(checkMxAnswer({ endpoint: 'list', status: 200, body: badDate })!, /created_at must match pattern/);
    assert.match(checkMxAnswer({ endpoint: 'token', status: 200, body: { access_token: 'a.b.c', expires_in: 300 } })!, /expires_in/);
    assert.equal(checkMxAnswer({ endpoint: 'list', status: 404, body: { error: { status: 404, message: 'x' } } }), undefined,
      "error answers are the sandbox's own shape: MX documents none");
  });

  it('a_drifted_answer_becomes_a_500_naming_the_drift_so_the_test_that_caused_it_fails', async () => {
    const drifting = await startSandbox({ ...CREDENTIALS, checkAnswer: ({ endpoint }) => (endpoint === 'list' ? 'list: drifted on purpose' : undefined) });
    try {
      const res = await api<{ error: { message: string } }>(drifting, 'GET', '/consent_management', { token: await tokenFor(drifting, ALEX) });
      assert.equal(res.status, 500);
      assert.match(res.json.error.message, /drifted from MX's description: list: drifted on purpose/);
    } finally {
      await drifting.close();
    }
  });
});
