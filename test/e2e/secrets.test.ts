/**
 * The client secret stays on the server through a whole end-to-end run: the demo BFF runs against an MX sandbox
 * on its own origin with a secret made up for this run (test/support/stack.ts), Chromium drives every journey
 * and failure below, and then the secret is searched for in everything the browser received and in every log
 * line the BFF wrote. (The bundle is built with secrets in its environment and searched in test/server/secrets.test.ts.)
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, Page } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { Customer } from '../support/client.js';
import { CLIENT_ID, CLIENT_SECRET, startStack, type Stack } from '../support/stack.js';
import { journey, logIn, readWidget, showsTruth, eventually } from './dashboard.js';

const NEEDLES = [
  CLIENT_SECRET,
  Buffer.from(`${CLIENT_ID}:${CLIENT_SECRET}`).toString('base64'),
  Buffer.from(CLIENT_SECRET).toString('base64'),
  encodeURIComponent(CLIENT_SECRET),
];

describe('the client secret through a whole end-to-end run', () => {
  let browser: Browser;
  let stack: Stack;
  let bffOrigin = '';
  /** Status line, headers and body of every response the browser received, and its console output. */
  const seen: string[] = [];

  const record = (page: Page) => {
    page.on('console', (msg) => seen.push(`console: ${msg.text()}`));
    page.on('response', async (res) => {
      // A response still arriving as the browser closes cannot be read any more (nor did the page get it).
      const all = await res.allHeaders().catch(() => undefined);
      if (!all) return;
      const headers = Object.entries(all).map(([k, v]) => `${k}: ${v}`).join('\n');
      const body = await res.text().catch(() => '');
      seen.push(`${res.status()} ${res.url()}\n${headers}\n\n${body}`);
    });
  };

  before(async () => {
    // MX on an origin of its own, as in production; it lets the demo's page call it directly (CORS).
    stack = await startStack(
      { RATE_LIMIT_WRITES_PER_MINUTE: '1000', RATE_LIMIT_TOKEN_PER_MINUTE: '1000', RATE_LIMIT_READS_PER_MINUTE: '1000' },
      // Authorization kept verbatim in the sandbox's request log, to prove below that the secret was in use.
      { corsOrigins: () => [bffOrigin], recordAuthorization: true },
    );
    bffOrigin = new URL(stack.bff.url).origin;
    browser = await launchChromium();
  });
  after(async () => {
    await browser?.close();
    await stack?.close();
  });

  it('client_secret_appears_in_no_response_and_no_log_line_after_journeys_and_failures', async (t: TestContext) => {
    const sandbox = stack.mx.sandbox;
    for (const mode of ['proxy', 'direct'] as const) {
      await journey(browser, { url: stack.bff.url, sandbox }, mode, { watch: record });
    }

    // Failures in the browser: the token endpoint refusing our credentials, failing, resetting; a garbled list.
    const context = await browser.newContext();
    const page = await context.newPage();
    record(page);
    const alex = () => sandbox.consents(DEMO_CUSTOMERS.alex);
    await logIn(page, stack.bff.url, 'alex');
    await showsTruth(page, alex);
    for (const fault of [
      { endpoint: 'token', kind: 'error', status: 401 },
      { endpoint: 'token', kind: 'error', status: 500 },
      { endpoint: 'token', kind: 'drop' },
      { endpoint: 'list', kind: 'malformed' },
    ] as const) {
      sandbox.faults.set(fault);
      await stack.bff.router.forgetCustomer(DEMO_CUSTOMERS.alex);
      for (const mode of ['proxy', 'direct']) {
        await page.goto(`${stack.bff.url}/?mode=${mode}`);
        await eventually(() => readWidget(page), (s) => !s.busy, 'the load to end');
      }
    }
    sandbox.faults.clear();
    await page.goto(`${stack.bff.url}/?mode=direct`);
    await showsTruth(page, alex);
    // An expired MX token, replaced in proxy mode.
    sandbox.clock.advance(301);
    await page.goto(`${stack.bff.url}/?mode=proxy`);
    await showsTruth(page, alex);
    await context.close();

    // And the BFF's refusals, straight over HTTP.
    const customer = new Customer(stack.bff.url);
    const bodies = async (res: Response) => seen.push(`${res.status}\n${[...res.headers].join('\n')}\n${await res.text()}`);
    await bodies(await customer.token());
    await customer.login('alex');
    await bodies(await customer.token({ csrf: false }));
    await bodies(await customer.token({ headers: { origin: 'https://evil.example' } }));
    await bodies(await customer.request('PUT', '/consent/api/consent_management/x/accounts', { json: { automatic_access: 'no' } }));
    await bodies(await customer.request('GET', '/readyz'));

    // The needles are the right ones: the secret was in use all along, in its Basic form, on the BFF→MX leg.
    assert.ok(sandbox.requests().some((r) => r.headers.authorization === `Basic ${NEEDLES[1]}`), 'MX received the credentials');

    const logs = stack.logs.join('\n');
    const responses = seen.join('\n');
    t.diagnostic(`searched ${seen.length} responses and console lines, ${stack.logs.length} log lines`);
    assert.ok(seen.length > 100 && stack.logs.length > 100, 'the run produced plenty to search');
    assert.ok(seen.some((s) => s.includes('"access_token"')), 'direct-mode token answers were captured');
    for (const needle of NEEDLES) {
      assert.ok(!responses.includes(needle), 'the secret is in something the browser received');
      assert.ok(!logs.includes(needle), 'the secret is in a log line');
    }
  });
});
