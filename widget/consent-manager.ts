import { adoptStyles, html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Consent, ConsentAccount, ConsentMode } from '@consent-manager/contract';
import { ApiError, createApiClient, SESSION_EXPIRED, type ApiClient } from './api-client.js';
import { appCards, keys, lastUsed, Lock, policyOf, type CardContext, type Directory, type Policy } from './app-card.js';
import { emit, type ConsentChange } from './events.js';
import { localeOf } from './format.js';
import { ListLoader } from './list-loader.js';
import { receiptOf, type ConsentReceipt, type VisitChange } from './receipt.js';
import type { StopFlow } from './stop-flow.js';
import { base, fill, stringsFor, type Strings } from './strings.js';
import { styles } from './styles.js';

/** Above this many apps, search and sort are offered. */
const HANDFUL = 5;
/** A first list renders this many cards per task, so that 200 apps never hold the main thread for long. */
const SLICE = 10;
const DAY_MS = 86_400_000;

type More = typeof import('./more.js');
let more: More | undefined;
let loadingMore: Promise<More> | undefined;
let moreFailed = false;

/**
 * more.ts: what a customer opens by action (the stop flow, the review, the record of this visit, the directory's
 * entries), a chunk of its own in the drop-in build. It loads as soon as a list is on screen, since the record below
 * the list is in it, so that everything opens offline later too; an action that comes first waits for it, its
 * trigger busy. After a failed load, the next action tries again.
 */
const loadMore = () =>
  (loadingMore ??= import('./more.js').then(
    (m) => ((moreFailed = false), (more = m)),
    (e: unknown) => {
      loadingMore = undefined;
      moreFailed = true;
      throw e;
    },
  ));

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
 *
 * @slot empty - Replaces the "No apps connected" text.
 *
 * @event consent-change - An account or auto-share change was applied. `detail: { consent, change }`.
 * @event consent-stop - Sharing with an app was stopped. `detail: { consent }`.
 * @event consent-error - A load or a change failed. `detail: { code, message }`.
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
 * @csspart badge - An app's status in words (Sharing / Stopping… / Stopped).
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
 * @csspart receipt - The record section: this visit's changes, print and download.
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

  /** Where the bank mounted the BFF. */
  @property() bff = '/consent';

  /** `proxy`: the BFF relays every call. `direct`: the widget calls MX with a token the BFF issues. */
  @property() mode: ConsentMode = 'proxy';

  /** Per-account switches; an unknown value counts as `read-only`. */
  @property({ attribute: 'account-policy' }) accountPolicy: Policy = 'editable';

  /** The auto-share switch; an unknown value counts as `read-only`. */
  @property({ attribute: 'auto-share-policy' }) autoSharePolicy: Policy = 'editable';

  /**
   * Seconds during which a confirmed stop can be taken back; nothing is sent to MX until they have passed
   * (MX's stop is one-way). A stop still waiting when the page goes away is sent as the page closes.
   */
  @property({ type: Number, attribute: 'undo-seconds' }) undoSeconds = 0;

  /** Days without access after which an app is marked as forgotten and offered for review; 0 turns it off. */
  @property({ type: Number, attribute: 'forgotten-days' }) forgottenDays = 90;

  /** The bank's fraud-report page, linked after the customer stops an app they do not recognize. */
  @property({ attribute: 'fraud-href' }) fraudHref?: string;

  /** What the bank says about each app, keyed by `application_name`; apps without an entry show none. */
  @property({ attribute: false }) directory: Directory = {};

  /** Overrides for any of the shown words; the rest follow the page's `lang` (English, Spanish). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  @state() private consents?: Consent[];
  @state() private busy?: string;
  @state() private message = '';
  @state() private expired = false;
  @state() private loadFailed = false;
  @state() private broken: ReadonlySet<string> = new Set();
  @state() private query = '';
  @state() private sort = 'connected';
  @state() private changes: VisitChange[] = [];

  private client!: ApiClient;
  /** Everything after "Stop sharing" and the review of unused apps (stop-flow.ts): made on first use, a controller. */
  private flow?: StopFlow;
  private lock = new Lock();
  /** The words last shown, and what they were made of: kept while another language loads. */
  private shown?: { table: Partial<Strings>; strings: Partial<Strings>; t: Strings; more: boolean };
  /** Chunks a render went without (the page's language, on-demand views): `updateComplete` waits for them. */
  private pending = new Set<Promise<unknown>>();
  /** How many cards to render: a first list grows by `SLICE` per task until all are there (`updateComplete` waits). */
  private limit = Infinity;
  private slicing?: Promise<void>;
  /** A list was on screen: the directory's entries no longer hold the list back (see `body`). */
  private listShown = false;
  /** The on-demand views' styles were added to the shadow root. */
  private styled = false;
  private langWatch = new MutationObserver(() => this.requestUpdate());

  private loader = new ListLoader(this, {
    client: () => this.client,
    onComplete: (list) => {
      // A first list comes in slices (see `body`); a list that replaces one on screen, at once.
      if (!this.consents) this.limit = SLICE;
      this.consents = list;
      this.loadFailed = false;
    },
    onError: (e) => {
      this.loadFailed = true;
      this.report(e);
    },
  });

  /** Loads the list again, e.g. after the page signed the customer back in. */
  reload(): Promise<void> {
    this.expired = false;
    return this.loader.run();
  }

  /** The customer's connections and the changes confirmed in this visit, with times (what "Download" saves). */
  receipt(): ConsentReceipt {
    return receiptOf(this.consents ?? [], this.changes);
  }

  override connectedCallback() {
    super.connectedCallback();
    this.langWatch.observe(document, { attributeFilter: ['lang'], subtree: true });
    addEventListener('pageshow', this.onPageShow);
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
    }
    this.lock.set(this.locked);
  }

  protected override async getUpdateComplete() {
    let done = await super.getUpdateComplete();
    while (this.pending.size) {
      await Promise.allSettled(this.pending);
      done = await super.getUpdateComplete();
    }
    return done;
  }

  /** Renders again once `chunk` settled; until then `updateComplete` waits for it. */
  private wait(chunk: Promise<unknown>) {
    if (this.pending.has(chunk)) return;
    this.pending.add(chunk);
    const settled = () => {
      this.pending.delete(chunk);
      this.requestUpdate();
    };
    chunk.then(settled, settled);
  }

  /** The on-demand views if loaded; else starts loading them (see `wait`), and the caller renders without them. */
  private need(): More | undefined {
    if (!more && !moreFailed) this.wait(loadMore());
    return more;
  }

  /** The stop flow for an action: at once when loaded, else once loaded, the trigger (`busy` key) showing it. */
  private async start(busy: string): Promise<StopFlow | undefined> {
    if (!more) {
      this.busy = busy;
      try {
        await loadMore();
      } catch {
        this.report(new ApiError('network', 'The widget could not load its views.'));
        this.announce(this.t.unavailable);
        return;
      } finally {
        this.busy = undefined;
      }
    }
    return (this.flow ??= new more!.StopFlow({
      host: this,
      client: () => this.client,
      t: () => this.t,
      byId: this.byId,
      busy: (key) => (this.busy = key),
      announce: (text) => this.announce(text),
      report: (e) => this.report(e),
      stopped: (c) => {
        this.replace(c);
        this.log(c, { kind: 'stop' });
      },
      reload: () => this.loader.run(),
      button: this.button,
    }));
  }

  private get locale() {
    return localeOf(this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang);
  }

  /**
   * English, the page's language over it, the page's `strings` over both; undefined until the page's language has
   * arrived the first time (no English flash). The same object while none of them changes, so cards need not
   * re-render; the words of the on-demand views join it when they load.
   */
  private words(): Strings | undefined {
    const table = stringsFor(this.locale);
    let w = this.shown;
    if (table instanceof Promise) this.wait(table);
    else if (w?.table != table || w.strings != this.strings)
      w = this.shown = { table, strings: this.strings, t: { ...base, ...table, ...this.strings } as Strings, more: false };
    if (w && more && !w.more) {
      Object.assign(w.t, more.words, w.table, w.strings);
      w.more = true;
    }
    return w?.t;
  }

  /** For handlers, which only run once something was rendered, so with words. */
  private get t(): Strings {
    return this.words()!;
  }

  /** Controls refuse input while anything is in flight, so no answer can overwrite a newer one. */
  private get locked() {
    return !!this.busy || this.loader.pending || this.expired;
  }

  private async announce(text: string) {
    // Emptying first makes a repeated message a change, so screen readers announce it again.
    this.message = '';
    await this.updateComplete;
    this.message = text;
  }

  private byId = (id: string) => this.consents?.find((c) => c.id == id);

  private isHeld = (id: string) => !!this.flow?.isHeld(id);

  /** Session expiry gets its own state and event; anything else becomes `consent-error`. */
  private report(e: unknown) {
    if (e instanceof ApiError && e.code == SESSION_EXPIRED) {
      this.flow?.cancel();
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
  }

  /** Keeps what the customer changed in this visit, for the record and its download. */
  private log(c: Consent, change: ConsentChange | { kind: 'stop' }) {
    const a = change.kind == 'account' ? c.accounts.find((x) => x.account_id == change.accountId) : undefined;
    this.changes = [
      ...this.changes,
      {
        at: new Date().toISOString(),
        application_name: c.application_name,
        ...(a && { account: a.nickname, account_number_display: a.account_number_display }),
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
    if (this.locked || this.isHeld(c.id)) return;
    const t = this.t;
    this.busy = key;
    try {
      const updated = await call();
      this.replace(updated);
      const what = change(updated);
      this.log(updated, what);
      this.announce(fill(t.saved, { app: c.application_name }));
      emit(this, 'consent-change', { consent: updated, change: what });
    } catch (e) {
      if (this.report(e)) {
        this.announce(fill(t.saveFailed, { app: c.application_name }));
        this.loader.run();
      }
    } finally {
      this.busy = undefined;
    }
  }

  private onAccount = (c: Consent, a: ConsentAccount) => {
    const id = a.account_id;
    this.change(
      c,
      keys.account(c, a),
      () => this.client.setAccount(c.id, id, !a.enabled),
      (u) => ({ kind: 'account', accountId: id, enabled: !!u.accounts.find((x) => x.account_id == id)?.enabled }),
    );
  };

  private onAutoShare = (c: Consent) =>
    this.change(
      c,
      keys.autoShare(c),
      () => this.client.setAutoShare(c.id, !c.auto_enable_future_accounts),
      (u) => ({ kind: 'auto-share', enabled: u.auto_enable_future_accounts }),
    );

  /** Opens the confirmation for one app (`fraud`: one the customer does not recognize) or for several. */
  private onStop = async (c: Consent | Consent[], e: Event, fraud = false) => {
    const cs = [c].flat();
    if (this.locked || cs.some((x) => this.isHeld(x.id))) return;
    const trigger = e.currentTarget as HTMLElement;
    const flow = await this.start(cs.length > 1 ? 'stop-all-button' : keys.stop(cs[0]!));
    flow?.open(cs, trigger, fraud);
  };

  private onIconError = (c: Consent) => (this.broken = new Set(this.broken).add(c.id));

  private async onReview(ids: string[]) {
    if (!this.locked) (await this.start('review-button'))?.startReview(ids);
  }

  /** Back from the back/forward cache: whatever was sent on the way out (see StopFlow) is now known upstream. */
  private onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) this.loader.run();
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

  /** The record's download button: the record is an on-demand view, so more.ts is here. */
  private onDownload = () => more!.download(this.receipt());

  private tools(t: Strings, shown: number, total: number) {
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
          @input=${(e: Event) => (this.query = (e.target as HTMLInputElement).value)}
      /></label>
      <label
        >${t.sort}
        <select part="sort" @change=${(e: Event) => (this.sort = (e.target as HTMLSelectElement).value)}>
          ${sorts.map(([v, text]) => html`<option value=${v!} ?selected=${this.sort == v}>${text}</option>`)}
        </select></label
      >
      <p role="status" class="muted">${this.query.trim() ? fill(t.matches, { n: shown, total }) : ''}</p>
    </div>`;
  }

  private body(t: Strings) {
    const list = this.consents;
    if (this.expired) return html`<p class="notice" part="notice" role="alert">${t.expired}</p>`;
    if (this.loadFailed)
      return html`<div class="notice" part="notice">
        <p role="alert">${t.loadFailed}</p>
        <button
          type="button"
          class="btn"
          part="button"
          aria-busy=${this.loader.pending}
          @click=${this.retry}
        >
          ${t.retry}
        </button>
      </div>`;
    const directory = this.directory ?? {};
    const entries = Object.keys(directory).length > 0;
    const about = entries ? this.need()?.about : undefined;
    // The directory's entries are on-demand views: a first list waits for them rather than shifting once they come.
    if (!list || (entries && !about && loadingMore && !this.listShown))
      return html`<p class="sr">${t.loading}</p>
        <div class="apps" aria-hidden="true"><div class="skeleton"></div><div class="skeleton"></div></div>`;

    const locale = this.locale;
    const now = Date.now();
    const held = new Set(list.map((c) => c.id).filter(this.isHeld));
    const ctx: CardContext = {
      t,
      locale,
      now,
      accountPolicy: policyOf(this.accountPolicy),
      autoSharePolicy: policyOf(this.autoSharePolicy),
      busy: this.busy,
      locked: false,
      lock: this.lock,
      broken: this.broken,
      held,
      forgotten: this.forgottenDays > 0 ? now - this.forgottenDays * DAY_MS : -Infinity,
      directory,
      about,
      onIconError: this.onIconError,
      onAccount: this.onAccount,
      onAutoShare: this.onAutoShare,
      onStop: this.onStop,
    };
    const flow = this.flow;
    this.listShown = true;
    if (flow?.s.reviewing) return flow.review(ctx);

    const q = this.query.trim().toLowerCase();
    const order: Record<string, (a: Consent, b: Consent) => number> = {
      name: (a, b) => a.application_name.localeCompare(b.application_name, locale),
      used: (a, b) => Date.parse(lastUsed(a)) - Date.parse(lastUsed(b)),
      connected: (a, b) => Date.parse(b.consented_on) - Date.parse(a.consented_on),
    };
    const shown = list.filter((c) => c.application_name.toLowerCase().includes(q)).sort(order[this.sort] ?? order.connected);
    const all = list.filter((c) => !c.revoked_at);
    const open = all.filter((c) => !held.has(c.id));
    const forgotten = open.filter((c) => !flow?.s.kept.has(c.id) && Date.parse(lastUsed(c)) < ctx.forgotten);
    const limit = this.limit;
    const active = shown.filter((c) => !c.revoked_at).slice(0, limit);
    const history = shown
      .filter((c) => c.revoked_at)
      .sort((a, b) => (b.revoked_at! > a.revoked_at! ? 1 : -1))
      .slice(0, limit - active.length);
    // The rest of a first list comes `SLICE` cards per task; `updateComplete` waits for the last of them.
    if (limit < shown.length)
      this.wait(
        (this.slicing ??= new Promise((go) => setTimeout(go)).then(() => {
          this.limit += SLICE;
          this.slicing = undefined;
        })),
      );
    return html`${flow?.progress(t)}
    ${list.length > HANDFUL ? this.tools(t, shown.length, list.length) : nothing}
    ${forgotten.length
      ? html`<div class="notice bar" part="forgotten-notice">
          <p class="grow">${fill(t.unusedNote, { days: this.forgottenDays, n: forgotten.length })}</p>
          ${this.button(t.review, 'review-button', () => this.onReview(forgotten.map((c) => c.id)))}
        </div>`
      : nothing}
    ${all.length
      ? html`<ul class="apps" aria-label=${t.active}>
            ${appCards(active, ctx)}
          </ul>
          ${open.length > 1 ? this.button(t.stopAll, 'stop-all-button', (e) => this.onStop(open, e)) : nothing}`
      : html`<div class="notice" part="notice">
          <slot name="empty"><p><strong>${t.empty}</strong></p><p>${t.emptyHint}</p></slot>
        </div>`}
    ${history.length
      ? html`<section class="history" part="history" aria-labelledby="history">
          <h2 id="history">${t.history}</h2>
          <ul class="apps">
            ${appCards(history, ctx)}
          </ul>
        </section>`
      : nothing}
    ${this.need()?.record(t, locale, this.changes, this.onDownload)}`;
  }

  override render() {
    const t = this.words();
    if (!t) return nothing;
    const flow = this.flow;
    if (more && !this.styled) {
      this.styled = true;
      adoptStyles(this.renderRoot as ShadowRoot, [styles, more.styles]);
    }
    return html`<div part="base">
      <div role="status" class="status" part="status">${this.message}</div>
      ${flow?.fraudLink(t, this.fraudHref)}
      <div class="undo">${flow?.undoBars(t)}</div>
      ${this.body(t)}
      <dialog part="dialog" aria-labelledby="dialog-title" aria-describedby="dialog-text" @close=${() => this.flow?.closed()}>
        ${flow?.dialogBody(t)}
      </dialog>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-manager': ConsentManager;
  }
}
