/**
 * What a customer opens by action, and its words: the stop flow (stop-flow.ts), the record of this visit with its
 * print and download, and the bank's directory entry of an app. The drop-in build puts all of it in a chunk of its
 * own that the element loads on first use, and once its list is on screen (the record, below the list, and the
 * directory's entries, in the cards, then render).
 */
import { css, html, nothing } from 'lit';
import type { Consent } from '@consent-manager/contract';
import type { CardContext } from './app-card.js';
import { formatDate, lastDigits } from './format.js';
import type { ConsentReceipt, VisitChange } from './receipt.js';
import { safeUrl } from './safe-url.js';
import { fill, type Strings } from './strings.js';

export { StopFlow } from './stop-flow.js';
export { more as words } from './strings-more.js';

/**
 * The record of this visit: the customer's apps as of now, this visit's changes (when, which app, what), print,
 * and the JSON download (the element's `receipt()`).
 */
export function record(t: Strings, locale: string, changes: VisitChange[], onDownload: () => void) {
  const when = (iso: string) => formatDate(iso, locale, true);
  return html`<section class="history" part="receipt" aria-labelledby="record">
    <h2 id="record">${t.record}</h2>
    <p>${fill(t.asOf, { date: when(new Date().toISOString()) })}</p>
    ${changes.length
      ? html`<h3>${t.visit}</h3>
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
      <button type="button" class="btn" part="button download-button" @click=${onDownload}>${t.download}</button>
    </div>
  </section>`;
}

/** The bank's directory entry, if it has one; each part left out when the bank gives none. */
export function about(c: Consent, { t, directory }: CardContext) {
  const app = c.application_name;
  const info = Object.hasOwn(directory, app) ? directory[app] : undefined;
  if (!info) return nothing;
  const words = t as unknown as Record<string, string | undefined>;
  const links = [
    [info.privacy, t.privacy],
    [info.deletion, fill(t.deletion, { app })],
  ].flatMap(([href, text]) => {
    const url = safeUrl(href);
    return url ? [html`<li><a part="link" href=${url}>${text}</a></li>`] : [];
  });
  const parts = [
    info.description && html`<p>${info.description}</p>`,
    info.data?.length &&
      html`<h4>${fill(t.canSee, { app })}</h4>
        <ul class="dots">
          ${info.data.map((d) => html`<li>${(/^[A-Z_]+$/.test(d) && words[d]) || d}</li>`)}
        </ul>`,
    info.via && html`<p>${fill(t.via, { via: info.via })}</p>`,
    links.length && html`<ul>${links}</ul>`,
  ].filter(Boolean);
  return parts.length
    ? html`<details part="details"><summary>${fill(t.about, { app })}</summary>${parts}</details>`
    : nothing;
}

/** Hands the receipt to the browser as a file: a blob URL, so nothing leaves the page and no CSP source is needed. */
export function download(r: ConsentReceipt) {
  const a = document.createElement('a');
  a.href = URL.createObjectURL(new Blob([JSON.stringify(r, null, 2)], { type: 'application/json' }));
  a.download = `connected-apps-${r.generated_at.slice(0, 10)}.json`;
  a.click();
  // The download has started by then; revoking at once can cancel it in some browsers.
  setTimeout(() => URL.revokeObjectURL(a.href), 60_000);
}

/** The styles of these views, added to the element's own (styles.ts) when they load. */
export const styles = css`
  :host {
    --_danger: var(--consent-color-danger, light-dark(#b3261e, #ff8a80));
    --_on-danger: var(--consent-color-on-danger, light-dark(#fff, #2b0b0b));
  }
  .undo {
    position: sticky;
    top: 0;
    z-index: 1;
    display: grid;
    gap: 0.5rem;
    margin-bottom: var(--_gap);
  }
  .undo:empty {
    display: none;
  }
  a {
    color: var(--_accent);
  }
  dialog {
    max-width: min(32rem, calc(100vw - 2rem));
    padding: calc(1.5 * var(--_gap));
    border: 1px solid var(--_border);
    border-radius: var(--_radius);
    color: var(--_text);
    background: var(--_bg);
  }
  dialog > div {
    display: grid;
    gap: var(--_gap);
  }
  dialog ul,
  .dots {
    list-style: disc;
    padding-left: 1.5rem;
  }
  .actions {
    display: flex;
    flex-wrap: wrap;
    align-items: center;
    gap: var(--_gap);
  }
  .actions .btn {
    flex: 1 1 8rem;
  }
  .danger {
    border-color: var(--_danger);
    color: var(--_on-danger);
    background: var(--_danger);
  }
  progress {
    width: 100%;
  }
  summary {
    cursor: pointer;
    padding-block: 0.25rem;
  }
  details > :not(summary) {
    margin-top: 0.5rem;
  }
  /* Printed: the list and the record, in words; no control. */
  @media print {
    button,
    .tools,
    .undo {
      display: none !important;
    }
    .app {
      break-inside: avoid;
    }
  }
`;
