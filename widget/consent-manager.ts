import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { Consent, ConsentAccount, ConsentMode } from '../contract/consent.js';
import { ApiError, createApiClient, SESSION_EXPIRED, type ApiClient } from './api-client.js';
import { appCard, keys, lastUsed, policyOf, type CardContext, type Directory, type Policy } from './app-card.js';
import { emit, type ConsentChange } from './events.js';
import { formatDate, localeOf, lastDigits } from './format.js';
import { download, receiptOf, type ConsentReceipt, type VisitChange } from './receipt.js';
import { safeUrl } from './safe-url.js';
import { fill, stringsFor, type Strings } from './strings.js';
import { styles } from './styles.js';

/** A confirmed stop waiting out its undo window. One Undo takes back all of `ids`, never some of them. */
interface Hold {
  ids: string[];
  until: number;
  /** The app's name, or "6 apps". */
  label: string;
}

/** The stops sent since the queue was last empty, for the progress of "stop sharing with every app". */
interface Run {
  ids: string[];
  done: string[];
  failed: string[];
}

/** Above this many apps, search and sort are offered. */
const HANDFUL = 5;
const DAY_MS = 86_400_000;

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
  /** The apps the dialog asks about, and whether because the customer did not recognize the app. */
  @state() private stopping?: Consent[];
  @state() private fraud = false;
  @state() private broken: ReadonlySet<string> = new Set();
  @state() private held: Hold[] = [];
  /** Consent ids whose stop is due and not yet answered, in order: sent one at a time. */
  @state() private queue: string[] = [];
  @state() private run?: Run;
  @state() private reported?: Consent;
  @state() private reviewing?: { ids: string[]; i: number };
  @state() private kept: ReadonlySet<string> = new Set();
  @state() private query = '';
  @state() private sort = 'connected';
  @state() private changes: VisitChange[] = [];

  @query('dialog') private dialog!: HTMLDialogElement;

  private client!: ApiClient;
  private trigger?: HTMLElement;
  private langWatch = new MutationObserver(() => this.requestUpdate());
  private draining = false;
  private ticker?: number;
  private fraudId?: string;
  /** Focus sat on a control that the finished stop removed, so it is moved to the app's new place. */
  private refocus = false;

  private loader = new Task(this, {
    task: ([client], { signal }) => client.list(signal),
    args: () => [this.client] as const,
    onComplete: (list) => {
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
    addEventListener('pagehide', this.flush);
    addEventListener('pageshow', this.onPageShow);
    addEventListener('online', this.drain);
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.langWatch.disconnect();
    // Without the element there is no Undo to offer: the stops the customer asked for go out now.
    this.flush();
    removeEventListener('pagehide', this.flush);
    removeEventListener('pageshow', this.onPageShow);
    removeEventListener('online', this.drain);
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    if (changed.has('bff') || changed.has('mode')) {
      this.client = createApiClient({ bff: this.bff, mode: this.mode == 'direct' ? 'direct' : 'proxy' });
      this.consents = undefined;
    }
  }

  private get locale() {
    return localeOf(this.closest('[lang]')?.getAttribute('lang') || document.documentElement.lang);
  }

  private get t(): Strings {
    return { ...stringsFor(this.locale), ...this.strings };
  }

  /** Controls refuse input while anything is in flight, so no answer can overwrite a newer one. */
  private get locked() {
    return !!this.busy || this.loader.status == TaskStatus.PENDING || this.expired;
  }

  private async announce(text: string) {
    // Emptying first makes a repeated message a change, so screen readers announce it again.
    this.message = '';
    await this.updateComplete;
    this.message = text;
  }

  private async focusOn(selector: string) {
    await this.updateComplete;
    this.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  private byId = (id: string) => this.consents?.find((c) => c.id == id);

  /** Its stop is confirmed: waiting out the undo window, or queued to be sent. Its controls refuse input. */
  private isHeld = (id: string) => this.queue.includes(id) || this.held.some((h) => h.ids.includes(id));

  /** Session expiry gets its own state and event; anything else becomes `consent-error`. */
  private report(e: unknown) {
    if (e instanceof ApiError && e.code == SESSION_EXPIRED) {
      if (this.dialog?.open) this.dialog.close();
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
    this.trigger = e.currentTarget as HTMLElement;
    this.stopping = cs;
    this.fraud = fraud;
    await this.updateComplete;
    this.dialog.returnValue = '';
    this.dialog.showModal();
  };

  private onDialogClose() {
    const cs = this.stopping;
    this.stopping = undefined;
    this.trigger?.focus();
    if (cs && this.dialog.returnValue == 'stop') this.confirmStop(cs, this.fraud);
  }

  /** Gives the page its chance to hold the stop (step-up authentication) before anything is sent. */
  private confirmStop(cs: Consent[], fraud: boolean) {
    let settled = false;
    const settle = (go: boolean) => () => {
      if (settled) return;
      settled = true;
      this.busy = undefined;
      if (go) this.hold(cs, fraud);
    };
    this.busy = keys.stop(cs[0]!);
    const resume = settle(true);
    if (emit(this, 'consent-before-stop', { consent: cs[0]!, consents: cs, resume, abandon: settle(false) })) resume();
  }

  /** Starts the undo window, or sends at once when there is none (and always for an app not recognized). */
  private hold(cs: Consent[], fraud: boolean) {
    const t = this.t;
    const ids = cs.map((c) => c.id);
    const seconds = fraud ? 0 : this.undoSeconds > 0 ? this.undoSeconds : 0;
    if (fraud) this.fraudId = ids[0];
    if (this.reviewing?.ids[this.reviewing.i] == ids[0]) this.next();
    if (!seconds) return this.enqueue(ids);
    const label = cs.length > 1 ? fill(t.apps, { n: cs.length }) : cs[0]!.application_name;
    this.held = [...this.held, { ids, until: Date.now() + seconds * 1000, label }];
    this.client.arm().catch(() => {});
    this.ticker ??= window.setInterval(this.tick, 1000);
    this.announce(fill(t.undoHint, { app: label, s: seconds }));
    if (!this.reviewing) this.focusOn('.undo > :last-child button');
  }

  private tick = () => {
    const now = Date.now();
    const due = this.held.filter((h) => h.until <= now);
    this.held = this.held.filter((h) => h.until > now);
    if (!this.held.length) this.ticker = void clearInterval(this.ticker);
    if (due.length) {
      this.refocus ||= !!this.shadowRoot!.activeElement?.matches('[part~="undo-button"]');
      this.enqueue(due.flatMap((h) => h.ids));
    }
  };

  /** Takes a stop back while its window is open; once it closed, the stop may already be on its way. */
  private undo(h: Hold) {
    if (!this.held.includes(h)) return;
    this.held = this.held.filter((x) => x != h);
    this.announce(fill(this.t.undone, { app: h.label }));
    this.focusOn(`[data-id="${CSS.escape(h.ids[0]!)}"] h3`);
  }

  private enqueue(ids: string[]) {
    this.queue = [...this.queue, ...ids];
    this.run = this.draining && this.run ? { ...this.run, ids: [...this.run.ids, ...ids] } : { ids, done: [], failed: [] };
    this.drain();
  }

  /**
   * Sends the due stops one at a time. Offline, they wait for the `online` event (nothing is dropped, and
   * a stop that landed before the network went is harmless to resend: the upstream keeps the first `revoked_at`).
   */
  private drain = async () => {
    if (this.draining || !this.queue.length) return;
    this.draining = true;
    const t = this.t;
    try {
      for (let id: string | undefined; (id = this.queue[0]); ) {
        if (!navigator.onLine) return void this.announce(t.offline);
        const c = this.byId(id)!;
        const run = this.run!;
        this.busy = keys.stop(c);
        let stopped: Consent | undefined;
        try {
          stopped = await this.client.stop(id);
        } catch (e) {
          if (!navigator.onLine) continue;
          if (!this.report(e)) {
            this.queue = [];
            this.run = undefined;
            return;
          }
        } finally {
          this.busy = undefined;
        }
        this.queue = this.queue.slice(1);
        if (stopped) {
          this.replace(stopped);
          this.log(stopped, { kind: 'stop' });
          this.run = { ...run, done: [...run.done, id] };
          emit(this, 'consent-stop', { consent: stopped });
        } else this.run = { ...run, failed: [...run.failed, id] };
        if (run.ids.length > 1) this.announce(fill(t.progress, { done: this.run.done.length, n: run.ids.length }));
        if (id == this.fraudId) {
          this.fraudId = undefined;
          this.reported = c;
          emit(this, 'consent-unrecognized', { consent: stopped ?? c, stopped: !!stopped });
          this.focusOn('[part~="fraud"] a');
        }
      }
      this.finish(t);
    } finally {
      this.draining = false;
    }
  };

  private finish(t: Strings) {
    const { ids, done, failed } = this.run!;
    const name = (id: string) => this.byId(id)?.application_name ?? id;
    const app = ids.length > 1 ? fill(t.apps, { n: ids.length }) : name(ids[0]!);
    const refocus = this.refocus || !!this.shadowRoot!.activeElement?.matches('[part~="stop-button"]');
    this.refocus = false;
    if (failed.length) {
      this.announce(
        ids.length > 1
          ? fill(t.stopAllFailed, { done: done.length, n: ids.length, apps: failed.map(name).join(', ') })
          : fill(t.stopFailed, { app }),
      );
      if (ids.length == 1) this.run = undefined;
      this.loader.run();
    } else {
      this.announce(fill(t.stoppedMsg, { app }));
      this.run = undefined;
      // The trigger left with the app; its entry in the history is the nearest place to continue from.
      if (refocus && ids.length == 1) this.focusOn(`.history [data-id="${CSS.escape(ids[0]!)}"] h3`);
    }
  }

  /** The page is going away: every stop still waiting is sent in a request that outlives it. */
  private flush = () => {
    const ids = [...this.held.flatMap((h) => h.ids), ...this.queue];
    this.held = [];
    this.queue = [];
    this.ticker = void clearInterval(this.ticker);
    ids.forEach((id) => this.client.beacon(id));
  };

  /** Back from the back/forward cache: whatever was sent on the way out is now known upstream. */
  private onPageShow = (e: PageTransitionEvent) => {
    if (e.persisted) this.loader.run();
  };

  private startReview(ids: string[]) {
    this.reviewing = { ids, i: 0 };
    this.focusOn('[part~="review"] h3');
  }

  private next() {
    const r = this.reviewing!;
    this.reviewing = { ...r, i: r.i + 1 };
    this.focusOn(r.ids[r.i + 1] ? '[part~="review"] h3' : '#review-title');
  }

  private keep(c: Consent) {
    this.kept = new Set(this.kept).add(c.id);
    this.announce(fill(this.t.undone, { app: c.application_name }));
    this.next();
  }

  private async endReview() {
    this.reviewing = undefined;
    await this.updateComplete;
    this.focus();
  }

  private async retry() {
    await this.reload();
    await this.updateComplete;
    this.focus();
  }

  private button(text: string, part: string, click: (e: Event) => void, label?: string) {
    return html`<button
      type="button"
      class="btn"
      part="button ${part}"
      aria-label=${label ?? nothing}
      aria-disabled=${this.locked}
      @click=${click}
    >
      ${text}
    </button>`;
  }

  private review(t: Strings, ctx: CardContext) {
    const { ids, i } = this.reviewing!;
    const c = this.byId(ids[i] ?? '');
    return html`<section class="apps" part="review" aria-labelledby="review-title">
      <h2 id="review-title" tabindex="-1">${t.reviewTitle}</h2>
      ${c
        ? html`<p>${fill(t.reviewStep, { i: i + 1, n: ids.length })}</p>
            <ul class="apps">
              ${appCard(c, { ...ctx, review: true })}
            </ul>
            <div class="actions">
              ${this.button(t.keep, 'keep-button', () => this.locked || this.keep(c))}
              ${this.button(t.stop, 'stop-button', (e) => this.onStop(c, e), fill(t.stopApp, { app: c.application_name }))}
            </div>`
        : html`<p>${t.reviewDone}</p>`}
      ${this.button(t.back, '', this.endReview)}
    </section>`;
  }

  private progress(t: Strings, { ids, done, failed }: Run) {
    return html`<section class="notice" part="progress" aria-labelledby="progress-title">
      <h2 id="progress-title">${t.stopAll}</h2>
      <progress max=${ids.length} .value=${done.length} aria-label=${fill(t.progress, { done: done.length, n: ids.length })}></progress>
      <ul class="rows">
        ${ids.map(
          (id) =>
            html`<li class="row">
              <span class="grow">${this.byId(id)?.application_name}</span>
              ${done.includes(id) ? t.stopped : failed.includes(id) ? t.notStopped : id == this.queue[0] ? t.stopping : t.waiting}
            </li>`,
        )}
      </ul>
      ${failed.length > 0 && !this.queue.length
        ? this.button(t.retry, '', () => {
            this.run = undefined;
            this.enqueue(failed);
          })
        : nothing}
    </section>`;
  }

  private record(t: Strings, locale: string) {
    const when = (iso: string) => formatDate(iso, locale, true);
    return html`<section class="history" part="receipt" aria-labelledby="record">
      <h2 id="record">${t.record}</h2>
      <p>${fill(t.asOf, { date: when(new Date().toISOString()) })}</p>
      ${this.changes.length
        ? html`<h3>${t.visit}</h3>
            <ul class="dots">
              ${this.changes.map(
                (ch) =>
                  html`<li>
                    <time datetime=${ch.at}>${when(ch.at)}</time>: ${ch.application_name} –
                    ${ch.kind == 'stop'
                      ? t.stopped
                      : ch.kind == 'auto-share'
                        ? ch.enabled
                          ? t.autoShareOn
                          : t.autoShareOff
                        : `${ch.account} ${fill(t.ending, { digits: lastDigits(ch.account_number_display!) })}: ${ch.enabled ? t.shared : t.notShared}`}
                  </li>`,
              )}
            </ul>`
        : nothing}
      <div class="bar">
        <button type="button" class="btn" part="button print-button" @click=${() => print()}>${t.print}</button>
        <button type="button" class="btn" part="button download-button" @click=${() => download(this.receipt())}>${t.download}</button>
      </div>
    </section>`;
  }

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
          aria-busy=${this.loader.status == TaskStatus.PENDING}
          @click=${this.retry}
        >
          ${t.retry}
        </button>
      </div>`;
    if (!list)
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
      locked: this.locked,
      broken: this.broken,
      held,
      forgotten: this.forgottenDays > 0 ? now - this.forgottenDays * DAY_MS : -Infinity,
      directory: this.directory ?? {},
      onIconError: (c) => (this.broken = new Set(this.broken).add(c.id)),
      onAccount: this.onAccount,
      onAutoShare: this.onAutoShare,
      onStop: this.onStop,
    };
    if (this.reviewing) return this.review(t, ctx);

    const q = this.query.trim().toLowerCase();
    const order: Record<string, (a: Consent, b: Consent) => number> = {
      name: (a, b) => a.application_name.localeCompare(b.application_name, locale),
      used: (a, b) => Date.parse(lastUsed(a)) - Date.parse(lastUsed(b)),
      connected: (a, b) => Date.parse(b.consented_on) - Date.parse(a.consented_on),
    };
    const shown = list.filter((c) => c.application_name.toLowerCase().includes(q)).sort(order[this.sort] ?? order.connected);
    const all = list.filter((c) => !c.revoked_at);
    const open = all.filter((c) => !held.has(c.id));
    const forgotten = open.filter((c) => !this.kept.has(c.id) && Date.parse(lastUsed(c)) < ctx.forgotten);
    const active = shown.filter((c) => !c.revoked_at);
    const history = shown.filter((c) => c.revoked_at).sort((a, b) => (b.revoked_at! > a.revoked_at! ? 1 : -1));
    return html`${this.run && this.run.ids.length > 1 ? this.progress(t, this.run) : nothing}
    ${list.length > HANDFUL ? this.tools(t, shown.length, list.length) : nothing}
    ${forgotten.length
      ? html`<div class="notice bar" part="forgotten-notice">
          <p class="grow">${fill(t.unusedNote, { days: this.forgottenDays, n: forgotten.length })}</p>
          ${this.button(t.review, 'review-button', () => this.locked || this.startReview(forgotten.map((c) => c.id)))}
        </div>`
      : nothing}
    ${all.length
      ? html`<ul class="apps" aria-label=${t.active}>
            ${active.map((c) => appCard(c, ctx))}
          </ul>
          ${open.length > 1 ? this.button(t.stopAll, 'stop-all-button', (e) => this.onStop(open, e)) : nothing}`
      : html`<div class="notice" part="notice">
          <slot name="empty"><p><strong>${t.empty}</strong></p><p>${t.emptyHint}</p></slot>
        </div>`}
    ${history.length
      ? html`<section class="history" part="history" aria-labelledby="history">
          <h2 id="history">${t.history}</h2>
          <ul class="apps">
            ${history.map((c) => appCard(c, ctx))}
          </ul>
        </section>`
      : nothing}
    ${this.record(t, locale)}`;
  }

  private dialogBody(t: Strings, cs: Consent[]) {
    const one = cs.length == 1;
    const app = cs[0]!.application_name;
    const n = cs.length;
    return html`<h2 id="dialog-title">${fill(this.fraud ? t.fraudTitle : one ? t.dialogTitle : t.stopAllTitle, { app, n })}</h2>
      <div id="dialog-text">
        ${this.fraud ? html`<p>${fill(t.fraudText, { app })}</p>` : nothing}
        <p>${one ? fill(t.dialogStops, { app }) : t.stopAllStops}</p>
        <ul>
          ${one
            ? cs[0]!.accounts.filter((a) => a.enabled).map(
                (a) => html`<li>${a.nickname} ${fill(t.ending, { digits: lastDigits(a.account_number_display) })}</li>`,
              )
            : cs.map((c) => html`<li>${c.application_name}</li>`)}
        </ul>
        <p>${one ? fill(t.dialogKeeps, { app }) : t.stopAllKeeps}</p>
      </div>
      <div class="actions">
        <button type="button" class="btn" part="button" autofocus @click=${() => this.dialog.close()}>${t.cancel}</button>
        <button type="button" class="btn danger" part="button confirm-button" @click=${() => this.dialog.close('stop')}>
          ${this.fraud ? t.fraudConfirm : one ? t.confirm : t.stopAll}
        </button>
      </div>`;
  }

  override render() {
    const t = this.t;
    const now = Date.now();
    const fraudUrl = this.reported && safeUrl(this.fraudHref);
    return html`<div part="base">
      <div role="status" class="status" part="status">${this.message}</div>
      ${fraudUrl
        ? html`<p class="notice" part="fraud">
            <a part="link" href=${fraudUrl}>${fill(t.fraudLink, { app: this.reported!.application_name })}</a>
          </p>`
        : nothing}
      <div class="undo">
        ${this.held.map(
          (h) =>
            html`<div class="notice bar" part="undo">
              <span class="grow">${fill(t.undoIn, { app: h.label, s: Math.max(1, Math.ceil((h.until - now) / 1000)) })}</span>
              <button type="button" class="btn" part="button undo-button" aria-label=${fill(t.undoApp, { app: h.label })} @click=${() => this.undo(h)}>
                ${t.undo}
              </button>
            </div>`,
        )}
      </div>
      ${this.body(t)}
      <dialog part="dialog" aria-labelledby="dialog-title" aria-describedby="dialog-text" @close=${this.onDialogClose}>
        ${this.stopping ? this.dialogBody(t, this.stopping) : nothing}
      </dialog>
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-manager': ConsentManager;
  }
}
