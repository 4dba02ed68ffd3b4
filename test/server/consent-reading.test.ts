import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { readConsent, readConsents } from '../../contract/consent.js';

const ACCOUNT = { enabled: true, nickname: 'Everyday Checking', account_id: '1234123412341234', account_number_display: 'XXXXXXXX1111' };
const FULL = {
  id: '_sadfa3CKHJ23', application_name: 'Centz', application_icon_url: null, created_at: '2026-11-01T10:00:00.000Z',
  last_accessed: '2026-11-20T10:00:00.000Z', accounts: [ACCOUNT], auto_enable_future_accounts: true,
  consented_on: '2026-11-01T10:00:04.000Z', revoked_at: null,
};

describe('readConsents (contract): what MX may send, read the same by the widget and the BFF', () => {
  it('reads_every_absent_optional_field_as_null_and_absent_accounts_as_none', () => {
    assert.deepEqual(readConsent({ id: 'c1' }), {
      id: 'c1', application_name: null, application_icon_url: null, created_at: null, last_accessed: null, accounts: [],
      auto_enable_future_accounts: null, consented_on: null, revoked_at: null,
    });
    assert.deepEqual(readConsent({ id: 'c1', accounts: [{ account_id: 'a1' }] }), {
      ...readConsent({ id: 'c1' }), accounts: [{ account_id: 'a1', nickname: null, account_number_display: null, enabled: null }],
    });
  });

  it('reads_a_full_record_as_sent_and_drops_fields_mx_does_not_describe', () => {
    assert.deepEqual(readConsent({ ...FULL, status: 'ACTIVE', accounts: [{ ...ACCOUNT, balance: 12 }] }), FULL);
  });

  it('reads_nulls_where_mx_declares_a_plain_string_as_absent', () => {
    const read = readConsent({ ...FULL, last_accessed: null, application_name: null, consented_on: null });
    assert.ok(!('unreadable' in read));
    assert.equal(read.last_accessed, null);
    assert.equal(read.application_name, null);
  });

  it('refuses_only_records_without_what_nothing_can_be_done_without_or_with_a_field_of_the_wrong_type', () => {
    const cases: [unknown, string][] = [
      [{ ...FULL, id: undefined }, 'no id'],
      [{ ...FULL, id: '' }, 'no id'],
      [{ ...FULL, id: 42 }, 'no id'],
      [{ ...FULL, accounts: [{ ...ACCOUNT, account_id: undefined }] }, 'account without account_id'],
      [{ ...FULL, accounts: 'all' }, 'accounts is not a list'],
      [{ ...FULL, accounts: [null] }, 'account is not an object'],
      // A stopped app must never read as sharing: a revoked_at that is not a time is not guessed at.
      [{ ...FULL, revoked_at: true }, 'revoked_at is not a string'],
      [{ ...FULL, revoked_at: 'yesterday' }, 'revoked_at is not a date'],
      [{ ...FULL, auto_enable_future_accounts: 'yes' }, 'auto_enable_future_accounts is not a boolean'],
      [{ ...FULL, accounts: [{ ...ACCOUNT, enabled: 1 }] }, 'enabled is not a boolean'],
      ['a string', 'not an object'],
      [[FULL], 'not an object'],
    ];
    for (const [raw, reason] of cases) assert.deepEqual(readConsent(raw), { unreadable: reason }, JSON.stringify(raw));
  });

  it('isolates_the_unreadable_records_of_a_list_naming_their_ids_and_keeps_the_rest_in_order', () => {
    const list = [
      { ...FULL, id: 'a' },
      { ...FULL, id: 'b', accounts: [{ nickname: 'no id' }] },
      { application_name: 'Nameless' },
      { id: 'd' },
    ];
    const read = readConsents(list)!;
    assert.deepEqual(read.consents.map((c) => c.id), ['a', 'd']);
    assert.deepEqual(read.unreadable, [
      { index: 1, id: 'b', reason: 'account without account_id' },
      { index: 2, id: null, reason: 'no id' },
    ]);
    assert.equal(readConsents({ consents: [] }), undefined, 'an answer that is not a list is not a list of consents');
    assert.deepEqual(readConsents([]), { consents: [], unreadable: [] });
  });
});
