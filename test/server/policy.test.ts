/**
 * The bank's policy and step-up are the BFF's to enforce: a customer's browser can send any request it likes,
 * whatever the widget shows.
 */
import assert from 'node:assert/strict';
import { after, before, beforeEach, describe, it } from 'node:test';
import express from 'express';
import session from 'express-session';
import type { Consent } from '../../contract/consent.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import type { StartedSandbox } from '../../demo/sandbox/server.js';
import { startSandbox } from '../support/mx-contract.js';
import { errorHandler } from '../../server/errors.js';
import { listen } from '../../server/lifecycle.js';
import { createConsentRouter, type ConsentRouter } from '../../server/router.js';
import { stepUpWithin } from '../../server/session.js';
import { Customer } from '../support/client.js';
import { startStack, type Stack } from '../support/stack.js';

const LIST = '/consent/api/consent_management';
const ALEX = DEMO_CUSTOMERS.alex;
const TIMEOUTS = { connectMs: 2_000, headersMs: 5_000, bodyMs: 5_000 };
/** What the BFF logged at warn level or above, for a failure to name its cause. */
const warnings = (stack: Stack) => stack.logs.filter((l) => (JSON.parse(l) as { level: number }).level >= 40).join('\n') || 'nothing';
const errorCode = async (res: Response) => ((await res.json()) as { error: { code: string } }).error.code;

describe('the bank policy on the BFF', () => {
  let stack: Stack;
  let alex: Customer;
  let consent: Consent;
  before(async () => {
    stack = await startStack({ CONSENT_MODE: 'proxy', CONSENT_ACCOUNT_POLICY: 'read-only', CONSENT_AUTO_SHARE_POLICY: 'hidden' });
  });
  after(() => stack.close());
  beforeEach(async () => {
    stack.mx.sandbox.reset();
    stack.logs.length = 0;
    alex = new Customer(stack.bff.url);
    await alex.login('alex');
    consent = stack.mx.sandbox.consents(ALEX).find((c) => !c.revoked_at && c.accounts.length > 0)!;
  });

  it('writes_the_policy_does_not_allow_get_403_json_and_change_nothing_upstream', async () => {
    const before = stack.mx.sandbox.consents(ALEX);
    const account = consent.accounts[0]!;
    for (const [path, json] of [
      [`${LIST}/${consent.id}/accounts/${account.account_id}`, { enabled: !account.enabled }],
      [`${LIST}/${consent.id}/accounts`, { automatic_access: !consent.auto_enable_future_accounts }],
    ] as const) {
      const res = await alex.request('PUT', path, { json });
      assert.equal(res.status, 403, path);
      assert.equal(res.headers.get('content-type')?.split(';')[0], 'application/json');
      assert.equal(await errorCode(res), 'policy_forbidden');
    }
    assert.equal(stack.mx.sandbox.stats().total, 0, 'nothing reached MX, not even a token request');
    assert.deepEqual(stack.mx.sandbox.consents(ALEX), before);
    const audits = stack.logs.map((l) => JSON.parse(l) as Record<string, unknown>).filter((l) => l.event === 'consent_audit');
    assert.deepEqual(audits.map((a) => [a.action, a.outcome]), [['account', 'forbidden_by_policy'], ['auto_share', 'forbidden_by_policy']]);

    // Reads and a full stop stay allowed: some regimes advise offering only full revocation.
    for (const [method, path] of [['GET', LIST], ['PUT', `${LIST}/${consent.id}/disable_app_sharing`]] as const) {
      const res = await alex.request(method, path);
      assert.equal(res.status, 200, `${method} ${path}: ${res.status} ${await res.text()}; the BFF warned: ${warnings(stack)}`);
    }
  });

  it('a_policy_cannot_be_combined_with_direct_mode_tokens', async () => {
    const upstream = { baseUrl: stack.mx.url, version: 'v4', clientId: 'x', clientSecret: 'y', timeouts: TIMEOUTS };
    for (const mode of ['direct', 'both'] as const) {
      assert.throws(() => createConsentRouter({ upstream, mode, policy: { accounts: 'hidden' } }), /needs mode 'proxy'/);
      assert.throws(() => createConsentRouter({ upstream, mode, beforeStop: () => true }), /needs mode 'proxy'/);
    }
  });
});

describe('step-up before a stop, required by the bank on the BFF', () => {
  let mx: StartedSandbox;
  let router: ConsentRouter;
  let url: string;
  let close: () => void;

  before(async () => {
    mx = await startSandbox({ clientId: 'bank', clientSecret: 'bank-secret-step-up' });
    router = createConsentRouter({
      upstream: { baseUrl: mx.url, version: 'v4', clientId: 'bank', clientSecret: 'bank-secret-step-up', timeouts: TIMEOUTS },
      mode: 'proxy',
      beforeStop: stepUpWithin('steppedUpAt', 5 * 60_000),
    });
    const app = express();
    app.use('/consent', router.guard);
    app.use(session({ name: 'consent.sid', secret: 'bank-session-secret-step-up-test', resave: false, saveUninitialized: false }));
    app.post('/demo/login', express.json(), (req, res) => {
      req.session.customerId = ALEX;
      res.json({});
    });
    // The bank's own step-up (a one-time code, say) records when it succeeded.
    app.post('/bank/step-up', express.json(), (req, res) => {
      (req.session as unknown as { steppedUpAt: number }).steppedUpAt = Date.now() - (req.body as { ago?: number }).ago!;
      res.json({});
    });
    app.use('/consent', router, errorHandler(() => {}));
    const started = await listen(0, '127.0.0.1', app);
    url = started.url;
    close = () => {
      started.server.closeAllConnections();
      started.server.close();
    };
  });
  after(async () => {
    close();
    await router.close();
    await mx.close();
  });

  it('a_stop_without_a_recent_step_up_gets_401_step_up_required_and_reaches_no_upstream', async () => {
    const alex = new Customer(url);
    await alex.login('alex');
    const c = mx.sandbox.consents(ALEX).find((x) => !x.revoked_at)!;
    const stop = () => alex.request('PUT', `${LIST}/${c.id}/disable_app_sharing`);

    const without = await stop();
    assert.equal(without.status, 401);
    assert.equal(await errorCode(without), 'step_up_required');
    await alex.request('POST', '/bank/step-up', { json: { ago: 6 * 60_000 }, csrf: false });
    assert.equal((await stop()).status, 401, 'a step-up six minutes old is too old');
    assert.equal(mx.sandbox.stats().revoke, 0);
    assert.equal(mx.sandbox.consents(ALEX).find((x) => x.id === c.id)!.revoked_at, null);

    // The session was kept throughout: other calls still work, and after a step-up the stop goes through.
    assert.equal((await alex.request('GET', LIST)).status, 200);
    await alex.request('POST', '/bank/step-up', { json: { ago: 0 }, csrf: false });
    assert.equal((await stop()).status, 200);
    assert.notEqual(mx.sandbox.consents(ALEX).find((x) => x.id === c.id)!.revoked_at, null);
  });
});
