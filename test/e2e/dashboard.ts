/**
 * Shared steps of the end-to-end tests: logging in through the demo's form, reading what the widget shows,
 * and comparing it with what the MX sandbox holds. Selectors are the widget's documented parts and roles.
 */
import assert from 'node:assert/strict';
import type { Browser, Page } from 'playwright-core';
import type { SandboxConsent as Consent } from '../../demo/sandbox/store.js';
import type { Sandbox } from '../../demo/sandbox/app.js';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';

export const ARTIFACTS = new URL('../../test-artifacts/', import.meta.url);

export const WIDGET = 'consent-manager';
export const APP = `${WIDGET} [part~="app"]`;
export const HISTORY_APP = `${WIDGET} [part~="history"] [part~="app"]`;
export const STATUS = `${WIDGET} [part~="status"]`;
export const NOTICE = `${WIDGET} [part~="notice"]`;
export const DIALOG = `${WIDGET} [part~="dialog"]`;
export const CONFIRM = `${WIDGET} [part~="confirm-button"]`;

/** Logs in through the demo's own form, then opens the dashboard with `query` (e.g. `?mode=direct`). */
export async function logIn(page: Page, base: string, username: string, query = ''): Promise<void> {
  await page.goto(`${base}/login`);
  await page.fill('#username', username);
  await page.fill('#password', 'demo');
  await Promise.all([page.waitForURL(`${base}/`), page.click('button[type=submit]')]);
  if (query) await page.goto(`${base}/${query}`);
}

/** Collects page errors and CSP violations; a test asserts the list stays empty. */
export function watchPage(page: Page): string[] {
  const problems: string[] = [];
  page.on('pageerror', (err) => problems.push(`pageerror: ${err.message}`));
  page.on('console', (msg) => {
    if (msg.type() === 'error' && /Content Security Policy|Refused to/i.test(msg.text())) problems.push(msg.text());
  });
  return problems;
}

/** What a customer sees of one app: stopped or not, and each switch's state (accounts in order, then auto-share). */
export interface ShownApp {
  id: string;
  name: string;
  stopped: boolean;
  switches: boolean[];
}

export interface Shown {
  apps: ShownApp[];
  /** Text of the live region. */
  status: string;
  /** Text of the empty / error / session-expired panel, if one is shown. */
  notice: string;
  /** A change or a load is in flight. */
  busy: boolean;
}

// Runs in the page (the tests' tsconfig has no DOM types, so it is a string). Reads the open shadow root.
const READ_WIDGET = `(() => {
  const root = document.querySelector('consent-manager')?.shadowRoot;
  if (!root) return { apps: [], status: '', notice: '', busy: true };
  const apps = [...root.querySelectorAll('[part~="app"][data-id]')].map((el) => ({
    id: el.getAttribute('data-id'),
    name: el.querySelector('[part~="app-name"]')?.textContent ?? '',
    stopped: el.closest('[part~="history"]') !== null,
    switches: [...el.querySelectorAll('[role="switch"]')].map((s) => s.getAttribute('aria-checked') === 'true'),
  }));
  const notice = root.querySelector('[part~="notice"]');
  return {
    apps,
    status: root.querySelector('[part~="status"]')?.textContent?.trim() ?? '',
    notice: notice ? notice.textContent.trim() : '',
    busy: root.querySelector('[aria-busy="true"]') !== null || (apps.length === 0 && !notice),
  };
})()`;

export function readWidget(page: Page): Promise<Shown> {
  return page.evaluate(READ_WIDGET) as Promise<Shown>;
}

/** What the widget should show for these consents, in the same shape, ordered by id. */
export function expected(consents: readonly Consent[]): Omit<ShownApp, 'name'>[] {
  return consents
    .map((c) => ({
      id: c.id,
      stopped: c.revoked_at !== null,
      switches: c.revoked_at !== null ? [] : [...c.accounts.map((a) => a.enabled), c.auto_enable_future_accounts],
    }))
    .sort((a, b) => a.id.localeCompare(b.id));
}

const comparable = (shown: Shown) =>
  shown.apps.map(({ id, stopped, switches }) => ({ id, stopped, switches })).sort((a, b) => a.id.localeCompare(b.id));

/**
 * Waits until nothing is in flight and the widget shows exactly what the upstream holds (`truth()` is read
 * again on every poll); fails with the difference after `timeoutMs`.
 */
export async function showsTruth(page: Page, truth: () => readonly Consent[], timeoutMs = 30_000): Promise<Shown> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const shown = await readWidget(page);
    const matches = !shown.busy && JSON.stringify(comparable(shown)) === JSON.stringify(expected(truth()));
    if (matches) return shown;
    if (Date.now() > until) {
      assert.deepEqual(comparable(shown), expected(truth()), `the widget does not show the upstream's state (busy: ${shown.busy})`);
      assert.fail('the widget stayed busy');
    }
    await page.waitForTimeout(50);
  }
}

/** Polls `read` until `accept` holds, for at most `timeoutMs`; returns the last value read. */
export async function eventually<T>(read: () => T | Promise<T>, accept: (value: T) => boolean, what: string, timeoutMs = 30_000): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const value = await read();
    if (accept(value)) return value;
    if (Date.now() > until) assert.fail(`${what}; last seen: ${JSON.stringify(value)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

/** The card of the app with this consent id. */
export const card = (page: Page, consentId: string) => page.locator(`${WIDGET} [part~="app"][data-id="${consentId}"]`);

/** The switch of one account under an app (its accessible name names account and app). */
export const accountSwitch = (page: Page, c: Consent, accountIndex: number) =>
  card(page, c.id).locator('[part~="switch"]').nth(accountIndex);

/** The app's auto-share switch: the one after its account switches. */
export const autoShareSwitch = (page: Page, c: Consent) => card(page, c.id).locator('[part~="switch"]').nth(c.accounts.length);

/** Opens the stop dialog of the app, checks it names the app, confirms, and waits for the app in the history. */
export async function stopThroughDialog(page: Page, c: Consent): Promise<void> {
  await card(page, c.id).locator('[part~="stop-button"]').click();
  const dialog = page.locator(DIALOG);
  await dialog.waitFor({ state: 'visible' });
  assert.ok((await dialog.textContent())?.includes(c.application_name), 'the dialog names the app');
  await page.locator(CONFIRM).click();
  await dialog.waitFor({ state: 'hidden' });
  // The stop starts on the dialog's close event, a moment after it is hidden: wait for its outcome.
  await page.locator(`${HISTORY_APP}[data-id="${c.id}"]`).waitFor({ timeout: 30_000 });
}

/** One active consent with at least two accounts, one shared: the target of the change flows. */
export function target(consents: readonly Consent[]): Consent {
  const found = consents.find((c) => c.revoked_at === null && c.accounts.length >= 2 && c.accounts[0]!.enabled);
  assert.ok(found, 'the seed has an active app with a shared first account');
  return found;
}

/**
 * The whole journey as alex in `mode`: log in, list, an account off and on, auto-share flipped, stop sharing
 * through the dialog, the app in the history, a reload showing the same, log out; then the upstream's final
 * state checked. Returns the paths the browser requested. `watch` may attach listeners to the page first.
 */
export async function journey(
  browser: Browser,
  demo: { url: string; sandbox: Sandbox },
  mode: 'proxy' | 'direct',
  opts: { screenshot?: string; watch?: (page: Page) => void } = {},
): Promise<string[]> {
  const { sandbox } = demo;
  sandbox.reset();
  const truth = () => sandbox.consents(DEMO_CUSTOMERS.alex);
  const before = truth();
  const app = target(before);
  const context = await browser.newContext({ viewport: { width: 1100, height: 1400 } });
  const page: Page = await context.newPage();
  const problems = watchPage(page);
  opts.watch?.(page);
  const paths: string[] = [];
  page.on('request', (req) => paths.push(new URL(req.url()).pathname));
  try {
    await logIn(page, demo.url, 'alex');
    await showsTruth(page, truth);
    // The login lands on the default (proxy) mode; what counts is what the chosen mode requests.
    paths.length = 0;
    await page.goto(`${demo.url}/?mode=${mode}`);
    await showsTruth(page, truth);
    assert.equal((await readWidget(page)).apps.length, before.length, 'every app is listed');

    // An account off, then on again.
    const account = accountSwitch(page, app, 0);
    assert.equal(await account.getAttribute('role'), 'switch');
    assert.equal(await account.getAttribute('aria-checked'), 'true');
    await account.click();
    await showsTruth(page, truth);
    assert.equal(truth().find((c) => c.id === app.id)!.accounts[0]!.enabled, false, 'the upstream has the account off');
    assert.equal(await account.getAttribute('aria-checked'), 'false');
    assert.match((await page.locator(STATUS).textContent()) ?? '', /saved/i);
    await account.click();
    await showsTruth(page, truth);
    assert.equal(truth().find((c) => c.id === app.id)!.accounts[0]!.enabled, true, 'and on again');

    // Auto-share flipped.
    const auto = autoShareSwitch(page, app);
    await auto.click();
    await showsTruth(page, truth);
    assert.equal(truth().find((c) => c.id === app.id)!.auto_enable_future_accounts, !app.auto_enable_future_accounts);
    assert.equal(await auto.getAttribute('aria-checked'), String(!app.auto_enable_future_accounts));

    // Stop sharing through the dialog: the app moves to the history at once.
    await stopThroughDialog(page, app);
    await showsTruth(page, truth);
    assert.ok(truth().find((c) => c.id === app.id)!.revoked_at, 'the upstream has the consent stopped');
    assert.equal(await page.locator(`${HISTORY_APP}[data-id="${app.id}"]`).count(), 1, 'the app is in the history');
    assert.match((await page.locator(STATUS).textContent()) ?? '', new RegExp(`stopped sharing with ${app.application_name}`, 'i'));
    assert.equal(await card(page, app.id).locator('[part~="stop-button"]').count(), 0, 'a stopped app offers no stop button');
    if (opts.screenshot) await page.screenshot({ path: new URL(opts.screenshot, ARTIFACTS).pathname, fullPage: true });

    // A reload shows the same state, read afresh from the upstream.
    const shownBefore = await readWidget(page);
    await page.reload();
    const shownAfter = await showsTruth(page, truth);
    assert.deepEqual(shownAfter.apps, shownBefore.apps, 'the same apps, switches and history after a reload');

    // Log out: back at the login, and the dashboard is gone for this browser.
    await Promise.all([page.waitForURL(`${demo.url}/login`), page.getByRole('button', { name: /log out/i }).click()]);
    await page.goto(`${demo.url}/`);
    assert.equal(new URL(page.url()).pathname, '/login');

    // The upstream ends where the customer left it: only the target changed, exactly as shown.
    const after = truth();
    const changed = after.find((c) => c.id === app.id)!;
    assert.deepEqual(changed.accounts, app.accounts, 'the account is back on, the others untouched');
    assert.equal(changed.auto_enable_future_accounts, !app.auto_enable_future_accounts);
    assert.ok(changed.revoked_at);
    assert.deepEqual(after.filter((c) => c.id !== app.id), before.filter((c) => c.id !== app.id), 'no other app changed');
    assert.deepEqual(problems, []);
    return paths;
  } finally {
    await context.close();
  }
}
