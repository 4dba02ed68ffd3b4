/**
 * Helpers for widget tests. Everything goes over real HTTP to the demo bank that
 * web-test-runner.config.mjs proxies on the test page's own origin: its login, the BFF at /consent,
 * and the MX sandbox at /mx with its /__sandbox controls.
 */
import { fixture, html, waitUntil } from '@open-wc/testing';
import type { ConsentManager } from '../../widget/consent-manager.js';
import type { ChangeRecord, Consent, ConsentMode } from '../../contract/consent.js';

export const MODES: ConsentMode[] = ['proxy', 'direct'];

async function call(method: string, path: string, body?: unknown) {
  const res = await fetch(path, {
    method,
    credentials: 'same-origin',
    headers: body === undefined ? {} : { 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path}: ${res.status} ${await res.text()}`);
  return res.json();
}

export type DemoUser = 'alex' | 'sam' | 'new' | 'many50' | 'many200';

export const login = (username: DemoUser) => call('POST', '/demo/login', { username, password: 'demo' });
export const logout = () => call('POST', '/demo/logout', {});

export interface Fault {
  endpoint: 'token' | 'list' | 'auto_share' | 'account' | 'revoke' | '*';
  kind: 'error' | 'drop' | 'malformed' | 'apply_then_drop' | 'latency';
  status?: number;
  latency_ms?: number;
  next?: number;
  rate?: number;
}

export const setFaults = (faults: Fault | Fault[]) => call('PUT', '/mx/__sandbox/faults', faults);

/** Fresh seed data, no faults, reusable tokens: each test starts from the same upstream. */
export async function resetSandbox() {
  await call('POST', '/mx/__sandbox/reset');
  await setFaults([]);
  await call('PUT', '/mx/__sandbox/config', { single_use: false });
}

export interface Stats {
  token: number;
  list: number;
  auto_share: number;
  account: number;
  revoke: number;
  total: number;
  tokens_issued: number;
}
export const stats = (): Promise<Stats> => call('GET', '/mx/__sandbox/stats');
export const advanceClock = (seconds: number) => call('POST', '/mx/__sandbox/clock', { advance_seconds: seconds });

/** The sandbox's log of the requests MX received (newest last). */
export const sandboxRequests = (): Promise<Array<{ method: string; path: string }>> => call('GET', '/mx/__sandbox/requests');
/** The `disable_app_sharing` requests MX received for this consent. */
export const revokesOf = async (consentId: string) =>
  (await sandboxRequests()).filter((r) => r.path.endsWith(`/${consentId}/disable_app_sharing`));

/** A read of the BFF's own routes as the logged-in customer, past the widget. */
async function bffGet<T>(path: string): Promise<T> {
  const res = await fetch(`/consent${path}`, { headers: { 'X-CSRF': '1' }, credentials: 'same-origin' });
  if (!res.ok) throw new Error(`GET ${path}: ${res.status}`);
  return res.json();
}
/** The customer's change in the BFF's ledger. */
export const ledgerChange = async (id: string) => (await bffGet<{ change: ChangeRecord }>(`/changes/${id}`)).change;
/** The customer's stops the BFF's ledger holds, newest first. */
export const ledgerStops = async () => (await bffGet<{ changes: ChangeRecord[] }>('/changes?limit=200')).changes.filter((c) => c.action == 'stop');

/** The customer's consents as the upstream holds them now, read past the widget (proxy route). */
export async function upstreamConsents(): Promise<Consent[]> {
  const res = await fetch('/consent/api/consent_management', { headers: { 'X-CSRF': '1' }, credentials: 'same-origin' });
  if (!res.ok) throw new Error(`list: ${res.status}`);
  return res.json();
}

export const shadow = (el: ConsentManager) => el.shadowRoot!;

/**
 * Every element under `root` that matches, in document order, looking inside the open shadow roots of the element's
 * parts too (the stop dialog, the review, the record, the stops' status are elements of their own).
 */
export function deepAll<T extends Element = HTMLElement>(root: ParentNode, selector: string): T[] {
  const found: T[] = [];
  const walk = (node: ParentNode) => {
    for (const child of node.querySelectorAll('*')) {
      if (child.matches(selector)) found.push(child as T);
      if (child.shadowRoot) walk(child.shadowRoot);
    }
  };
  walk(root);
  return found;
}

export const $ = <T extends Element = HTMLElement>(el: ConsentManager, selector: string): T | null => deepAll<T>(shadow(el), selector)[0] ?? null;
export const $$ = <T extends Element = HTMLElement>(el: ConsentManager, selector: string) => deepAll<T>(shadow(el), selector);

/** The card of the app with this exact name. */
export function card(el: ConsentManager, app: string) {
  const found = $$(el, 'li.app[data-id]').find((li) => li.querySelector('[part~="app-name"]')?.textContent?.trim() == app);
  if (!found) throw new Error(`no card for ${app}`);
  return found;
}

/** The switch (or button) whose accessible name contains `name`. */
export function control(el: ConsentManager, name: string) {
  const found = $$<HTMLButtonElement>(el, 'button').find((b) => (b.getAttribute('aria-label') ?? b.textContent ?? '').includes(name));
  if (!found) throw new Error(`no control named like "${name}"`);
  return found;
}

/** Resolves once the widget shows something other than its loading skeleton and nothing is in flight. */
export async function settled(el: ConsentManager, message = 'widget did not settle') {
  await waitUntil(
    () => !$(el, '.skeleton') && !$(el, '[aria-busy="true"]') && !!$(el, 'li.app, .notice'),
    message,
    { timeout: 8000 },
  );
  await el.updateComplete;
}

export interface MountOptions {
  mode?: ConsentMode;
  accountPolicy?: string;
  autoSharePolicy?: string;
  lang?: string;
  /** Listeners attached before the element connects, so no load-time event can be missed. */
  on?: Record<string, (e: Event) => void>;
  /** Properties set once the first load settled (the bank's configuration). */
  props?: Partial<Pick<ConsentManager, 'undoSeconds' | 'forgottenDays' | 'fraudHref' | 'directory' | 'strings'>>;
}

/** A `<consent-manager>` against the demo BFF, after its first load settled. */
export async function mount(opts: MountOptions = {}) {
  const el = await fixture<ConsentManager>(html`<consent-manager
    lang=${opts.lang ?? 'en'}
    mode=${opts.mode ?? 'proxy'}
    account-policy=${opts.accountPolicy ?? 'editable'}
    auto-share-policy=${opts.autoSharePolicy ?? 'editable'}
    @consent-session-expired=${opts.on?.['consent-session-expired']}
    @consent-error=${opts.on?.['consent-error']}
  ></consent-manager>`);
  await settled(el);
  if (opts.props) {
    Object.assign(el, opts.props);
    await el.updateComplete;
  }
  return el;
}

/** The stop dialog once it is open (its element is defined on the first "Stop sharing"). */
export async function openDialog(el: ConsentManager) {
  await waitUntil(() => $<HTMLDialogElement>(el, 'dialog')?.open, 'dialog opens');
  return $<HTMLDialogElement>(el, 'dialog')!;
}

/** Confirms the open stop dialog. */
export async function confirmDialog(el: ConsentManager) {
  const dialog = await openDialog(el);
  $<HTMLButtonElement>(el, '[part~="confirm-button"]')!.click();
  await waitUntil(() => !dialog.open, 'dialog closes');
}

/** The element's focused control, inside its shadow root or one of its parts'. */
export function focused(el: ConsentManager) {
  let active = el.shadowRoot!.activeElement;
  while (active?.shadowRoot?.activeElement) active = active.shadowRoot.activeElement;
  return active as HTMLElement | null;
}

export const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

/**
 * Records every `fetch` the page starts from now on, as `METHOD /path`, at the moment it is started (not when it is
 * answered), and passes it on unchanged. With it, "nothing was sent" is checked once the flow settled, without
 * waiting for a request that might still be on its way.
 */
export function watchFetches() {
  const started: string[] = [];
  /** The headers each started request carries, in the same order. */
  const headers: Headers[] = [];
  const original = window.fetch;
  window.fetch = (input: RequestInfo | URL, init?: RequestInit) => {
    const url = new URL(input instanceof Request ? input.url : String(input), location.href);
    started.push(`${init?.method ?? (input instanceof Request ? input.method : 'GET')} ${url.pathname}`);
    headers.push(new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined)));
    return original.call(window, input, init);
  };
  return {
    started,
    headers,
    /** Stops the widget recorded with the BFF's ledger (one app's, or several in one request). */
    stops: () => started.filter((r) => r == 'POST /consent/stops' || r == 'POST /consent/stop-all'),
    restore: () => void (window.fetch = original),
  };
}

const EVENTS = [
  'consent-change',
  'consent-stop',
  'consent-error',
  'consent-session-expired',
  'consent-before-stop',
  'consent-unrecognized',
] as const;
type EventName = (typeof EVENTS)[number];

/** Records every consent-* event that reaches the document (so also proves they bubble out of the shadow root). */
export function recordEvents() {
  const seen: Record<EventName, CustomEvent[]> = Object.fromEntries(EVENTS.map((t) => [t, []])) as never;
  const listener = (e: Event) => seen[e.type as EventName].push(e as CustomEvent);
  for (const t of EVENTS) document.addEventListener(t, listener);
  return {
    seen,
    counts: () => Object.fromEntries(EVENTS.map((t) => [t, seen[t].length])) as Record<EventName, number>,
    stop: () => EVENTS.forEach((t) => document.removeEventListener(t, listener)),
  };
}

/**
 * Registers this suite's hooks: each test starts on a freshly reset sandbox, logged in as alex, with the widget's
 * events recorded from scratch. The returned object reads the current test's recorder.
 */
export function asAlexRecordingEvents() {
  let current: ReturnType<typeof recordEvents>;
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
    current = recordEvents();
  });
  afterEach(async () => {
    current.stop();
    await logout();
  });
  return {
    get seen() {
      return current.seen;
    },
    counts: () => current.counts(),
  };
}

/** Fetches the page made to the BFF or MX since `performance.clearResourceTimings()`, in order. */
export const apiRequests = () =>
  performance
    .getEntriesByType('resource')
    .filter((e) => (e as PerformanceResourceTiming).initiatorType == 'fetch' && /\/(consent|mx\/api)\//.test(new URL(e.name).pathname))
    .map((e) => new URL(e.name).pathname);

export const statusText = (el: ConsentManager) => $(el, '[role="status"]')!.textContent!.trim();
