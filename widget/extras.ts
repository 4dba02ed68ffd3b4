/**
 * What a card shows only after an action, or with many apps: the outcome beside the control acted on, the outcome
 * left where a stopped app was, a stop's undo bar, and the overview's row of an app. A chunk of its own in the drop-in
 * build, loaded once the first list is painted (before it when the list starts as an overview), with its styles,
 * which the element adopts when it arrives.
 */
import { css, html, nothing } from 'lit';
import type { Consent } from '@consent-manager/contract';
import { heading, logo, status, type CardContext } from './app-card.js';
import { appName, formatDate, formatRelative } from './format.js';
import { fill } from './strings.js';

/** The outcome of the last action, if it was on this control: a failure in words, icon and colour, as an alert. */
export const note = (key: string, ctx: CardContext) => {
  const o = ctx.outcome;
  return o?.key == key
    ? html`<p class="note ${o.error ? 'err' : 'ok'}" part="outcome" role=${o.error ? 'alert' : nothing}>
        <span aria-hidden="true">${o.error ? '⚠' : '✓'}</span> ${o.text}
      </p>`
    : nothing;
};

/** A stopped app's place in the list of active apps, until the next action: the outcome of its stop. */
export const gone = (c: Consent, ctx: CardContext) =>
  html`<li class="app gone" part="outcome" data-gone=${c.id} tabindex="-1"><span aria-hidden="true">✓</span> ${ctx.outcome?.text}</li>`;

/** The undo bar of an app's own stop, in its card: never stuck over the page, so never over the focused control. */
export const undo = (c: Consent, { t, onUndo }: CardContext, s: number) => {
  const app = appName(c, t);
  return html`<div class="notice bar" part="undo">
    <span class="grow">${fill(t.undoIn, { app, s })}</span>
    <button type="button" class="btn" part="button undo-button" aria-label=${fill(t.undoApp, { app })} @click=${() => onUndo(c)}>
      ${t.undo}
    </button>
  </div>`;
};

/** The overview's row of an app: one button that shows or hides its card, saying what a glance needs. */
export function summary(c: Consent, ctx: CardContext, open: boolean) {
  const { t } = ctx;
  const shared = c.accounts.filter((a) => a.enabled).length;
  const used = c.last_accessed ? formatRelative(c.last_accessed, ctx.locale, ctx.now) : t.never;
  return html`<h3 class="sum" aria-level=${heading(ctx, 1)}>
    <button type="button" class="open" part="expand" aria-expanded=${open} @click=${() => ctx.onExpand(c)}>
      ${logo(c, ctx)}
      <span class="grow"
        ><span class="name" part="app-name">${appName(c, t)}</span><br /><span class="muted"
          >${c.revoked_at
            ? `${t.stoppedOn} ${formatDate(c.revoked_at, ctx.locale)}`
            : html`${fill(t.sharedCount, { n: shared, total: c.accounts.length })} ·
                <span class="rel">${fill(t.lastUsed, { when: used })}</span
                ><span class="abs">${t.lastAccessed}: ${c.last_accessed ? formatDate(c.last_accessed, ctx.locale, true) : t.never}</span>`}</span
        ></span
      >
      ${status(c, ctx)}
    </button>
  </h3>`;
}

export const extraStyles = css`
  .note {
    flex-basis: 100%;
    font-weight: 600;
  }
  .note.ok,
  .gone {
    color: var(--_ok);
  }
  .note.err {
    color: var(--_err);
  }
  .gone {
    padding: var(--_gap);
    border: 1px dashed var(--_border);
    font-weight: 600;
  }
  /* Many apps: rows, and those off screen laid out when they come near it. (Not the cards of a few apps: a
   * placeholder's guessed size would shift the layout under a customer scrolling to a control.) */
  .apps:has(> .brief) {
    gap: 0.5rem;
  }
  .app.brief {
    padding: 0.5rem;
    content-visibility: auto;
    contain-intrinsic-block-size: auto 4.5rem;
  }
  .sum {
    margin: -0.5rem;
  }
  .open {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: 0.5rem var(--_gap);
    width: 100%;
    padding: 0.5rem;
    border: 0;
    border-radius: var(--_radius);
    color: inherit;
    background: none;
    text-align: start;
    font-weight: 400;
  }
  .open .name {
    font-weight: 600;
  }
  .open::after {
    content: '▸';
    color: var(--_muted);
  }
  .open[aria-expanded='true']::after {
    content: '▾';
  }
  .abs {
    display: none;
  }
  @media print {
    .abs {
      display: inline;
    }
    .open::after {
      display: none;
    }
  }
  @media (forced-colors: active) {
    .note.err {
      border: 2px solid CanvasText;
    }
  }
`;
