import { mkdir } from 'node:fs/promises';
import { join } from 'node:path';
import type { Browser, BrowserContext, Page } from 'playwright-core';
import { percentile } from '../stats.js';

/** A main-thread task over 50 ms as the page's PerformanceObserver saw it, in ms since navigation start. */
export interface LongTask {
  start: number;
  duration: number;
}

// The probe, in every page from its first script on:
// - `__bench.shown` resolves to (and `__bench.shownAt` then holds) the time, in ms since navigation start, of the
//   first frame painted with `expected` app cards: the frame's requestAnimationFrame sees them, and a task queued
//   from there runs once that frame is done;
// - `__bench.longTasks` fills up (the long-task observer sees only tasks of 50 ms or more);
// - `__bench.clicks` gets, per click anywhere, the ms from the click's timestamp to its next paint, taken the same
//   way (a task queued from the first animation frame after the click), and `__bench.eventTiming` the Event Timing
//   API's own click durations (≥ 16 ms only, rounded to 8 ms), as a cross-check.
// Page-side code is kept as source text: tsx wraps named functions in a `__name` helper that does not exist in the
// page. `part="app"` is the widget's documented styling surface, so the probe outlives changes to its inner markup.
// Waiting happens by awaiting a promise the page exposes: the demo's CSP (no 'unsafe-eval') forbids the string
// predicates of page.waitForFunction.
const probeScript = (expected: number) => `(() => {
  let shown;
  const probe = { shownAt: 0, longTasks: [], clicks: [], eventTiming: [], shown: new Promise((resolve) => { shown = resolve; }) };
  window.__bench = probe;
  const afterPaint = (then) => requestAnimationFrame(() => setTimeout(() => then(performance.now()), 0));
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) probe.longTasks.push({ start: e.startTime, duration: e.duration });
  }).observe({ type: 'longtask', buffered: true });
  new PerformanceObserver((list) => {
    for (const e of list.getEntries()) if (e.name === 'click') probe.eventTiming.push(e.duration);
  }).observe({ type: 'event', durationThreshold: 16, buffered: true });
  addEventListener('click', (e) => {
    const at = e.timeStamp;
    afterPaint((now) => probe.clicks.push(now - at));
  }, { capture: true });
  const frame = () => {
    const root = document.querySelector('consent-manager')?.shadowRoot;
    if (root && root.querySelectorAll('[part~="app"]').length >= ${JSON.stringify(expected)}) setTimeout(() => shown(probe.shownAt = performance.now()), 0);
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
})();`;

/** A context logged in through the demo's own login, with the probe in every page it opens. */
export async function loggedInContext(browser: Browser, baseUrl: string, username: string, expected: number): Promise<BrowserContext> {
  const context = await browser.newContext({ baseURL: baseUrl });
  const res = await context.request.post('/demo/login', { data: { username, password: 'demo' } });
  if (!res.ok()) throw new Error(`login as ${username} failed: HTTP ${res.status()}`);
  await context.addInitScript({ content: probeScript(expected) });
  return context;
}

/** Milestones of a page load from the page's own Navigation and Resource Timing, in ms since navigation start. */
export interface Phases {
  /** The HTML's last byte arrived. */
  html: number;
  firstContentfulPaint?: number;
  /** The widget's script arrived (absent on a static page). */
  script?: number;
  /** The widget asked for the list, and got it. */
  listAsked?: number;
  listReceived?: number;
  /** The first frame with every card was done. */
  shown: number;
}

export interface Load {
  page: Page;
  /** ms from navigation start to the first frame painted with the list. */
  shownMs: number;
  phases: Phases;
  /** fetch/XHR requests the page made before the list was on screen, as `METHOD /path`. */
  requests: string[];
}

/** Where a load's time went, phase by phase (median over loads of each milestone, ms since navigation start). */
export function phaseMedians(loads: Load[]): Record<string, number> {
  const keys = Object.keys(loads[0]!.phases) as (keyof Phases)[];
  return Object.fromEntries(keys.flatMap((k) => {
    const values = loads.map((l) => l.phases[k]).filter((v): v is number => typeof v === 'number');
    return values.length ? [[k, Math.round(percentile(values, 50) * 10) / 10]] : [];
  }));
}

/** Opens `path` in a new page and waits for the list; the caller closes `page`. */
export async function loadList(context: BrowserContext, path: string, timeoutMs = 30_000): Promise<Load> {
  const page = await context.newPage();
  const requests = recordRequests(page);
  try {
    await page.goto(path, { waitUntil: 'commit', timeout: timeoutMs });
    const shownMs = (await evaluateWithin(page, 'window.__bench.shown', timeoutMs)) as number;
    const phases = (await page.evaluate(`(() => {
      const nav = performance.getEntriesByType('navigation')[0];
      const resources = performance.getEntriesByType('resource');
      const script = resources.find((r) => r.initiatorType === 'script' && /consent-manager/.test(r.name));
      const list = resources.find((r) => /consent_management/.test(r.name));
      const fcp = performance.getEntriesByName('first-contentful-paint')[0];
      return { html: nav.responseEnd, firstContentfulPaint: fcp && fcp.startTime, script: script && script.responseEnd,
        listAsked: list && list.startTime, listReceived: list && list.responseEnd, shown: ${shownMs} };
    })()`)) as Phases;
    // The harness hears of requests until it reads `shown`, a moment after the page computed it: a request the page
    // started once the list was on screen (the widget's post-paint reads) is told apart by its resource timing, once
    // the network is idle and every request has its entry. One still without an entry stays counted (errs high).
    await page.waitForLoadState('networkidle', { timeout: timeoutMs }).catch(() => {});
    const late = (await page.evaluate(`performance.getEntriesByType('resource')
      .filter((r) => (r.initiatorType === 'fetch' || r.initiatorType === 'xmlhttprequest') && r.startTime >= ${shownMs})
      .map((r) => new URL(r.name).pathname)`)) as string[];
    const before = [...requests];
    for (const path of late) {
      const i = before.findIndex((r) => r.endsWith(` ${path}`));
      if (i >= 0) before.splice(i, 1);
    }
    return { page, shownMs, phases, requests: before };
  } catch (err) {
    await page.close();
    throw err;
  }
}

/**
 * With BENCH_TRACE=<dir>, loads `path` once more under a Chromium performance trace (`<dir>/<name>.json`, with JS
 * samples; open it in DevTools' Performance panel), to see what a figure's time goes to.
 */
export async function traceLoad(browser: Browser, context: BrowserContext, path: string, name: string): Promise<void> {
  const dir = process.env.BENCH_TRACE;
  if (!dir) return;
  await mkdir(dir, { recursive: true });
  const page = await context.newPage();
  try {
    // A same-origin page first, so that the measured navigation stays in the renderer the profiler is attached to.
    await page.goto('/static/favicon.svg');
    await browser.startTracing(page, { path: join(dir, `${name}.json`), screenshots: false });
    await page.goto(path, { waitUntil: 'commit' });
    await evaluateWithin(page, 'window.__bench.shown', 30_000);
    await browser.stopTracing();
  } finally {
    await page.close();
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

/** The long tasks that started before `untilMs` (ms since navigation start). */
export async function longTasks(page: Page, untilMs: number): Promise<LongTask[]> {
  // Long-task entries reach the observer after the task, at the next idle moment: give them time to arrive.
  await page.waitForTimeout(250);
  const tasks = (await page.evaluate('window.__bench.longTasks')) as LongTask[];
  return tasks.filter((t) => t.start <= untilMs);
}

/** Total blocking time: the part of each long task beyond 50 ms, summed. */
export const blockingMs = (tasks: readonly LongTask[]) => tasks.reduce((sum, t) => sum + Math.max(0, t.duration - 50), 0);

/** fetch/XHR requests from now on, as `METHOD /path`. */
export function recordRequests(page: Page): string[] {
  const seen: string[] = [];
  page.on('request', (r) => {
    if (r.resourceType() === 'fetch' || r.resourceType() === 'xhr') seen.push(`${r.method()} ${new URL(r.url()).pathname}`);
  });
  return seen;
}

/**
 * The page as it is on screen, as static HTML: every shadow root as a declarative one (`<template
 * shadowrootmode>`) with its constructed style sheets written out as a `<style>`, scripts left out. Same markup and
 * styles as the widget rendered them, with no script to run.
 */
export async function staticCopy(page: Page): Promise<string> {
  return (await page.evaluate(`(() => {
    const text = (s) => s.replace(/&/g, '&amp;').replace(/</g, '&lt;').replace(/>/g, '&gt;');
    const attr = (s) => s.replace(/&/g, '&amp;').replace(/"/g, '&quot;');
    const VOID = new Set(['area', 'base', 'br', 'col', 'embed', 'hr', 'img', 'input', 'link', 'meta', 'source', 'track', 'wbr']);
    const sheets = (root) => [...(root.adoptedStyleSheets || [])].map((s) => [...s.cssRules].map((r) => r.cssText).join('\\n')).join('\\n');
    const children = (node) => [...node.childNodes].map(html).join('');
    const html = (node) => {
      if (node.nodeType === Node.TEXT_NODE) return node.parentNode && node.parentNode.localName === 'style' ? node.data : text(node.data);
      if (node.nodeType !== Node.ELEMENT_NODE || node.localName === 'script') return '';
      const tag = node.localName;
      const open = '<' + tag + [...node.attributes].map((a) => ' ' + a.name + '="' + attr(a.value) + '"').join('') + '>';
      if (VOID.has(tag)) return open;
      const shadow = node.shadowRoot
        ? '<template shadowrootmode="open"><style>' + sheets(node.shadowRoot) + '</style>' + children(node.shadowRoot) + '</template>'
        : '';
      return open + shadow + (tag === 'template' ? children(node.content) : children(node)) + '</' + tag + '>';
    };
    const pageSheets = sheets(document);
    return '<!doctype html>' + html(document.documentElement).replace('</head>', pageSheets ? '<style>' + pageSheets + '</style></head>' : '</head>');
  })()`)) as string;
}

/** A static copy of `path` once the widget rendered its list there. */
export async function staticCopyOf(context: BrowserContext, path: string): Promise<string> {
  const load = await loadList(context, path);
  try {
    return await staticCopy(load.page);
  } finally {
    await load.page.close();
  }
}

/** Stores `html` on the demo server (bench child only), to be loaded from `/bench/static/<name>`. */
export async function putStatic(context: BrowserContext, name: string, html: string): Promise<string> {
  const path = `/bench/static/${name}`;
  const res = await context.request.put(path, { data: html, headers: { 'content-type': 'text/html' } });
  if (!res.ok()) throw new Error(`PUT ${path}: HTTP ${res.status()}`);
  return path;
}
