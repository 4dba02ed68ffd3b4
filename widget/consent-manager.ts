import { Task, TaskStatus } from '@lit/task';
import { html, LitElement, nothing, type PropertyValues } from 'lit';
import type { Consent, ConsentAccount, ConsentMode } from '@consent-manager/contract';
import { ApiError, createApiClient, firstChanges, SESSION_EXPIRED, type ApiClient, type Visit } from './api-client.js';
import { appCard, appCards, deletionOf, keys, lastUsed, Lock, policyOf, seen, unusedSince, type CardContext, type Directory, type Outcome, type Policy } from './app-card.js';
import { emit, type ConsentChange } from './events.js';
import { accountName, appName, localeOf, prepareFormatters, sortTime } from './format.js';
import type { ConsentReceipt, VisitChange } from './receipt.js';
import type { FocusTarget, Hold, StopQueue } from './stop-queue.js';
import { base, fill, stringsFor, type Strings } from './strings.js';
import { styles } from './styles.js';

/** Above this many apps, search, sort and filters are offered. */
const HANDFUL = 5;
/** Above this many apps, the list starts as an overview: a row per app, its card on demand. */
const OVERVIEW = 10;
/** A first list renders this many cards per task, so that 200 apps never hold the main thread for long. */
const SLICE = 10;
const DAY_MS = 86_400_000;

/** A module loaded on first use; after a failed load, the next use tries again. */
function lazy<M>(load: () => Promise<M>) {
  let loading: Promise<M> | undefined;
  const part = {
    value: undefined as M | undefined,
    get: () =>
      (loading ??= load().then(
        (m) => (part.value = m),
        (e: unknown) => {
          loading = undefined;
          throw e;
        },
      )),
  };
  return part;
}

/**
 * The parts, each a chunk of its own in the drop-in build: the stop dialog with the stop queue, the review of unused
 * apps, the record; all defined once the first list was painted, or by the first action that needs one, whichever
 * comes first; the directory's "About" contents, once the page gives a directory. Their words come with them
 * (`stringsFor`).
 */
const parts = {
  stop: lazy(() => import('./stop.js')),
  review: lazy(() => import('./review/define.js')),
  record: lazy(() => import('./record/define.js')),
  about: lazy(() => import('./about.js')),
  extras: lazy(() => import('./extras.js')),
};

/** What the list shows after search, sort and the first list's slicing: worked out before each render. */
interface View {
  ctx: CardContext;
  shown: number;
  active: Consent[];
  history: Consent[];
  /** Apps that can still be stopped (not stopped, not waiting). */
  open: Consent[];
  /** Of those, the ones that search and filter show: what "Stop sharing with …" acts on. */
  stoppable: Consent[];
  forgotten: Consent[];
  any: boolean;
}

/** The apps a filter shows: every app, the active ones unused for `forgotten-days`, the stopped ones. */
type Filter = 'all' | 'unused' | 'stopped';

/**
 * Lists the customer's connected apps and lets them share or stop sharing accounts with each.
 *
 * @summary Data-sharing consent dashboard for online banking (MX Consent Management).
 *
 * @attr bff - Where the bank mounted the BFF. Default `/consent`.
 * @attr mode - `proxy` (default: the BFF relays, no token in the browser) or `direct` (bearer token from the BFF, calls MX).
 * @attr account-policy - Per-account switches: `editable` (default), `read-only` (state in words) or `hidden`.
 * @attr auto-share-policy - The auto-share switch: `editable` (default), `read-only` or `hidden`.
 * @attr theme - `light` or `dark` forces a scheme; absent, the OS preference (or the page's `color-scheme`) decides.
 * @attr undo-seconds - After "Stop sharing" is confirmed, how long the customer may undo it before it is sent. Default `0` (no window).
 * @attr forgotten-days - Apps unused for longer are marked and offered for review. Default `90`; `0` turns it off.
 * @attr fraud-href - The bank's page for reporting an app the customer does not recognize (`https:` or same-origin).
 * @attr heading-level - The level of the element's section headings, so that they fit under the page's own (apps are
 *   one level below). Default `2`.
 *
 * @slot empty - Replaces the "No apps connected" text.
 * @slot help - The bank's phone number or chat, shown in the error panel, in the stop dialog, and under the notice of
 *   apps that could not be shown.
 *
 * @event consent-change - An account or auto-share change was applied. `detail: { consent, change }`.
 * @event consent-stop - Sharing with an app was stopped. `detail: { consent }`.
 * @event consent-error - A load or a change failed. `detail: { code, message }`; a list with records that could not be
 *   read (the others are shown) gives `code: 'unreadable_consents'` and their number as `unreadable`.
 * @event consent-session-expired - The bank session is gone; sign the customer in, then call `reload()`.
 * @event consent-before-stop - Cancelable, before sharing is stopped. `detail: { consent, consents, resume(), abandon() }`:
 *   call `preventDefault()` to hold the stop (e.g. for step-up authentication), then `resume()` or `abandon()`.
 * @event consent-unrecognized - The customer did not recognize an app; sharing with it was stopped (or tried).
 *   `detail: { consent, stopped }`: hand over to the bank's fraud flow.
 *
 * @csspart base - The wrapper of everything.
 * @csspart status - The live region that announces outcomes.
 * @csspart notice - The empty, error and session-expired panels.
 * @csspart app - One app's card.
 * @csspart logo - An app's logo or initials.
 * @csspart app-name - An app's name.
 * @csspart badge - An app's status in words (Sharing / Connected, no accounts shared / Stopping… / Stopped).
 * @csspart expand - With many apps, an app's row in the overview (a button that shows or hides its card).
 * @csspart outcome - What came of the last action, beside the control acted on.
 * @csspart filters - The filters (more than five apps).
 * @csspart switch - Every switch.
 * @csspart button - Every text button (stop, retry, dialog buttons).
 * @csspart stop-button - Each app's "Stop sharing" button.
 * @csspart unrecognized-button - Each app's "I don't recognize this app" button.
 * @csspart stop-all-button - The "Stop sharing with every app" button.
 * @csspart confirm-button - The dialog's confirming button.
 * @csspart history - The section of stopped apps.
 * @csspart dialog - The confirmation dialog.
 * @csspart undo - A stop's undo bar, with its countdown.
 * @csspart undo-button - Its Undo button.
 * @csspart progress - The progress of stopping every app, and its failures.
 * @csspart forgotten - An app's "Unused since" mark.
 * @csspart forgotten-notice - The panel offering the review of unused apps.
 * @csspart review-button - Its button.
 * @csspart review - The review of unused apps.
 * @csspart keep-button - The review's "Keep sharing" button.
 * @csspart details - An app's entry from the bank's directory (a `<details>`).
 * @csspart link - Every link (directory, fraud report).
 * @csspart fraud - The link to the bank's fraud report, after an app was not recognized.
 * @csspart search - The search field (more than five apps).
 * @csspart sort - The sort menu (more than five apps).
 * @csspart receipt - The record section: the customer's changes across visits, print and download.
 * @csspart away - The "while you were away" notice: stops carried out, or failed for good, since the customer left.
 * @csspart dismiss-button - Its "Dismiss" button.
 * @csspart print-button - Its print button.
 * @csspart download-button - Its JSON download button.
 *
 * @cssproperty --consent-color-text - Body text.
 * @cssproperty --consent-color-muted - Secondary text (keep 4.5:1 against surface).
 * @cssproperty --consent-color-bg - Widget and dialog background.
 * @cssproperty --consent-color-surface - Card background.
 * @cssproperty --consent-color-border - Borders and switches when off (keep 3:1).
 * @cssproperty --consent-color-accent - Switches when on, focus rings, links.
 * @cssproperty --consent-color-on-accent - The switch knob when on.
 * @cssproperty --consent-color-danger - The confirming "Stop sharing" button.
 * @cssproperty --consent-color-on-danger - Its text.
 * @cssproperty --consent-color-success - The "Sharing" badge.
 * @cssproperty --consent-radius - Corner radius. Default `0.5rem`.
 * @cssproperty --consent-font - Font family. Default `system-ui, sans-serif`.
 * @cssproperty --consent-spacing - Base gap and padding. Default `1rem`.
 */
export class ConsentManager extends LitElement {
  static override styles = styles;
  static override shadowRootOptions = { ...LitElement.shadowRootOptions, delegatesFocus: true };
  // Declared here rather than with decorators: the decorators' runtime would add about 1 KB gzipped to the first screen.
  static override properties = {
    bff: {},
    mode: {},
    accountPolicy: { attribute: 'account-policy' },
    autoSharePolicy: { attribute: 'auto-share-policy' },
    undoSeconds: { type: Number, attribute: 'undo-seconds' },
    forgottenDays: { type: Number, attribute: 'forgotten-days' },
    fraudHref: { attribute: 'fraud-href' },
    headingLevel: { type: Number, attribute: 'heading-level' },
    directory: { attribute: false },
    strings: { attribute: false },
    consents: { state: true },
    busy: { state: true },
    message: { state: true },
    expired: { state: true },
    loadFailed: { state: true },
    unreadable: { state: true },
    broken: { state: true },
    query: { state: true },
    sort: { state: true },
    changes: { state: true },
    stopping: { state: true },
    reviewing: { state: true },
    kept: { state: true },
    filter: { state: true },
    expanded: { state: true },
    outcome: { state: true },
    queued: { state: true },
  };

  /** Where the bank mounted the BFF. */
  bff = '/consent';

  /** `proxy`: the BFF relays every call. `direct`: the widget calls MX with a token the BFF issues. */
  mode: ConsentMode = 'proxy';

  /** Per-account switches; an unknown value counts as `read-only`. */
  accountPolicy: Policy = 'editable';

  /** The auto-share switch; an unknown value counts as `read-only`. */
  autoSharePolicy: Policy = 'editable';

  /**
   * Seconds during which a confirmed stop can be taken back; nothing is sent to MX until they have passed
   * (MX's stop is one-way). The BFF holds the stop (up to the bank's own window) and sends it when due, whether or
   * not the page is still open; a reload in the window shows the time left.
   */
  undoSeconds = 0;

  /** Days without access after which an app is marked as forgotten and offered for review; 0 turns it off. */
  forgottenDays = 90;

  /** The bank's fraud-report page, linked after the customer stops an app they do not recognize. */
  fraudHref?: string;

  /** The level of the section headings (1–5); the apps' are one below. */
  headingLevel = 2;

  /** What the bank says about each app, keyed by `application_name`: what it can see (on its card, in the stop dialog and the receipt), its deletion link, more under About. An app without a list says so and points to the bank. */
  directory: Directory = {};

  /** Overrides for any of the shown words; the rest follow the page's `lang` (English, Spanish). */
  strings: Partial<Strings> = {};

  private consents?: Consent[];
  private busy?: string;
  private message = '';
  private expired = false;
  private loadFailed = false;
  /** Records of the last list that could not be read: not shown, but said, with the bank's help channel. */
  private unreadable = 0;
  private broken: ReadonlySet<string> = new Set();
  private query = '';
  private sort = 'connected';
  private changes: VisitChange[] = [];
  /** This visit, for the customer's history (the record, the "while you were away" notice): new when `reload()` runs. */
  private visit: Visit = { at: Date.now() };
  /** The apps the stop dialog asks about, and whether because the customer did not recognize the app. */
  private stopping?: { cs: Consent[]; fraud: boolean };
  private reviewing?: { ids: string[]; i: number };
  /** Apps the customer chose to keep in the review: not offered again in this visit. */
  private kept: ReadonlySet<string> = new Set();
  private filter: Filter = 'all';
  /** The overview's rows the customer opened. */
  private expanded: ReadonlySet<string> = new Set();
  /** What came of the last action, shown where it was taken until the next one. */
  private outcome?: Outcome;
  /** A change tapped while another was saving: made once that one is done. */
  private queued?: { key: string; go: () => void };
  /** The control that had focus last, to find focus a place when it goes away. */
  private lastFocus?: Element;
  private loadingSaid = false;

  private client!: ApiClient;
  /** The stops confirmed (undo window, outcome): made with the stop dialog's chunk, on first use or when one is pending. */
  private queue?: StopQueue;
  /** Where focus returns once the stop dialog closes. */
  private trigger?: HTMLElement;
  private lock = new Lock();
  /** The words in use, and what they were made of: kept while another language loads. */
  private shown?: { table: Partial<Strings>; strings: Partial<Strings>; t: Strings };
  /** `shown.t` with the English words of the on-demand parts under it, once they are here. */
  private full?: { t: Strings; more?: Partial<Strings>; words: Strings };
  /** A part was asked for: its words are part of `t` from then on. */
  private more = false;
  private locale = 'en';
  /** The contents of the directory's "About" sections, made for this directory in these words. */
  private about?: { directory: Directory; t: Strings; of(c: Consent): unknown };
  private view?: View;
  /** Chunks the element went without so far (the page's language, parts): `updateComplete` waits for them. */
  private pending = new Set<Promise<unknown>>();
  /** How many cards to render: a first list grows by `SLICE` per task until all are there (`updateComplete` waits). */
  private limit = Infinity;
  private slicing?: Promise<void>;
  /** A list (not its skeleton) was rendered: the record is on its way (see `updated`). */
  private listShown = false;
  /** The first list was painted: what is not needed for it may load now. */
  private painted = false;
  private langWatch = new MutationObserver(() => this.requestUpdate());

  /** The customer's list: loaded on first update, again when `bff` or `mode` changes, and on `reload()`. */
  private list = new Task(this, {
    task: ([client], { signal }) => {
      const list = client.list(signal);
      // While it is on its way: what the first render would otherwise spend its longest task on.
      prepareFormatters(this.locale);
      return list;
    },
    args: () => [this.client] as const,
    onComplete: (list) => {
      // A first list comes in slices (see `updated`); a list that replaces one on screen, at once.
      if (!this.consents) this.limit = SLICE;
      this.consents = list;
      this.loadFailed = false;
      this.unreadable = list.unreadable ?? 0;
      if (this.unreadable) {
        emit(this, 'consent-error', {
          code: 'unreadable_consents',
          message: `${this.unreadable} of the upstream's consent records could not be read; the others are shown.`,
          unreadable: this.unreadable,
        });
      }
      if (this.message == this.shown?.t.loading) this.message = '';
    },
    onError: (e) => {
      this.loadFailed = true;
      this.report(e);
    },
  });

  /** Loads the list again, e.g. after the page signed the customer back in. */
  reload(): Promise<void> {
    this.expired = false;
    // Nothing of the earlier session is kept: the page may have signed another customer in.
    this.client.forget();
    this.queue?.drop();
    this.visit = { at: Date.now() };
    return this.list.run().then(() => this.pendingStops());
  }

  /** The customer's stops the BFF still holds (a reload in the undo window): their countdown and Undo, from the stop chunk. */
  private async pendingStops() {
    if (!this.consents || this.expired) return;
    const client = this.client;
    try {
      const stop = await parts.stop.get();
      const found = stop.outstanding(await firstChanges(client, this.visit));
      if (client == this.client && (found.length || this.queue)) this.stopQueue(stop).adopt(found);
    } catch (e) {
      // A chunk that did not load is tried again by the first stop; what the ledger could not say, by the next load.
      if (e instanceof ApiError) this.report(e);
    }
  }

  /** The customer's connections and their changes across visits as the BFF holds them, with times (what "Download" saves). */
  async receipt(): Promise<ConsentReceipt> {
    const { receiptFor } = await parts.record.get();
    const { client, visit, changes, seen } = this;
    return receiptFor({ client, visit, consents: this.consents ?? [], changes, direct: this.mode == 'direct', seen });
  }

  /** What an app can see per the bank's directory, in the page's words; undefined when it does not say. */
  private seen = (c: Consent) => seen(c, this.directory ?? {}, this.t);

  override connectedCallback() {
    super.connectedCallback();
    this.langWatch.observe(document, { attributeFilter: ['lang'], subtree: true });
    addEventListener('pageshow', this.onPageShow);
    this.renderRoot.addEventListener?.('focusin', this.onFocusIn);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.langWatch.disconnect();
    removeEventListener('pageshow', this.onPageShow);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('bff') || changed.has('mode')) {
      this.client = createApiClient({ bff: this.bff, mode: this.mode == 'direct' ? 'direct' : 'proxy' });
      this.consents = undefined;
      this.visit = { at: Date.now() };
    }
    this.lock.set(this.locked);
    this.locale = localeOf(this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang);
    // The directory's "About" sections show their summary, closed, with the list; their contents (a chunk, in the
    // parts' words) are fetched once the list was painted.
    const directory = this.directory ?? {};
    // What apps can see is on every card, in the parts' words: with a directory that lists it, they are fetched
    // alongside the list, and a first list waits for them (see `body`).
    if (Object.values(directory).some((e) => e?.data?.length) && !this.full?.more) {
      const words = this.partWords();
      if (words) this.wait(words);
    }
    if (Object.keys(directory).length && this.painted) {
      const words = this.partWords();
      if (words) this.wait(words);
      if (!parts.about.value) this.wait(parts.about.get());
    }
    // Many apps start as an overview, whose rows come with the extras: a first list waits for them.
    if (this.consents && this.consents.length > OVERVIEW && !parts.extras.value) this.wait(this.extras());
    this.words();
    const aboutOf = parts.about.value?.aboutOf;
    if (aboutOf && this.full?.more && (this.about?.directory != directory || this.about.t != this.t))
      this.about = { directory, t: this.t, of: aboutOf(directory, this.t) };
    this.view = this.shown && this.consents ? this.arrange(this.consents, this.t) : undefined;
  }

  protected override updated() {
    // Loading is said in the live region once it is on the page (a region's first content is not announced).
    if (!this.loadingSaid && this.shown && this.list.status == TaskStatus.PENDING) {
      this.loadingSaid = true;
      this.announce(this.shown.t.loading);
    }
    this.rescueFocus();
    // A change tapped while another was saving goes once nothing is in flight (after this update, not within it).
    const q = this.queued;
    if (q && !this.locked)
      queueMicrotask(() => {
        if (this.queued != q) return;
        this.queued = undefined;
        q.go();
      });
    // The rest of a first list comes `SLICE` cards per task; `updateComplete` waits for the last of them.
    if (this.view && this.limit < this.view.shown)
      this.wait(
        (this.slicing ??= new Promise((go) => setTimeout(go)).then(() => {
          this.limit += SLICE;
          this.slicing = undefined;
        })),
      );
    // Once the list was painted (nothing below is worth delaying it for): the record below it, and the other parts and
    // their words, so that the first action on them answers at once. An action that comes first loads its part itself (see `load`).
    if (this.listReady() && !this.listShown) {
      this.listShown = true;
      const painted = new Promise((done) => requestAnimationFrame(() => setTimeout(done)));
      this.wait(
        painted.then(() => {
          this.painted = true;
          this.requestUpdate();
          return Promise.all([parts.record.get(), parts.stop.get(), parts.review.get(), this.extras(), this.partWords()]);
        }),
      );
      this.wait(painted.then(() => this.pendingStops()));
    }
  }

  protected override async getUpdateComplete() {
    let done = await super.getUpdateComplete();
    while (this.pending.size) {
      await Promise.allSettled(this.pending);
      done = await super.getUpdateComplete();
    }
    // The parts (each has `exportparts`) render on their own schedule.
    for (const part of this.renderRoot.querySelectorAll<LitElement>('[exportparts]')) await part.updateComplete;
    return done;
  }

  /** The extras chunk (outcomes, undo bars, the overview's rows), its styles adopted once it is here. */
  private extras() {
    return parts.extras.get().then((x) => {
      const root = this.renderRoot as ShadowRoot;
      const sheet = x.extraStyles.styleSheet;
      if (sheet && !root.adoptedStyleSheets.includes(sheet)) root.adoptedStyleSheets = [...root.adoptedStyleSheets, sheet];
      this.requestUpdate();
    });
  }

  /**
   * The view, once the list itself can render (else a skeleton shows): rows of many apps come with the extras, and
   * what apps can see comes in the parts' words, so a first list waits for them.
   */
  private listReady(): View | undefined {
    const view = this.view;
    const data = Object.values(this.directory ?? {}).some((e) => e?.data?.length);
    return !view || (view.ctx.overview && !view.ctx.extras) || (data && !this.full?.more) ? undefined : view;
  }

  /** Updates again once `chunk` settled; until then `updateComplete` waits for it. */
  private wait(chunk: Promise<unknown>) {
    if (this.pending.has(chunk)) return;
    this.pending.add(chunk);
    const settled = () => {
      this.pending.delete(chunk);
      this.requestUpdate();
    };
    chunk.then(settled, settled);
  }

  /** A part for an action: at once when loaded, else once loaded, the trigger (`busy` key) showing it. */
  private async load<M>(part: { value?: M; get(): Promise<M> }, busy: string): Promise<M | undefined> {
    const words = this.partWords();
    if (part.value && !words) return part.value;
    this.busy = busy;
    try {
      await Promise.all([part.get(), words]);
      return part.value;
    } catch {
      this.report(new ApiError('network', 'The widget could not load its views.'));
      this.announce(this.t.unavailable);
    } finally {
      this.busy = undefined;
    }
  }

  /** The parts' words in the page's language: from now on part of `t`; a promise while they load. */
  private partWords() {
    this.more = true;
    const words = stringsFor(this.locale, true);
    return words instanceof Promise ? words : undefined;
  }

  /**
   * English, the page's language over it, the page's `strings` over both; none until the page's language has arrived
   * the first time (no English flash). The same object while none of them changes, so cards need not re-render.
   */
  private words() {
    const first = stringsFor(this.locale);
    if (first instanceof Promise) this.wait(first);
    else if (this.shown?.table != first || this.shown.strings != this.strings)
      this.shown = { table: first, strings: this.strings, t: { ...base, ...first, ...this.strings } as Strings };
    const table = this.more ? stringsFor(this.locale, true) : undefined;
    if (table instanceof Promise) this.wait(table);
    const more = table instanceof Promise ? this.full?.more : table;
    const t = this.shown?.t;
    if (t && (this.full?.t != t || this.full.more != more)) this.full = { t, more, words: more ? { ...more, ...t } : t };
  }

  /** For handlers and the parts' words, which only show once something was rendered, so with words. */
  private get t(): Strings {
    return this.full!.words;
  }

  /** Controls refuse input while anything is in flight, so no answer can overwrite a newer one. */
  private get locked() {
    return !!(this.busy || this.queue?.busy) || this.list.status == TaskStatus.PENDING || this.expired;
  }

  private async announce(text: string) {
    // Emptying first makes a repeated message a change, so screen readers announce it again.
    this.message = '';
    await this.updateComplete;
    this.message = text;
  }

  private byId = (id: string) => this.consents?.find((c) => c.id == id);

  private isHeld = (id: string) => !!this.queue?.isHeld(id);

  /** Session expiry gets its own state and event; anything else becomes `consent-error`. */
  private report = (e: unknown) => {
    if (e instanceof ApiError && e.code == SESSION_EXPIRED) {
      // A question asked in the dialog no longer stands.
      if (this.stopping) this.dialogClosed(false);
      if (!this.expired) {
        this.expired = true;
        emit(this, 'consent-session-expired', null);
      }
      return false;
    }
    emit(this, 'consent-error', {
      code: e instanceof ApiError ? e.code : 'unknown',
      message: e instanceof Error ? e.message : String(e),
    });
    return true;
  };

  /** Keeps what the customer changed in this visit, for the record and its download. */
  private log(c: Consent, change: ConsentChange | { kind: 'stop' }) {
    const a = change.kind == 'account' ? c.accounts.find((x) => x.account_id == change.accountId) : undefined;
    this.changes = [
      ...this.changes,
      {
        at: new Date().toISOString(),
        consent_id: c.id,
        application_name: appName(c, this.t),
        ...(a && { account: accountName(a, this.t), account_number_display: a.account_number_display ?? undefined }),
        ...change,
      },
    ];
  }

  private replace(updated: Consent) {
    this.consents = this.consents?.map((x) => (x.id == updated.id ? updated : x));
  }

  /**
   * Runs one change. Success: the upstream's answer replaces the consent. Failure: say so, then re-read,
   * because a write that timed out may or may not have landed and only the upstream knows which.
   */
  private async change(c: Consent, key: string, call: () => Promise<Consent>, change: (u: Consent) => ConsentChange) {
    const t = this.t;
    const app = appName(c, t);
    this.busy = key;
    this.outcome = undefined;
    if (!parts.extras.value) this.wait(this.extras());
    try {
      const updated = await call();
      this.replace(updated);
      const what = change(updated);
      this.log(updated, what);
      this.said(key, c, fill(t.saved, { app }), false);
      emit(this, 'consent-change', { consent: updated, change: what });
    } catch (e) {
      if (this.report(e)) {
        this.said(key, c, fill(t.saveFailed, { app }), true);
        this.list.run();
      }
    } finally {
      this.busy = undefined;
    }
  }

  /** An outcome beside the control acted on (a failure as an alert), and in the live region. */
  private said(key: string, c: Consent, text: string, error: boolean) {
    this.outcome = { key, id: c.id, text, error };
    this.announce(text);
  }

  /**
   * A tap on a switch: made now, or, while another change is saving, queued to go next (the switch says it waits);
   * a second tap on the queued switch takes it back. The change is worked out when it goes, from the list as it is then.
   */
  private tap(c: Consent, key: string, go: (c: Consent) => void) {
    if (this.isHeld(c.id)) return;
    if (!this.locked) return go(c);
    if (this.busy && this.busy != key && !this.expired)
      this.queued =
        this.queued?.key == key
          ? undefined
          : {
              key,
              go: () => {
                const now = this.byId(c.id);
                if (now && !now.revoked_at && !this.isHeld(now.id)) go(now);
              },
            };
  }

  private onAccount = (c: Consent, a: ConsentAccount) => {
    const id = a.account_id;
    this.tap(c, keys.account(c, a), (c) => {
      const on = !!c.accounts.find((x) => x.account_id == id)?.enabled;
      this.change(
        c,
        keys.account(c, a),
        () => this.client.setAccount(c.id, id, !on),
        (u) => ({ kind: 'account', accountId: id, enabled: !!u.accounts.find((x) => x.account_id == id)?.enabled }),
      );
    });
  };

  private onAutoShare = (c: Consent) =>
    this.tap(c, keys.autoShare(c), (c) =>
      this.change(
        c,
        keys.autoShare(c),
        () => this.client.setAutoShare(c.id, !c.auto_enable_future_accounts),
        // An answer without the field: the value asked for, which MX answered 200 to.
        (u) => ({ kind: 'auto-share', enabled: u.auto_enable_future_accounts ?? !c.auto_enable_future_accounts }),
      ),
    );

  private onExpand = (c: Consent) => {
    const open = new Set(this.expanded);
    if (!open.delete(c.id)) open.add(c.id);
    this.expanded = open;
  };

  private onUndo = (c: Consent) => {
    const h = this.queue?.held.find((h) => h.ids.length == 1 && h.ids[0] == c.id);
    if (h) this.queue!.undo(h);
  };

  /** Seconds left before an app's own stop is sent (a stop of several apps shows its undo with their progress). */
  private undoIn = (c: Consent) => {
    const h = this.queue?.held.find((h) => h.ids.length == 1 && h.ids[0] == c.id);
    return h && Math.max(1, Math.ceil((h.until - Date.now()) / 1000));
  };

  /** Opens the confirmation for one app (`fraud`: one the customer does not recognize) or for several. */
  private onStop = async (c: Consent | Consent[], e: Event, fraud = false) => {
    const cs = [c].flat();
    if (this.locked || cs.some((x) => this.isHeld(x.id))) return;
    this.outcome = undefined;
    const trigger = e.currentTarget as HTMLElement;
    const stop = await this.load(parts.stop, cs.length > 1 ? 'stop-all-button' : keys.stop(cs[0]!));
    if (!stop) return;
    this.stopQueue(stop);
    this.trigger = trigger;
    this.stopping = { cs, fraud };
  };

  private stopQueue(stop: NonNullable<typeof parts.stop.value>) {
    return (this.queue ??= new stop.StopQueue(this, {
      client: () => this.client,
      words: () => this.t,
      byId: this.byId,
      announce: (text) => this.announce(text),
      report: (e) => this.report(e),
      stopped: (c) => {
        this.replace(c);
        this.log(c, { kind: 'stop' });
      },
      settled: (ids, failed) => {
        const t = this.t;
        const c = ids.length == 1 && this.byId(ids[0]!);
        if (c) this.outcome = { key: keys.stop(c), id: c.id, error: failed.length > 0, text: fill(failed.length ? t.stopFailed : t.stoppedMsg, { app: appName(c, t) }) };
      },
      held: (ids, seconds) => {
        const r = this.reviewing;
        if (r?.ids[r.i] == ids[0]) this.next();
        else if (seconds) this.focusOn(ids.length == 1 ? { undoOf: ids[0]! } : { undo: true });
      },
      reload: () => this.list.run(),
      focus: (target) => this.focusOn(target),
    }));
  }

  private dialogClosed(confirmed: boolean) {
    const s = this.stopping;
    this.stopping = undefined;
    this.trigger?.focus();
    if (confirmed && s) this.queue!.confirm(s.cs, s.fraud);
  }

  private onIconError = (c: Consent) => (this.broken = new Set(this.broken).add(c.id));

  private async onReview(ids: string[]) {
    if (this.locked || !(await this.load(parts.review, 'review-button'))) return;
    this.reviewing = { ids, i: 0 };
    this.focusOn({ app: ids[0]! });
  }

  private next() {
    const r = this.reviewing!;
    this.reviewing = { ...r, i: r.i + 1 };
    const id = r.ids[r.i + 1];
    if (id) this.focusOn({ app: id });
    else this.updateComplete.then(() => this.renderRoot.querySelector('consent-review')?.focusTitle());
  }

  private onKeep = () => {
    const c = this.byId(this.reviewing!.ids[this.reviewing!.i]!)!;
    this.kept = new Set(this.kept).add(c.id);
    this.announce(fill(this.t.undone, { app: appName(c, this.t) }));
    this.next();
  };

  private onReviewBack = async () => {
    this.reviewing = undefined;
    await this.updateComplete;
    this.focus();
  };

  /**
   * Moves focus once the element rendered what it is about: an Undo, an app (its heading, or the outcome left where
   * its card was once it stopped), the fraud report link.
   */
  private async focusOn(target: FocusTarget | { undoOf: string }) {
    await this.updateComplete;
    const root = this.renderRoot;
    const status = root.querySelector('consent-stop-status');
    const app = (id: string, where = '') => root.querySelector<HTMLElement>(`${where}[data-id="${CSS.escape(id)}"] :is(h3[tabindex], h3 button)`);
    if ('undoOf' in target) root.querySelector<HTMLElement>(`[data-id="${CSS.escape(target.undoOf)}"] [part~="undo-button"]`)?.focus();
    else if ('undo' in target) status?.focusUndo();
    else if ('fraud' in target) status?.focusReport();
    else if (target.history) (root.querySelector<HTMLElement>(`[data-gone="${CSS.escape(target.app)}"]`) ?? app(target.app, '.history '))?.focus();
    else app(target.app)?.focus();
  }

  private onFocusIn = (e: Event) => (this.lastFocus = e.composedPath()[0] as Element);

  /**
   * The control that had focus went away with what it acted on (an app stopped, every app stopped, a filter): focus
   * goes to the outcome left in its place, the "no apps" notice, the list's heading, or the element, never the page.
   */
  private rescueFocus() {
    const last = this.lastFocus;
    if (!last || last.isConnected) return;
    this.lastFocus = undefined;
    const active = document.activeElement;
    if (active && active != document.body && active != this) return;
    const root = this.renderRoot;
    const to = root.querySelector<HTMLElement>('[data-gone], .none, .lists [tabindex="-1"]');
    if (to) to.focus();
    else this.focus();
  }

  /** Back from the back/forward cache: the list and the stops the BFF holds may have moved on meanwhile. */
  private onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) this.list.run().then(() => this.pendingStops());
  };

  private async retry() {
    await this.reload();
    await this.updateComplete;
    this.focus();
  }

  private button = (text: string, part: string, click: (e: Event) => void, label?: string) =>
    html`<button
      type="button"
      class="btn"
      part="button ${part}"
      aria-label=${label ?? nothing}
      aria-busy=${this.busy == part}
      aria-disabled=${this.locked}
      @click=${click}
    >
      ${text}
    </button>`;

  /** Search, sort, the first list's slice, the sections: what the next render shows. */
  private arrange(list: Consent[], t: Strings): View {
    const locale = this.locale;
    const now = Date.now();
    const held = new Set(list.map((c) => c.id).filter(this.isHeld));
    const ctx: CardContext = {
      t,
      locale,
      now,
      level: this.level,
      accountPolicy: policyOf(this.accountPolicy),
      autoSharePolicy: policyOf(this.autoSharePolicy),
      busy: this.busy ?? this.queue?.busy,
      queued: this.queued?.key,
      outcome: this.outcome,
      locked: false,
      lock: this.lock,
      broken: this.broken,
      held,
      undoIn: this.queue?.held.length ? this.undoIn : undefined,
      forgotten: this.forgottenDays > 0 ? now - this.forgottenDays * DAY_MS : -Infinity,
      directory: this.directory ?? {},
      about: this.about?.of,
      extras: parts.extras.value,
      overview: list.length > OVERVIEW,
      expanded: this.expanded,
      onIconError: this.onIconError,
      onAccount: this.onAccount,
      onAutoShare: this.onAutoShare,
      onStop: this.onStop,
      onUndo: this.onUndo,
      onExpand: this.onExpand,
    };
    const q = this.query.trim().toLowerCase();
    const order: Record<string, (a: Consent, b: Consent) => number> = {
      name: (a, b) => appName(a, t).localeCompare(appName(b, t), locale),
      used: (a, b) => sortTime(lastUsed(a)) - sortTime(lastUsed(b)),
      connected: (a, b) => sortTime(b.consented_on) - sortTime(a.consented_on),
    };
    const unused = (c: Consent) => !c.revoked_at && unusedSince(c, ctx.forgotten);
    const filter = this.filter;
    const shown = list
      .filter((c) => appName(c, t).toLowerCase().includes(q))
      .filter((c) => (filter == 'stopped' ? c.revoked_at : filter == 'unused' ? unused(c) : true))
      .sort(order[this.sort] ?? order.connected);
    const all = list.filter((c) => !c.revoked_at);
    const open = all.filter((c) => !held.has(c.id));
    const limit = this.limit;
    // An app just stopped keeps its place in the list, as the outcome of the stop, until the next action.
    const o = this.outcome;
    const gone = (c: Consent) => o && !o.error && o.id == c.id && o.key == keys.stop(c);
    const active = shown.filter((c) => !c.revoked_at || gone(c)).slice(0, limit);
    return {
      ctx,
      shown: shown.length,
      active,
      history: shown
        .filter((c) => c.revoked_at)
        .sort((a, b) => (b.revoked_at! > a.revoked_at! ? 1 : -1))
        .slice(0, limit - active.length),
      open,
      stoppable: active.filter((c) => !c.revoked_at && !held.has(c.id)),
      forgotten: open.filter((c) => !this.kept.has(c.id) && unused(c)),
      any: all.length > 0,
    };
  }

  /** The level of the section headings, as the page asked (1–5). */
  private get level() {
    const n = Math.round(Number(this.headingLevel));
    return n >= 1 && n <= 5 ? n : 2;
  }

  private tools(t: Strings, shown: number, total: number) {
    const filters: [Filter, string][] = [
      ['all', t.filterAll],
      ['unused', fill(t.filterUnused, { days: this.forgottenDays })],
      ['stopped', t.filterStopped],
    ];
    const sorts = [
      ['connected', t.sortConnected],
      ['name', t.sortName],
      ['used', t.sortUsed],
    ];
    return html`<div class="bar tools">
      <label class="grow"
        >${t.search}
        <input
          type="search"
          part="search"
          .value=${this.query}
          @input=${(e: Event) => {
            this.query = (e.target as HTMLInputElement).value;
            this.outcome = undefined;
          }}
      /></label>
      <label
        >${t.sort}
        <select part="sort" @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value)}>
          ${sorts.map(([v, text]) => html`<option value=${v!} ?selected=${this.sort == v}>${text}</option>`)}
        </select></label
      >
      <fieldset class="filters" part="filters">
        <legend>${t.show}</legend>
        ${filters
          .filter(([f]) => f != 'unused' || this.forgottenDays > 0)
          .map(
            ([f, text]) =>
              html`<label
                ><input
                  type="radio"
                  name="filter"
                  value=${f}
                  .checked=${this.filter == f}
                  @change=${() => {
                    this.filter = f;
                    this.outcome = undefined;
                  }}
                />${text}</label
              >`,
          )}
      </fieldset>
      <p role="status" class="muted">${this.query.trim() || this.filter != 'all' ? fill(t.matches, { n: shown, total }) : ''}</p>
    </div>`;
  }

  /** The review of unused apps in place of the list: one card at a time in `<consent-review>`. */
  private review(view: View, { ids, i }: { ids: string[]; i: number }) {
    const c = this.byId(ids[i] ?? '');
    const locked = this.locked || !!c?.revoked_at;
    return html`<consent-review
      part="review"
      exportparts="button, keep-button, stop-button"
      .consent=${c}
      .step=${i}
      .total=${ids.length}
      .locked=${locked}
      .busy=${!!c && (this.busy ?? this.queue?.busy) == keys.stop(c)}
      .strings=${this.t}
      @consent-review-keep=${this.onKeep}
      @consent-review-stop=${(e: Event) => this.onStop(c!, e)}
      @consent-review-back=${this.onReviewBack}
      >${c ? html`<ul class="apps">${appCard(c, { ...view.ctx, review: true })}</ul>` : nothing}</consent-review
    >`;
  }

  private body(t: Strings) {
    const level = this.level;
    if (this.expired) return html`<p class="notice err" part="notice" role="alert">${t.expired}</p>`;
    if (this.loadFailed)
      return html`<div class="notice err" part="notice">
        <p role="alert"><span aria-hidden="true">⚠</span> ${t.loadFailed}</p>
        <slot name="help"></slot>
        <button
          type="button"
          class="btn"
          part="button"
          aria-busy=${this.list.status == TaskStatus.PENDING}
          @click=${this.retry}
        >
          ${t.retry}
        </button>
      </div>`;
    const view = this.listReady();
    if (!view)
      return html`<div class="apps" part="skeleton" aria-hidden="true">
        ${[0, 1, 2].map(() => html`<div class="skeleton"><span></span><span></span></div>`)}
      </div>`;
    if (this.reviewing) return this.review(view, this.reviewing);

    const { ctx, forgotten, stoppable } = view;
    const list = this.consents!;
    const filtered = !!this.query.trim() || this.filter != 'all';
    const showActive = view.any && this.filter != 'stopped';
    const stopLabel = filtered ? fill(t.stopShown, { n: stoppable.length }) : fill(t.stopAllN, { n: stoppable.length });
    // The help slot is the stop dialog's while it is open: a name slots into the first of its slots only.
    const unreadable = this.unreadable
      ? html`<div class="notice" part="unreadable-notice">
          <p>${this.unreadable == 1 ? t.unreadableOne : fill(t.unreadableMany, { n: this.unreadable })}</p>
          ${this.stopping ? nothing : html`<slot name="help"></slot>`}
        </div>`
      : nothing;
    return html`${unreadable}<consent-away exportparts="away, button, dismiss-button" .client=${this.client} .visit=${this.visit} .consents=${list} .locale=${this.locale} .strings=${this.t}
        >${this.stopping || this.unreadable ? nothing : html`<slot name="help" slot="help"></slot>`}</consent-away
      >
      ${list.length > HANDFUL ? this.tools(t, view.shown, list.length) : nothing}
    ${forgotten.length && this.filter == 'all'
      ? html`<div class="notice bar" part="forgotten-notice">
          <p class="grow">${fill(t.unusedNote, { days: this.forgottenDays, n: forgotten.length })}</p>
          ${this.button(t.review, 'review-button', () => this.onReview(forgotten.map((c) => c.id)))}
        </div>`
      : nothing}
    <div class="lists">
      ${!view.shown && list.length
        ? html`<p class="notice" part="notice">${t.noMatch}</p>`
        : showActive
          ? html`<section class="active" aria-labelledby="active">
              <h2 id="active" tabindex="-1" aria-level=${level}>${t.active}</h2>
              ${view.active.length
                ? html`<ul class="apps">
                    ${appCards(view.active, { ...ctx, gone: true })}
                  </ul>`
                : nothing}
              ${stoppable.length > 1 ? this.button(stopLabel, 'stop-all-button', (e) => this.onStop(stoppable, e)) : nothing}
              ${this.queue ? this.stops(this.queue) : nothing}
            </section>`
          : list.length
            ? html`<p class="notice none" part="notice" tabindex="-1"><strong>${t.none}</strong></p>
                ${this.queue ? this.stops(this.queue) : nothing}`
            : this.unreadable
              ? nothing
              : html`<div class="notice" part="notice">
                  <slot name="empty"><p><strong>${t.empty}</strong></p><p>${t.emptyHint}</p></slot>
                </div>`}
      ${view.history.length && this.filter != 'unused'
        ? html`<section class="history" part="history" aria-labelledby="history">
            <h2 id="history" tabindex="-1" aria-level=${level}>${t.history}</h2>
            <ul class="apps">
              ${appCards(view.history, ctx)}
            </ul>
          </section>`
        : nothing}
    </div>
    <consent-record
      part="receipt"
      exportparts="button, print-button, download-button"
      .consents=${list}
      .changes=${this.changes}
      .client=${this.client}
      .visit=${this.visit}
      .report=${this.report}
      ?direct=${this.mode == 'direct'}
      .seen=${this.seen}
      .locale=${this.locale}
      .level=${level}
      .strings=${this.t}
    ></consent-record>`;
  }

  /** The stop queue's state: undo bars, the progress of stopping every app, the fraud report link. */
  private stops(q: StopQueue) {
    return html`<consent-stop-status
      exportparts="undo, button, undo-button, progress, fraud, link"
      .held=${q.held.filter((h) => h.ids.length > 1)}
      .level=${this.level}
      .run=${q.run}
      .reported=${q.reported}
      .fraudHref=${this.fraudHref}
      .strings=${this.t}
      @consent-undo=${(e: CustomEvent<Hold>) => q.undo(e.detail)}
      @consent-retry=${() => q.retry()}
    ></consent-stop-status>`;
  }

  override render() {
    const t = this.shown?.t;
    if (!t) return nothing;
    const cs = this.stopping?.cs ?? [];
    return html`<div part="base">
      <div role="status" class="status sr" part="status">${this.message}</div>
      ${this.body(t)}
      ${this.queue
        ? html`<consent-stop-dialog
            exportparts="dialog, button, confirm-button, link"
            .consents=${cs}
            .seen=${cs.map((c) => this.seen(c))}
            .deletion=${cs.map((c) => deletionOf(c, this.directory ?? {}))}
            .fraud=${!!this.stopping?.fraud}
            .open=${!!this.stopping}
            .strings=${this.t}
            @consent-dialog-confirm=${() => this.dialogClosed(true)}
            @consent-dialog-cancel=${() => this.dialogClosed(false)}
            >${this.stopping ? html`<slot name="help" slot="help"></slot>` : nothing}</consent-stop-dialog
          >`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-manager': ConsentManager;
  }
}
