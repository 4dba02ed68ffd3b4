import { html, LitElement, nothing } from 'lit';
import { property, query } from 'lit/decorators.js';
import type { Consent } from '@consent-manager/contract';
import { emitPart, type ConsentPartEventMap } from '../events.js';
import { more } from '../strings-more.js';
import { base, fill, type Strings } from '../strings.js';
import { controls } from '../styles.js';
import { reviewStyles } from './review.styles.js';
import { appName } from '../format.js';

/**
 * The review of unused apps: one app at a time (its card in the slot), Keep sharing or Stop sharing, then a closing
 * word; Back to all apps. A part of `<consent-manager>`, which holds the review's place and the apps' cards; the
 * customer's choices come up as events.
 *
 * @tag consent-review
 * @summary The review of unused apps of `<consent-manager>`.
 *
 * @slot - The card of the app under review.
 *
 * @event consent-review-keep - Keep sharing with the app under review. Bubbles within `<consent-manager>`'s shadow root only.
 * @event consent-review-stop - Stop sharing with the app under review (the stop dialog follows). Bubbles within
 *   `<consent-manager>`'s shadow root only.
 * @event consent-review-back - Back to all apps. Bubbles within `<consent-manager>`'s shadow root only.
 *
 * @csspart button - Every button.
 * @csspart keep-button - The "Keep sharing" button.
 * @csspart stop-button - The "Stop sharing" button.
 */
export class ConsentReview extends LitElement {
  static override styles = [controls, reviewStyles];

  /** The app under review; none once every app was reviewed. */
  @property({ attribute: false }) consent?: Consent;

  /** Its place in the review, from 0. */
  @property({ type: Number }) step = 0;

  /** How many apps the review goes through. */
  @property({ type: Number }) total = 0;

  /** Something is in flight: Keep and Stop refuse input (their focus stays). */
  @property({ type: Boolean }) locked = false;

  /** The stop of the app under review is on its way. */
  @property({ type: Boolean }) busy = false;

  /** Words over English (`<consent-manager>` passes the page's language and overrides). */
  @property({ attribute: false }) strings: Partial<Strings> = {};

  @query('h2') private heading!: HTMLElement;


  /** Moves focus to the review's heading (once every app was reviewed, there is no card to go to). */
  focusTitle() {
    this.heading.focus();
  }

  /** Focus goes to Stop sharing, where a stop the customer cancelled returns to; without an app, to the heading. */
  override focus(options?: FocusOptions) {
    (this.renderRoot.querySelector<HTMLElement>('[part~="stop-button"]') ?? this.heading).focus(options);
  }

  private fire(type: keyof ConsentPartEventMap) {
    return () => this.locked || emitPart(this, type);
  }

  override render() {
    const t = { ...base, ...more, ...this.strings } as Strings;
    const c = this.consent;
    const button = (text: string, part: string, type: keyof ConsentPartEventMap, label?: string) =>
      html`<button
        type="button"
        class="btn"
        part="button ${part}"
        aria-label=${label ?? nothing}
        aria-busy=${part == 'stop-button' && this.busy}
        aria-disabled=${part != '' && this.locked}
        @click=${part ? this.fire(type) : () => emitPart(this, type)}
      >
        ${text}
      </button>`;
    return html`<section aria-labelledby="review-title">
      <h2 id="review-title" tabindex="-1">${t.reviewTitle}</h2>
      ${c
        ? html`<p>${fill(t.reviewStep, { i: this.step + 1, n: this.total })}</p>
            <slot></slot>
            <div class="actions">
              ${button(t.keep, 'keep-button', 'consent-review-keep')}
              ${button(t.stop, 'stop-button', 'consent-review-stop', fill(t.stopApp, { app: appName(c, t) }))}
            </div>`
        : html`<p>${t.reviewDone}</p>`}
      ${button(t.back, '', 'consent-review-back')}
    </section>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-review': ConsentReview;
  }
}
