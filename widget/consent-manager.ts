import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query, state } from 'lit/decorators.js';
import { Task, TaskStatus } from '@lit/task';
import type { Consent, ConsentAccount, ConsentMode } from '../contract/consent.js';
import { ApiError, createApiClient, SESSION_EXPIRED, type ApiClient } from './api-client.js';
import { appCard, keys, policyOf, type CardContext, type Policy } from './app-card.js';
import { emit, type ConsentChange } from './events.js';
import { localeOf, lastDigits } from './format.js';
import { fill, stringsFor, type Strings } from './strings.js';
import { styles } from './styles.js';

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
 *
 * @slot empty - Replaces the "No apps connected" text.
 *
 * @event consent-change - An account or auto-share change was applied. `detail: { consent, change }`.
 * @event consent-stop - Sharing with an app was stopped. `detail: { consent }`.
 * @event consent-error - A load or a change failed. `detail: { code, message }`.
 * @event consent-session-expired - The bank session is gone; sign the customer in, then call `reload()`.
 * @event consent-before-stop - Cancelable, before sharing is stopped. `detail: { consent, resume(), abandon() }`:
 *   call `preventDefault()` to hold the stop (e.g. for step-up authentication), then `resume()` or `abandon()`.
 *
 * @csspart base - The wrapper of everything.
 * @csspart status - The live region that announces outcomes.
 * @csspart notice - The empty, error and session-expired panels.
 * @csspart app - One app's card.
 * @csspart logo - An app's logo or initials.
 * @csspart app-name - An app's name.
 * @csspart badge - An app's status in words (Sharing / Stopped).
 * @csspart switch - Every switch.
 * @csspart button - Every text button (stop, retry, dialog buttons).
 * @csspart stop-button - Each app's "Stop sharing" button.
 * @csspart confirm-button - The dialog's confirming button.
 * @csspart history - The section of stopped apps.
 * @csspart dialog - The confirmation dialog.
 *
 * @cssproperty --consent-color-text - Body text.
 * @cssproperty --consent-color-muted - Secondary text (keep 4.5:1 against surface).
 * @cssproperty --consent-color-bg - Widget and dialog background.
 * @cssproperty --consent-color-surface - Card background.
 * @cssproperty --consent-color-border - Borders and switches when off (keep 3:1).
 * @cssproperty --consent-color-accent - Switches when on, focus rings.
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

  /** Overrides for any of the shown words; the rest follow the page's `lang` (English, Spanish). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  @state() private consents?: Consent[];
  @state() private busy?: string;
  @state() private message = '';
  @state() private expired = false;
  @state() private loadFailed = false;
  @state() private stopping?: Consent;
  @state() private broken: ReadonlySet<string> = new Set();

  @query('dialog') private dialog!: HTMLDialogElement;

  private client!: ApiClient;
  private trigger?: HTMLElement;
  private langWatch = new MutationObserver(() => this.requestUpdate());

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

  override connectedCallback() {
    super.connectedCallback();
    this.langWatch.observe(document, { attributeFilter: ['lang'], subtree: true });
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.langWatch.disconnect();
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

  /**
   * Runs one write. Success: the upstream's answer replaces the consent. Failure: say so, then re-read,
   * because a write that timed out may or may not have landed and only the upstream knows which.
   */
  private async write(c: Consent, key: string, call: () => Promise<Consent>, failed: string): Promise<Consent | undefined> {
    this.busy = key;
    try {
      const updated = await call();
      this.consents = this.consents?.map((x) => (x.id == updated.id ? updated : x));
      return updated;
    } catch (e) {
      if (this.report(e)) {
        this.announce(fill(failed, { app: c.application_name }));
        this.loader.run();
      }
    } finally {
      this.busy = undefined;
    }
  }

  private async change(c: Consent, key: string, call: () => Promise<Consent>, change: (u: Consent) => ConsentChange) {
    if (this.locked) return;
    const t = this.t;
    const updated = await this.write(c, key, call, t.saveFailed);
    if (updated) {
      this.announce(fill(t.saved, { app: c.application_name }));
      emit(this, 'consent-change', { consent: updated, change: change(updated) });
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

  private onStop = async (c: Consent, e: Event) => {
    if (this.locked) return;
    this.trigger = e.currentTarget as HTMLElement;
    this.stopping = c;
    await this.updateComplete;
    this.dialog.returnValue = '';
    this.dialog.showModal();
  };

  private onDialogClose() {
    const c = this.stopping;
    this.stopping = undefined;
    this.trigger?.focus();
    if (c && this.dialog.returnValue == 'stop') this.confirmStop(c);
  }

  /** Gives the page its chance to hold the stop (step-up authentication) before anything is sent. */
  private confirmStop(c: Consent) {
    const key = keys.stop(c);
    let settled = false;
    const settle = (go: boolean) => () => {
      if (settled) return;
      settled = true;
      if (go) this.stop(c, key);
      else this.busy = undefined;
    };
    this.busy = key;
    const resume = settle(true);
    if (emit(this, 'consent-before-stop', { consent: c, resume, abandon: settle(false) })) resume();
  }

  private async stop(c: Consent, key: string) {
    const t = this.t;
    const updated = await this.write(c, key, () => this.client.stop(c.id), t.stopFailed);
    if (updated) {
      this.announce(fill(t.stoppedMsg, { app: c.application_name }));
      emit(this, 'consent-stop', { consent: updated });
      // The trigger left with the app; its entry in the history is the nearest place to continue from.
      await this.updateComplete;
      this.renderRoot.querySelector<HTMLElement>(`[data-id="${CSS.escape(updated.id)}"] h3`)?.focus();
    }
  }

  private async retry() {
    await this.reload();
    await this.updateComplete;
    this.focus();
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

    const ctx: CardContext = {
      t,
      locale: this.locale,
      now: Date.now(),
      accountPolicy: policyOf(this.accountPolicy),
      autoSharePolicy: policyOf(this.autoSharePolicy),
      busy: this.busy,
      locked: this.locked,
      broken: this.broken,
      onIconError: (c) => (this.broken = new Set(this.broken).add(c.id)),
      onAccount: this.onAccount,
      onAutoShare: this.onAutoShare,
      onStop: this.onStop,
    };
    const active = list.filter((c) => !c.revoked_at);
    const history = list.filter((c) => c.revoked_at).sort((a, b) => (b.revoked_at! > a.revoked_at! ? 1 : -1));
    return html`${active.length
      ? html`<ul class="apps" aria-label=${t.active}>
          ${active.map((c) => appCard(c, ctx))}
        </ul>`
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
      : nothing}`;
  }

  private dialogBody(t: Strings, c: Consent) {
    const app = c.application_name;
    const shared = c.accounts.filter((a) => a.enabled);
    return html`<h2 id="dialog-title">${fill(t.dialogTitle, { app })}</h2>
      <div id="dialog-text">
        <p>${fill(t.dialogStops, { app })}</p>
        ${shared.length
          ? html`<ul>
              ${shared.map((a) => html`<li>${a.nickname} ${fill(t.ending, { digits: lastDigits(a.account_number_display) })}</li>`)}
            </ul>`
          : nothing}
        <p>${fill(t.dialogKeeps, { app })}</p>
      </div>
      <div class="actions">
        <button type="button" class="btn" part="button" autofocus @click=${() => this.dialog.close()}>${t.cancel}</button>
        <button type="button" class="btn danger" part="button confirm-button" @click=${() => this.dialog.close('stop')}>
          ${t.confirm}
        </button>
      </div>`;
  }

  override render() {
    const t = this.t;
    return html`<div part="base">
      <div role="status" class="status" part="status">${this.message}</div>
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
