import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { Consent } from '@consent-manager/contract';
import type { ApiClient, Visit } from '../api-client.js';
import { formatDate, lastDigits } from '../format.js';
import { changesOf, receiptOf, type ConsentReceipt, type ReceiptChange, type VisitChange } from '../receipt.js';
import { more } from '../strings-more.js';
import { base, fill, type Strings } from '../strings.js';
import { controls } from '../styles.js';
import { historyOf, type History } from './history.js';
import { recordStyles } from './record.styles.js';

/** The most changes the BFF answers in one read. */
const MOST = 200;

export interface ReceiptSource {
  client: ApiClient;
  visit: Visit;
  consents: Consent[];
  changes: VisitChange[];
  direct: boolean;
  seen?: (c: Consent) => string[] | undefined;
}

/** The receipt with the customer's history as the BFF holds it now (`<consent-manager>`'s `receipt()`). */
export async function receiptFor(s: ReceiptSource): Promise<ConsentReceipt> {
  const history = await historyOf(s.client, s.visit).refresh();
  return receiptOf(s.consents, changesOf(history, s.changes, s.direct, s.consents), s.seen);
}

/** A change in words: which app, what changed. */
export function changeText(c: ReceiptChange, t: Strings) {
  const app = c.application_name ?? t.changeApp;
  const what =
    c.kind == 'stop'
      ? t.changeStop
      : c.kind == 'auto-share'
        ? c.enabled
          ? t.autoShareOn
          : t.autoShareOff
        : `${c.account ? `${c.account} ${fill(t.ending, { digits: lastDigits(c.account_number_display ?? '') })}` : t.changeAccount}: ${c.enabled ? t.shared : t.notShared}`;
  return `${app} – ${what}`;
}

/**
 * The customer's record, below `<consent-manager>`'s list: their apps as of now, their changes across visits as the
 * BFF's ledger holds them (when confirmed, when applied, the state in words), Print, and Download (the JSON of
 * `<consent-manager>`'s `receipt()`). A part of `<consent-manager>`, which sets its properties.
 *
 * @tag consent-record
 * @summary The customer's record of `<consent-manager>`.
 *
 * @csspart button - Every button.
 * @csspart print-button - The print button.
 * @csspart download-button - The JSON download button.
 * @csspart retry-button - Its "Try again" when the changes could not be read.
 */
export class ConsentRecord extends LitElement {
  static override styles = [controls, recordStyles];

  /** The customer's connections as shown. */
  @property({ attribute: false }) consents: Consent[] = [];

  /** The changes the upstream confirmed during this visit (direct mode's account and auto-share changes never reach the BFF). */
  @property({ attribute: false }) changes: VisitChange[] = [];

  /** What each app can see (the bank's directory, in the words shown), for the download. */
  @property({ attribute: false }) seen?: (c: Consent) => string[] | undefined;

  /** How the history is read: the element's client, for this visit. */
  @property({ attribute: false }) client?: ApiClient;
  @property({ attribute: false }) visit?: Visit;

  /** The element calls MX itself (`mode="direct"`). */
  @property({ type: Boolean }) direct = false;

  /** Where a failed read goes: `<consent-manager>` turns an ended session into its own state. */
  @property({ attribute: false }) report?: (e: unknown) => unknown;

  /** The level of its heading (`<consent-manager>`'s `heading-level`). */
  @property({ type: Number }) level = 2;

  /** The BCP 47 tag dates are formatted for. */
  @property() locale = 'en';

  /** Words over English (`<consent-manager>` passes the page's language and overrides). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  @state() private failed = false;
  @state() private reading = false;
  private history?: History;
  private unwatch?: () => void;

  override connectedCallback() {
    super.connectedCallback();
    // Back on the page (after the review, say): reads the history again with the next update.
    this.requestUpdate();
  }

  override disconnectedCallback() {
    super.disconnectedCallback();
    this.unwatch?.();
    this.history = this.unwatch = undefined;
  }

  protected override willUpdate(changed: PropertyValues<this>) {
    const { client, visit } = this;
    // Off the page it neither reads nor tells: a page that went away says nothing on the customer's behalf.
    if (!client || !visit || !this.isConnected) return;
    if (!this.history || changed.has('client') || changed.has('visit')) {
      this.unwatch?.();
      this.history = historyOf(client, visit);
      this.unwatch = this.history.watch(() => this.requestUpdate());
      if (this.history.changes) this.read();
      else this.read(this.history.first);
    } else if (changed.has('consents') || changed.has('changes')) {
      // A new list or a change on screen: something may have been recorded or settled.
      this.read();
    }
  }

  /** Reads the history (again), showing the state of the read. */
  private async read(reading = this.history!.refresh()) {
    this.reading = true;
    try {
      await reading;
      this.failed = false;
    } catch (e) {
      this.failed = true;
      this.report?.(e);
    } finally {
      this.reading = false;
    }
  }

  private async download() {
    const { client, visit } = this;
    if (!client || !visit) return;
    try {
      save(await receiptFor({ client, visit, consents: this.consents, changes: this.changes, direct: this.direct, seen: this.seen }));
    } catch (e) {
      this.failed = true;
      this.report?.(e);
    }
  }

  private entries(t: Strings) {
    const history = this.history?.changes;
    if (!history) {
      return this.failed ? this.error(t) : html`<p class="muted loading">${t.changesLoading}</p>`;
    }
    const changes = changesOf(history, this.changes, this.direct, this.consents);
    const when = (iso: string) => html`<time datetime=${iso}>${formatDate(iso, this.locale, true)}</time>`;
    const state = (c: ReceiptChange) => {
      switch (c.state) {
        case 'pending':
          return fillHtml(t.statePending, when(c.due_at));
        case 'sent':
          return t.stateSent;
        case 'applied':
          return c.applied_at ? fillHtml(t.stateApplied, when(c.applied_at)) : t.stateDone;
        case 'failed':
          return t.stateFailed;
        default:
          return t.stateCancelled;
      }
    };
    return html`${this.failed ? this.error(t) : nothing}
    ${changes.length
      ? html`<ul class="dots changes">
            ${changes.map(
              (c) =>
                html`<li data-state=${c.state}>
                  <span>${changeText(c, t)}</span>
                  <span class="muted">${fillHtml(t.confirmedAt, when(c.confirmed_at))} · ${state(c)}</span>
                </li>`,
            )}
          </ul>
          ${history.length >= MOST ? html`<p class="muted">${fill(t.changesMost, { n: MOST })}</p>` : nothing}`
      : html`<p>${t.changesNone}</p>`}`;
  }

  private error(t: Strings) {
    return html`<div class="bar">
      <p role="alert">${t.changesFailed}</p>
      <button type="button" class="btn" part="button retry-button" aria-busy=${this.reading} @click=${() => this.read()}>${t.retry}</button>
    </div>`;
  }

  override render() {
    const t = { ...base, ...more, ...this.strings } as Strings;
    return html`<section aria-labelledby="record">
      <h2 id="record" aria-level=${this.level}>${t.record}</h2>
      <p>${fill(t.asOf, { date: formatDate(new Date().toISOString(), this.locale, true) })}</p>
      <h3 aria-level=${this.level + 1}>${t.changesTitle}</h3>
      ${this.entries(t)}
      <div class="bar">
        <button type="button" class="btn" part="button print-button" @click=${() => print()}>${t.print}</button>
        <button type="button" class="btn" part="button download-button" @click=${this.download}>${t.download}</button>
      </div>
    </section>`;
  }
}

/** Fills the one `{when}` of a template with a `<time>` element. */
const fillHtml = (template: string, time: unknown) => {
  const [before, after = ''] = template.split('{when}');
  return html`${before}${time}${after}`;
};

/** Hands the receipt to the browser as a file: a blob URL, so nothing leaves the page and no CSP source is needed. */
function save(r: ConsentReceipt) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }));
  a.download = `connected-apps-${r.generated_at.slice(0, 10)}.json`;
  a.click();
  // The download has started by then; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-record': ConsentRecord;
  }
}
