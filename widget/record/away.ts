import { html, LitElement, nothing, type PropertyValues } from 'lit';
import { property, state } from 'lit/decorators.js';
import type { ChangeRecord, Consent } from '@consent-manager/contract';
import type { ApiClient, Visit } from '../api-client.js';
import { more } from '../strings-more.js';
import { base, fill, type Strings } from '../strings.js';
import { controls } from '../styles.js';
import { historyOf, type History } from './history.js';
import { awayStyles } from './record.styles.js';

/** Above this many apps, a sentence gives their number and the record below names them. */
const MANY = 5;

/**
 * "While you were away": what happened to the customer's stops since they left, said once after they sign back in. A
 * stop carried out after they left (page closed, session ended in its undo window), or one that failed for good, in
 * plain words in a polite live region; the customer may dismiss it, and it never takes focus. Once on screen, the BFF
 * is told (`POST {bff}/changes/seen`), so a reload does not say it again. A part of `<consent-manager>`.
 *
 * @tag consent-away
 * @summary What happened to the customer's stops while they were away.
 *
 * @slot help - The bank's phone number or chat, shown when a stop failed.
 * @csspart away - The notice.
 * @csspart button - Its button.
 * @csspart dismiss-button - Its "Dismiss" button.
 */
export class ConsentAway extends LitElement {
  static override styles = [controls, awayStyles];

  @property({ attribute: false }) client?: ApiClient;
  @property({ attribute: false }) visit?: Visit;
  /** The customer's apps, for names a change lacks. */
  @property({ attribute: false }) consents: Consent[] = [];
  @property() locale = 'en';
  @property({ attribute: false }) strings: Partial<Strings> = {};

  /** The live region is on the page: what it says from now on is announced (a region's first content is not). */
  @state() private ready = false;
  private history?: History;

  protected override willUpdate(changed: PropertyValues<this>) {
    const { client, visit } = this;
    if (client && visit && (!this.history || changed.has('client') || changed.has('visit'))) {
      const h = (this.history = historyOf(client, visit));
      h.first.then(
        () => this.requestUpdate(),
        () => {},
      );
    }
  }

  protected override firstUpdated() {
    requestAnimationFrame(() => (this.ready = true));
  }

  protected override updated() {
    // Said, so told: the BFF marks these outcomes as seen and no later visit repeats them.
    const h = this.history;
    if (this.shown && h?.away) h.seen(h.away);
  }

  private get shown() {
    const h = this.history;
    return this.ready && !!h?.away?.length && !h.dismissed;
  }

  private dismiss() {
    this.history!.dismissed = true;
    this.requestUpdate();
    // The button goes with the notice: focus moves to the list's heading, not to the page.
    const root = this.getRootNode() as ShadowRoot;
    (root.querySelector<HTMLElement>('.lists [tabindex="-1"]') ?? (root.host as HTMLElement | undefined))?.focus();
  }

  private said(t: Strings) {
    const away = this.history!.away!;
    const name = (c: ChangeRecord) =>
      c.application_name ?? this.consents.find((x) => x.id == c.consent_id)?.application_name ?? t.changeApp;
    const list = (names: string[]) => new Intl.ListFormat(this.locale, { type: 'conjunction' }).format(names);
    const stopped = away.filter((c) => c.state == 'applied');
    const failed = away.filter((c) => c.state == 'failed');
    const lines: string[] = [];
    if (stopped.length == 1) {
      const at = new Date(stopped[0]!.applied_at ?? stopped[0]!.due_at);
      const year = at.getFullYear() != new Date().getFullYear() ? { year: 'numeric' as const } : {};
      lines.push(
        fill(t.awayStopped, {
          app: name(stopped[0]!),
          date: new Intl.DateTimeFormat(this.locale, { day: 'numeric', month: 'long', ...year }).format(at),
          time: new Intl.DateTimeFormat(this.locale, { hour: 'numeric', minute: '2-digit' }).format(at),
        }),
      );
    } else if (stopped.length > MANY) lines.push(fill(t.awayStoppedMany, { n: stopped.length }));
    else if (stopped.length) lines.push(fill(t.awayStoppedN, { n: stopped.length, apps: list(stopped.map(name)) }));
    if (failed.length == 1) lines.push(fill(t.awayFailed, { app: name(failed[0]!) }));
    else if (failed.length > MANY) lines.push(fill(t.awayFailedMany, { n: failed.length }));
    else if (failed.length) lines.push(fill(t.awayFailedN, { apps: list(failed.map(name)) }));
    return { lines, failed: failed.length > 0 };
  }

  override render() {
    const t = { ...base, ...more, ...this.strings } as Strings;
    const said = this.shown ? this.said(t) : undefined;
    // The live region stays on the page (empty, without a panel) so that what it comes to say is announced.
    return html`<div class=${said ? 'notice away' : ''} part="away">
      <div role="status">${said?.lines.map((line) => html`<p>${line}</p>`) ?? nothing}</div>
      ${said?.failed ? html`<slot name="help"></slot>` : nothing}
      ${said
        ? html`<button type="button" class="btn" part="button dismiss-button" @click=${this.dismiss}>${t.dismiss}</button>`
        : nothing}
    </div>`;
  }
}

declare global {
  interface HTMLElementTagNameMap {
    'consent-away': ConsentAway;
  }
}
