import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { Consent } from '@consent-manager/contract';
import { formatDate, lastDigits } from '../format.js';
import { receiptOf, type ConsentReceipt, type VisitChange } from '../receipt.js';
import { more } from '../strings-more.js';
import { base, fill, type Strings } from '../strings.js';
import { controls } from '../styles.js';
import { recordStyles } from './record.styles.js';

/**
 * The record of this visit, below `<consent-manager>`'s list: the customer's apps as of now, this visit's changes
 * (when, which app, what), Print, and Download (the JSON of `<consent-manager>`'s `receipt()`). A part of
 * `<consent-manager>`, which sets its properties.
 *
 * @tag consent-record
 * @summary The record of this visit of `<consent-manager>`.
 *
 * @csspart button - Both buttons.
 * @csspart print-button - The print button.
 * @csspart download-button - The JSON download button.
 */
export class ConsentRecord extends LitElement {
  static override styles = [controls, recordStyles];

  /** The customer's connections as shown. */
  @property({ attribute: false }) consents: Consent[] = [];

  /** The changes the upstream confirmed during this visit, oldest first. */
  @property({ attribute: false }) changes: VisitChange[] = [];

  /** What each app can see (the bank's directory, in the words shown), for the download. */
  @property({ attribute: false }) seen?: (c: Consent) => string[] | undefined;

  /** The level of its heading (`<consent-manager>`'s `heading-level`). */
  @property({ type: Number }) level = 2;

  /** The BCP 47 tag dates are formatted for. */
  @property() locale = 'en';

  /** Words over English (`<consent-manager>` passes the page's language and overrides). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  private download() {
    save(receiptOf(this.consents, this.changes, this.seen));
  }

  override render() {
    const t = { ...base, ...more, ...this.strings } as Strings;
    const when = (iso: string) => formatDate(iso, this.locale, true);
    const { changes } = this;
    return html`<section aria-labelledby="record">
      <h2 id="record" aria-level=${this.level}>${t.record}</h2>
      <p>${fill(t.asOf, { date: when(new Date().toISOString()) })}</p>
      ${changes.length
        ? html`<h3 aria-level=${this.level + 1}>${t.visit}</h3>
            <ul class="dots">
              ${changes.map(
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
        <button type="button" class="btn" part="button download-button" @click=${this.download}>${t.download}</button>
      </div>
    </section>`;
  }
}

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
