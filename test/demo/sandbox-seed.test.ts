/** Facts about the seed data that the demo, the widget tests and the benchmarks rely on. */
import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import type { SandboxConsent as Consent } from '../../demo/sandbox/store.js';
import { DEMO_CUSTOMERS, generatedCustomer, seedCustomers, TAMPER_CUSTOMER_ID, XSS_FLAG } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { api, CREDENTIALS, tokenFor } from './sandbox-helpers.js';

const DAY = 86_400_000;
const ID22 = /^[A-Za-z0-9_-]{22}$/;

let s: StartedSandbox;
const lists = new Map<string, Consent[]>();

before(async () => {
  s = await startSandbox({ ...CREDENTIALS });
  for (const [name, id] of Object.entries(DEMO_CUSTOMERS)) {
    lists.set(name, (await api<Consent[]>(s, 'GET', '/consent_management', { token: await tokenFor(s, id) })).json);
  }
});
after(async () => {
  await s.close();
});

const alex = () => lists.get('alex')!;
const isActive = (c: Consent) => c.revoked_at === null;

describe('demo customers', () => {
  it('have distinct 22-character base64url ids, alex being MX sample id', () => {
    const ids = Object.values(DEMO_CUSTOMERS);
    for (const id of ids) assert.match(id, ID22);
    assert.equal(new Set(ids).size, ids.length);
    assert.equal(DEMO_CUSTOMERS.alex, 'fN7SsIMfJvJJcNjKBmB6Kg');
    assert.equal(TAMPER_CUSTOMER_ID, DEMO_CUSTOMERS.sam);
    assert.notEqual(TAMPER_CUSTOMER_ID, DEMO_CUSTOMERS.alex);
  });

  it('alex: at least 7 apps, exactly 2 stopped, one without icon, one never accessed', () => {
    const apps = alex();
    assert.ok(apps.length >= 7);
    assert.equal(apps.filter((c) => !isActive(c)).length, 2);
    assert.equal(apps.filter((c) => c.application_icon_url === null).length, 1);
    assert.equal(apps.filter((c) => c.last_accessed === null).length, 1);
    assert.equal(new Set(apps.map((c) => c.application_name)).size, apps.length, 'names are distinct');
  });

  it('alex: at least two active apps not accessed for more than 120 days', () => {
    const now = Date.now();
    const forgotten = alex().filter((c) => isActive(c) && c.last_accessed !== null && now - Date.parse(c.last_accessed) > 120 * DAY);
    assert.ok(forgotten.length >= 2, forgotten.map((c) => c.application_name).join());
  });

  it('alex: 3 or 4 accounts with nicknames and masked numbers, listed under each app shared or not', () => {
    const apps = alex();
    for (const c of apps) {
      assert.ok(c.accounts.length >= 2 && c.accounts.length <= 4, c.application_name);
      for (const a of c.accounts) {
        assert.ok(a.nickname.length > 0);
        assert.match(a.account_number_display, /^X{8}\d{4}$/);
      }
    }
    const all = apps.flatMap((c) => c.accounts);
    assert.ok(all.some((a) => a.enabled) && all.some((a) => !a.enabled));
    assert.ok(apps.some((c) => c.accounts.length >= 3 && c.accounts.some((a) => a.enabled) && c.accounts.some((a) => !a.enabled)));
    const customerAccounts = new Set(all.map((a) => a.account_id));
    assert.ok(customerAccounts.size >= 3 && customerAccounts.size <= 4, 'the same few accounts appear under every app');
    const autoShare = apps.map((c) => c.auto_enable_future_accounts);
    assert.ok(autoShare.includes(true) && autoShare.includes(false));
  });

  it('dates are consistent and relative to the sandbox clock', () => {
    const now = Date.now();
    for (const c of alex()) {
      const created = Date.parse(c.created_at);
      const consented = Date.parse(c.consented_on);
      assert.ok(created <= consented && consented < now, c.application_name);
      if (c.last_accessed !== null) {
        assert.ok(Date.parse(c.last_accessed) >= consented && Date.parse(c.last_accessed) <= now, c.application_name);
      }
      if (c.revoked_at !== null) {
        assert.ok(Date.parse(c.revoked_at) > consented && Date.parse(c.revoked_at) < now);
        if (c.last_accessed !== null) assert.ok(Date.parse(c.last_accessed) <= Date.parse(c.revoked_at), 'no access after stopping');
      }
    }
  });

  it('sam has one app, new has none', () => {
    assert.equal(lists.get('sam')!.length, 1);
    assert.deepEqual(lists.get('new'), []);
  });

  it('mallory carries markup in every name and nickname and only unloadable icon urls', () => {
    const apps = lists.get('mallory')!;
    assert.ok(apps.length >= 5);
    assert.ok(apps.some((c) => c.revoked_at !== null) && apps.some((c) => c.revoked_at === null), 'active and stopped, so history renders too');
    const texts = [...apps.map((c) => c.application_name), ...apps.flatMap((c) => c.accounts.map((a) => a.nickname))];
    for (const text of texts) assert.ok(text.includes(`window.${XSS_FLAG}`) || text.includes(XSS_FLAG), `a payload in ${text}`);
    const markup = ['<img', '<script>', '<svg', '<a ', '<iframe', '<b ', '${', '{{'];
    for (const m of markup) assert.ok(texts.some((t) => t.includes(m)), `some text carries ${m}`);
    const icons = apps.map((c) => c.application_icon_url);
    assert.ok(icons.every((u) => u !== null && !u.startsWith(s.url)), 'no icon the sandbox serves');
    for (const scheme of [/^javascript:/, /^data:/, /^http:\/\/evil/, /^\s+javascript:/i, /^vbscript:/]) {
      assert.ok(icons.some((u) => scheme.test(u!)), `an icon matching ${scheme}`);
    }
    // Still a well-formed consent list: the hostility is in the values, not the shape.
    for (const c of apps) {
      assert.match(c.id, /^CNS-/);
      for (const a of c.accounts) assert.match(a.account_number_display, /^X{8}\d{4}$/);
    }
  });

  it('many50 and many200 carry 50×3 and 200×10', () => {
    const m50 = lists.get('many50')!;
    const m200 = lists.get('many200')!;
    assert.equal(m50.length, 50);
    assert.ok(m50.every((c) => c.accounts.length === 3));
    assert.equal(m200.length, 200);
    assert.ok(m200.every((c) => c.accounts.length === 10));
    assert.equal(new Set(m200.map((c) => c.id)).size, 200);
    assert.equal(new Set(m200.map((c) => c.application_name)).size, 200);
  });
});

describe('generatedCustomer', () => {
  it('is deterministic for an id and a time, and different across ids', () => {
    const now = Date.UTC(2025, 0, 15, 12);
    assert.deepEqual(generatedCustomer('cust-1', 12, 4, now), generatedCustomer('cust-1', 12, 4, now));
    const other = generatedCustomer('cust-2', 12, 4, now);
    assert.notEqual(other[0]!.id, generatedCustomer('cust-1', 12, 4, now)[0]!.id);
  });

  it('mixes active and stopped apps with plausible dates', () => {
    const now = Date.now();
    const apps = generatedCustomer('bench', 60, 2, now);
    assert.ok(apps.some((c) => c.revoked_at !== null) && apps.some((c) => c.revoked_at === null));
    assert.ok(apps.some((c) => c.application_icon_url === null));
    for (const c of apps) {
      const consented = Date.parse(c.consented_on);
      assert.ok(Date.parse(c.created_at) <= consented && consented < now);
      if (c.last_accessed !== null) assert.ok(Date.parse(c.last_accessed) >= consented && Date.parse(c.last_accessed) <= now);
      if (c.revoked_at !== null && c.last_accessed !== null) assert.ok(Date.parse(c.last_accessed) <= Date.parse(c.revoked_at));
    }
  });

  it('seedCustomers dates everything from the time it is given', () => {
    const then = Date.UTC(2020, 5, 1);
    const seed = seedCustomers(then);
    for (const consents of seed.values()) {
      for (const c of consents) assert.ok(Date.parse(c.consented_on) < then);
    }
  });
});
