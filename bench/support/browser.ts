import type { Browser, BrowserContext, Page } from 'playwright-core';
import { launchChromium } from '@consent-manager/test-support/browser';

export { launchChromium };

/** A main-thread task over 50 ms as the page's PerformanceObserver saw it, in ms since navigation start. */
interface LongTask {
  start: number;
  duration: number;
}

// The probe, in every page from its first script on: `__bench.shown` resolves to performance.now() (ms since
// navigation start) in the first animation frame with `expected` app cards; `__bench.longTasks` fills up.
// Page-side code is kept as source text: tsx wraps named functions in a `__name` helper that does not
// exist in the page, so a TypeScript function passed to the browser would fail there.
// `part="app"` is the widget's documented styling surface, so the probe outlives changes to its inner markup.
// Waiting happens by awaiting a promise the page exposes: the demo's CSP (no 'unsafe-eval') forbids the
// string predicates of page.waitForFunction.
const probeScript = (expected: number) => `(() => {
  let shown;
  const probe = { shownAt: 0, longTasks: [], shown: new Promise((resolve) => { shown = resolve; }) };
  window.__bench = probe;
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  const frame = () => {
    const root = document.querySelector('consent-manager')?.shadowRoot;
    if (root && root.querySelectorAll('[part~="app"]').length >= ${JSON.stringify(expected)}) shown(probe.shownAt = performance.now());
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

/** A context logged in through the demo's own login, with the probe in every page it opens. */
export async function loggedInContext(browser: Browser, baseUrl: string, username: string, expected: number): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl });
  await logIn(context, username);
  await context.addInitScript({ content: probeScript(expected) });
  return context;
}

export async function logIn(context: BrowserContext, username: string): Promise<void> {
  const res = await context.request.post('/demo/login', { data: { username, password: 'demo' } });
  if (!res.ok()) throw new Error(`login as ${username} failed: HTTP ${res.status()}`);
}

/** Logging out makes the BFF forget the customer's token, so the next load starts cold. */
export async function logOut(context: BrowserContext): Promise<void> {
  const res = await context.request.post('/demo/logout', { data: {} });
  if (!res.ok()) throw new Error(`logout failed: HTTP ${res.status()}`);
}

export interface Load {
  page: Page;
  /** ms from navigation start to the list on screen. */
  shownMs: number;
  /** fetch/XHR requests the page made before the list was on screen, as `METHOD /path`. */
  requests: string[];
}

/** Opens `path` in a new page and waits for the list; the caller closes `page`. */
export async function loadList(context: BrowserContext, path: string, timeoutMs = 20_000): Promise<Load> {
  const page = await context.newPage();
  const requests = recordRequests(page);
  try {
    await page.goto(path, { waitUntil: 'commit', timeout: timeoutMs });
    const shownMs = (await evaluateWithin(page, 'window.__bench.shown', timeoutMs)) as number;
    return { page, shownMs, requests: [...requests] };
  } catch (err) {
    await page.close();
    throw err;
  }
}

/** Evaluates `expression` in the page, awaiting the promise it may yield, for at most `ms`. */
export function evaluateWithin(page: Page, expression: string, ms: number): Promise<unknown> {
  const answer = page.evaluate(expression);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`no answer to ${expression} within ${ms} ms`)), ms);
  });
  // Closing the page on timeout rejects `answer` too; that rejection is expected, not unhandled.
  answer.catch(() => undefined);
  return Promise.race([answer, late]).finally(() => clearTimeout(timer));
}

/** Longest main-thread task that started within [fromMs, toMs], 0 when none passed 50 ms. */
export async function longestTask(page: Page, fromMs: number, toMs: number): Promise<number> {
  // Long-task entries reach the observer after the task, at the next idle moment: give them time to arrive.
  await page.waitForTimeout(250);
  const tasks = (await page.evaluate('window.__bench.longTasks')) as LongTask[];
  return Math.max(0, ...tasks.filter((t) => t.start >= fromMs && t.start <= toMs).map((t) => t.duration));
}

/** fetch/XHR requests from now on, as `METHOD /path`. */
export function recordRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'fetch' || r.resourceType() === 'xhr') seen.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return seen;
}
