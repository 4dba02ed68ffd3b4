import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { Consent } from '@consent-manager/contract';
import { emitPart } from '../events.js';
import { lastDigits } from '../format.js';
import { more } from '../strings-more.js';
import { base, fill, type Strings } from '../strings.js';
import { controls } from '../styles.js';
import { dialogStyles } from './stop-dialog.styles.js';

/**
 * The confirmation before sharing stops: one app, one the customer does not recognize (`fraud`), or every app. It
 * names the apps, says which accounts and data stop and what happens to data already shared; Cancel is as prominent
 * as Confirm. A part of `<consent-manager>`, which sets its properties and opens it; its outcome comes up as an event.
 *
 * @tag consent-stop-dialog
 * @summary The "Stop sharing" confirmation of `<consent-manager>` (a native modal `<dialog>`).
 *
 * @event consent-dialog-confirm - The customer confirmed. Bubbles within `<consent-manager>`'s shadow root only.
 * @event consent-dialog-cancel - The customer closed the dialog without confirming (Cancel, Escape). Bubbles within
 *   `<consent-manager>`'s shadow root only.
 *
 * @csspart dialog - The `<dialog>`.
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

  /** The customer said they do not recognize the (one) app: the words of the fraud hand-over. */
  @property({ type: Boolean }) fraud = false;

  /** Shown as a modal dialog. Setting it from script opens or closes it without an event. */
  @property({ type: Boolean, reflect: true }) open = false;

  /** Words over English (`<consent-manager>` passes the page's language and overrides). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  @query('dialog') private dialog!: HTMLDialogElement;

  /** Closing from script (`open = false`) says nothing; closing by the customer fires one event. */
  private quiet = false;

  protected override updated(changed: PropertyValues<this>) {
    if (!changed.has('open') || this.open == this.dialog.open) return;
    if (this.open) {
      this.dialog.returnValue = '';
      this.dialog.showModal();
    } else {
      this.quiet = true;
      this.dialog.close();
    }
  }

  private onClose() {
    // `close` comes a task after closing: the dialog may have been opened again meanwhile.
    if (this.dialog.open) return;
    const quiet = this.quiet;
    this.quiet = false;
    this.open = false;
    if (!quiet) emitPart(this, this.dialog.returnValue == 'stop' ? 'consent-dialog-confirm' : 'consent-dialog-cancel');
  }

  private body(t: Strings) {
    const cs = this.consents;
    if (!cs.length) return nothing;
    const { fraud } = this;
    const one = cs.length == 1;
    const app = cs[0]!.application_name;
    const n = cs.length;
    return html`<h2 id="title">${fill(fraud ? t.fraudTitle : one ? t.dialogTitle : t.stopAllTitle, { app, n })}</h2>
      <div id="text">
        ${fraud ? html`<p>${fill(t.fraudText, { app })}</p>` : nothing}
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
          ${fraud ? t.fraudConfirm : one ? t.confirm : t.stopAll}
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
