import { html, LitElement, nothing } from 'lit';
import { property } from 'lit/decorators.js';
import type { Consent } from '@consent-manager/contract';
import { emitPart } from '../events.js';
import { safeUrl } from '../safe-url.js';
import type { Hold, Run } from '../stop-queue.js';
import { more } from '../strings-more.js';
import { base, fill, type Strings } from '../strings.js';
import { controls } from '../styles.js';
import { statusStyles } from './stop-status.styles.js';
import { appName } from '../format.js';

/**
 * Where the confirmed stops stand, above `<consent-manager>`'s list: a bar per stop waiting out its undo window (its
 * countdown to the BFF's due time, and its Undo), the progress of "stop sharing with every app" (each app's state by
 * name as the BFF's ledger reports it, and a retry of the failed ones), and the link to the bank's fraud report after an app the customer did not recognize. A part of
 * `<consent-manager>`, which passes its stop queue's state down; the customer's choices come up as events.
 *
 * @tag consent-stop-status
 * @summary The state of the stops of `<consent-manager>`: undo, progress, fraud report.
 *
 * @event consent-undo - Undo a stop waiting out its window: `detail` is its `Hold`. Bubbles within
 *   `<consent-manager>`'s shadow root only.
 * @event consent-retry - Stop the apps that failed again. Bubbles within `<consent-manager>`'s shadow root only.
 *
 * @csspart undo - A stop's undo bar, with its countdown.
 * @csspart button - Every button.
 * @csspart undo-button - Its Undo button.
 * @csspart progress - The progress of stopping every app, and its failures.
 * @csspart fraud - The link to the bank's fraud report, after an app was not recognized.
 * @csspart link - That link.
 */
export class ConsentStopStatus extends LitElement {
  static override styles = [controls, statusStyles];

  /** The stops waiting out their undo window. */
  @property({ attribute: false }) held: Hold[] = [];

  /** The progress of a stop of several apps, as the BFF's ledger reports it. */
  @property({ attribute: false }) run?: Run;

  /** The app not recognized whose stop was answered. */
  @property({ attribute: false }) reported?: Consent;

  /** The bank's fraud-report page (`https:` or same-origin, else no link). */
  @property({ attribute: 'fraud-href' }) fraudHref?: string;

  /** The level of its headings (`<consent-manager>`'s `heading-level`). */
  @property({ type: Number }) level = 2;

  /** Words over English (`<consent-manager>` passes the page's language and overrides). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  /** Moves focus to the newest Undo. */
  focusUndo() {
    this.renderRoot.querySelector<HTMLElement>('.undo > :last-child button')?.focus();
  }

  /** Moves focus to the fraud report link. */
  focusReport() {
    this.renderRoot.querySelector<HTMLElement>('[part~="fraud"] a')?.focus();
  }

  private progress(t: Strings) {
    const { run } = this;
    if (!run || run.ids.length < 2) return nothing;
    const { ids, done, failed, sending, names } = run;
    const over = done.length + failed.length == ids.length;
    return html`<section class="notice" part="progress" aria-labelledby="progress-title">
      <h2 id="progress-title" aria-level=${this.level}>${t.stopAll}</h2>
      <progress max=${ids.length} .value=${done.length} aria-label=${fill(t.progress, { done: done.length, n: ids.length })}></progress>
      <ul class="rows">
        ${ids.map(
          (id) =>
            html`<li class="row">
              <span class="grow">${names[id]}</span>
              ${done.includes(id) ? t.stopped : failed.includes(id) ? t.notStopped : sending.includes(id) ? t.stopping : t.waiting}
            </li>`,
        )}
      </ul>
      ${failed.length && over
        ? html`<button type="button" class="btn" part="button" @click=${() => emitPart(this, 'consent-retry')}>${t.retry}</button>`
        : nothing}
    </section>`;
  }

  override render() {
    const t = { ...base, ...more, ...this.strings } as Strings;
    const { reported } = this;
    const url = reported && safeUrl(this.fraudHref);
    const now = Date.now();
    return html`${url
        ? html`<p class="notice" part="fraud">
            <a part="link" href=${url}>${fill(t.fraudLink, { app: appName(reported, t) })}</a>
          </p>`
        : nothing}
      <div class="undo">
        ${this.held.map(
          (h) =>
            html`<div class="notice bar" part="undo">
              <span class="grow">${fill(t.undoIn, { app: h.label, s: Math.max(1, Math.ceil((h.until - now) / 1000)) })}</span>
              <button type="button" class="btn" part="button undo-button" aria-label=${fill(t.undoApp, { app: h.label })} @click=${() => emitPart(this, 'consent-undo', h)}>
                ${t.undo}
              </button>
            </div>`,
        )}
      </div>
      ${this.progress(t)}`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-stop-status': ConsentStopStatus;
  }
}
