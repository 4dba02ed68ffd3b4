import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { Consent } from '@consent-manager/contract';
import { emitPart } from '../events.js';
import { accountName, appName, lastDigits } from '../format.js';
import { more } from '../strings-more.js';
import { base, fill, type Strings } from '../strings.js';
import { controls } from '../styles.js';
import { dialogStyles } from './stop-dialog.styles.js';

/**
 * The confirmation before sharing stops: one app, one the customer does not recognize (`fraud`), or several. It
 * names the apps, asks the customer to check with the app whether its service will be affected, says which data and
 * accounts stop, that auto-sharing of new accounts ends, and what happens to data already shared (the app must delete
 * or de-identify what it no longer needs, under its own policy), with the app's deletion link when the bank has one;
 * Cancel is as prominent as Confirm (same size, weight and border). A part of `<consent-manager>`, which sets its properties and opens it; its outcome comes up as an event.
 *
 * @tag consent-stop-dialog
 * @summary The "Stop sharing" confirmation of `<consent-manager>` (a native modal `<dialog>`).
 *
 * @event consent-dialog-confirm - The customer confirmed. Bubbles within `<consent-manager>`'s shadow root only.
 * @event consent-dialog-cancel - The customer closed the dialog without confirming (Cancel, Escape). Bubbles within
 *   `<consent-manager>`'s shadow root only.
 *
 * @slot help - The bank's phone number or chat (`<consent-manager>` passes its own `help` slot on).
 *
 * @csspart dialog - The `<dialog>`.
 * @csspart link - The app's link for deleting the customer's data.
 * @csspart button - Both buttons.
 * @csspart confirm-button - The confirming button.
 *
 * @cssproperty --consent-color-danger - The confirming button.
 * @cssproperty --consent-color-on-danger - Its text.
 */
export class ConsentStopDialog extends LitElement {
  static override styles = [controls, dialogStyles];

  /** The apps the dialog asks about: one, or every app for "stop sharing with every app". */
  @property({ attribute: false }) consents: Consent[] = [];

  /** What each of `consents` can see, in the words shown (undefined: the bank's directory does not say). */
  @property({ attribute: false }) seen: (string[] | undefined)[] = [];

  /** Where to ask each of `consents` to delete the customer's data (a vetted URL), when the bank has one. */
  @property({ attribute: false }) deletion: (string | undefined)[] = [];

  /** The customer said they do not recognize the (one) app: the words of the fraud hand-over. */
  @property({ type: Boolean }) fraud = false;

  /** Shown as a modal dialog. Setting it from script opens or closes it without an event. */
  @property({ type: Boolean, reflect: true }) open = false;

  /** Words over English (`<consent-manager>` passes the page's language and overrides). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  @query('dialog') private dialog!: HTMLDialogElement;

  /**
   * Closing from script (`open = false`) says nothing; closing by the customer fires one event. Counted: each
   * `close()` queues a `close` event of its own, and script may close, open and close again before the first arrives.
   */
  private quiet = 0;

  protected override updated(changed: PropertyValues<this>) {
    if (!changed.has('open') || this.open == this.dialog.open) return;
    if (this.open) {
      this.dialog.returnValue = '';
      this.dialog.showModal();
    } else {
      this.quiet++;
      this.dialog.close();
    }
  }

  private onClose() {
    if (this.quiet) return void this.quiet--;
    // `close` comes a task after closing: the dialog may have been opened again meanwhile.
    if (this.dialog.open) return;
    this.open = false;
    emitPart(this, this.dialog.returnValue == 'stop' ? 'consent-dialog-confirm' : 'consent-dialog-cancel');
  }

  private body(t: Strings) {
    const cs = this.consents;
    if (!cs.length) return nothing;
    const { fraud } = this;
    const one = cs.length == 1;
    const c = cs[0]!;
    const app = appName(c, t);
    const n = cs.length;
    const seen = this.seen[0];
    const deletion = this.deletion[0];
    const shared = c.accounts.filter((a) => a.enabled);
    return html`<h2 id="title">${fill(fraud ? t.fraudTitle : one ? t.dialogTitle : t.stopAllTitle, { app, n })}</h2>
      <div id="text">
        ${fraud ? html`<p>${fill(t.fraudText, { app })}</p>` : html`<p><strong>${one ? fill(t.dialogCheck, { app }) : t.stopAllCheck}</strong></p>`}
        ${one
          ? html`<p>${fill(t.dialogSees, { app })}</p>
              ${seen ? html`<ul>${seen.map((d) => html`<li>${d}</li>`)}</ul>` : html`<p>${fill(t.canSeeUnknown, { app })}</p>`}
              ${shared.length
                ? html`<p>${t.dialogAccounts}</p>
                    <ul>
                      ${shared.map((a) => html`<li>${accountName(a, t)} ${a.account_number_display ? fill(t.ending, { digits: lastDigits(a.account_number_display) }) : ''}</li>`)}
                    </ul>`
                : html`<p>${fill(t.dialogNoAccounts, { app })}</p>`}
              <p>${fill(t.dialogAuto, { app })}</p>
              <p>${fill(t.dialogKeeps, { app })}</p>
              ${deletion ? html`<p><a part="link" href=${deletion}>${fill(t.deletion, { app })}</a></p>` : nothing}`
          : html`<p>${t.stopAllStops}</p>
              <ul>
                ${cs.map((c) => html`<li>${appName(c, t)}</li>`)}
              </ul>
              <p>${t.stopAllAuto}</p>
              <p>${t.stopAllKeeps}</p>`}
      </div>
      <slot name="help"></slot>
      <div class="actions">
        <button type="button" class="btn" part="button" autofocus @click=${() => this.dialog.close()}>${t.cancel}</button>
        <button type="button" class="btn danger" part="button confirm-button" @click=${() => this.dialog.close('stop')}>
          ${fraud ? t.fraudConfirm : one ? t.confirm : fill(t.stopAllN, { n })}
        </button>
      </div>`;
  }

  override render() {
    const t = { ...base, ...more, ...this.strings } as Strings;
    return html`<dialog part="dialog" aria-labelledby="title" aria-describedby="text" @close=${this.onClose}>
      ${this.body(t)}
    </dialog>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-stop-dialog': ConsentStopDialog;
  }
}
