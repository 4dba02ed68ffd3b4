import { html, nothing, type ReactiveController, type ReactiveControllerHost, type TemplateResult } from 'lit';
import type { Consent } from '@consent-manager/contract';
import type { ApiClient } from './api-client.js';
import { appCard, keys, type CardContext } from './app-card.js';
import { emit } from './events.js';
import { lastDigits } from './format.js';
import { safeUrl } from './safe-url.js';
import { fill, type Strings } from './strings.js';

/** A confirmed stop waiting out its undo window. One Undo takes back all of `ids`, never some of them. */
export interface Hold {
  ids: string[];
  until: number;
  /** The app's name, or "6 apps". */
  label: string;
}

/** The stops sent since the queue was last empty, for the progress of "stop sharing with every app". */
export interface Run {
  ids: string[];
  done: string[];
  failed: string[];
}

/** What the stop flow shows; each change renders the element again. */
export interface FlowState {
  /** The apps the dialog asks about, and whether because the customer did not recognize the app. */
  stopping?: Consent[];
  fraud: boolean;
  held: Hold[];
  /** Consent ids whose stop is due and not yet answered, in order: sent one at a time. */
  queue: string[];
  run?: Run;
  /** The app not recognized whose stop was answered: the fraud link names it. */
  reported?: Consent;
  reviewing?: { ids: string[]; i: number };
  /** Apps the customer chose to keep in the review: not offered again in this visit. */
  kept: ReadonlySet<string>;
}

/** The element's text button: `(text, part, click, aria-label?)`. */
export type Button = (text: string, part: string, click: (e: Event) => void, label?: string) => TemplateResult;

/** What the element lends the flow of its private parts. */
export interface FlowPort {
  host: ReactiveControllerHost & HTMLElement & { undoSeconds: number; renderRoot: HTMLElement | DocumentFragment };
  client(): ApiClient;
  t(): Strings;
  byId(id: string): Consent | undefined;
  /** Sets (or clears) the `keys` entry of the change in flight, which locks every control. */
  busy(key?: string): void;
  announce(text: string): void;
  /** Session expiry becomes its own state (false); anything else `consent-error` (true). */
  report(e: unknown): boolean;
  /** The upstream's answer for one consent replaces the one shown, and goes into this visit's record. */
  stopped(c: Consent): void;
  reload(): void;
  button: Button;
}

/**
 * Everything after the customer asks to stop sharing: the confirmation (one app, one not recognized, every app),
 * the page's chance to hold it (`consent-before-stop`), the undo window, the queue that sends the stops one at a
 * time (waiting for the network when offline, sent as the page closes when it must), their progress and outcome,
 * the hand-over of an app not recognized; and the review of unused apps, which ends in Keep or Stop. The element
 * creates it on first use (it is in the chunk of on-demand views) and renders its parts; as the element's
 * controller it listens for the page's `pagehide` and `online` while the element is connected.
 */
export class StopFlow implements ReactiveController {
  s: FlowState = { fraud: false, held: [], queue: [], kept: new Set() };
  private trigger?: HTMLElement;
  private draining = false;
  private ticker?: number;
  private fraudId?: string;
  /** Focus sat on a control that the finished stop removed, so it is moved to the app's new place. */
  private refocus = false;

  constructor(private port: FlowPort) {
    port.host.addController(this);
  }

  hostConnected() {
    addEventListener('pagehide', this.flush);
    addEventListener('online', this.drain);
  }

  /** Without the element there is no Undo to offer: the stops the customer asked for go out now. */
  hostDisconnected() {
    this.flush();
    removeEventListener('pagehide', this.flush);
    removeEventListener('online', this.drain);
  }

  private set(patch: Partial<FlowState>) {
    this.s = { ...this.s, ...patch };
    this.port.host.requestUpdate();
  }

  private get dialog() {
    return this.port.host.renderRoot.querySelector('dialog')!;
  }

  private async focusOn(selector: string) {
    await this.port.host.updateComplete;
    this.port.host.renderRoot.querySelector<HTMLElement>(selector)?.focus();
  }

  /** Its stop is confirmed: waiting out the undo window, or queued to be sent. Its controls refuse input. */
  isHeld = (id: string) => this.s.queue.includes(id) || this.s.held.some((h) => h.ids.includes(id));

  /** Opens the confirmation for `cs` (`fraud`: an app the customer does not recognize); focus returns to `trigger`. */
  async open(cs: Consent[], trigger: HTMLElement, fraud: boolean) {
    this.trigger = trigger;
    this.set({ stopping: cs, fraud });
    await this.port.host.updateComplete;
    this.dialog.returnValue = '';
    this.dialog.showModal();
  }

  /** The session ended: a question asked in the dialog no longer stands. */
  cancel() {
    if (this.dialog.open) this.dialog.close();
  }

  closed = () => {
    const cs = this.s.stopping;
    this.set({ stopping: undefined });
    this.trigger?.focus();
    if (cs && this.dialog.returnValue == 'stop') this.confirm(cs, this.s.fraud);
  };

  /** Gives the page its chance to hold the stop (step-up authentication) before anything is sent. */
  private confirm(cs: Consent[], fraud: boolean) {
    let settled = false;
    const settle = (go: boolean) => () => {
      if (settled) return;
      settled = true;
      this.port.busy();
      if (go) this.hold(cs, fraud);
    };
    this.port.busy(keys.stop(cs[0]!));
    const resume = settle(true);
    if (emit(this.port.host, 'consent-before-stop', { consent: cs[0]!, consents: cs, resume, abandon: settle(false) })) resume();
  }

  /** Starts the undo window, or sends at once when there is none (and always for an app not recognized). */
  private hold(cs: Consent[], fraud: boolean) {
    const t = this.port.t();
    const ids = cs.map((c) => c.id);
    const undoSeconds = this.port.host.undoSeconds;
    const seconds = fraud ? 0 : undoSeconds > 0 ? undoSeconds : 0;
    const { reviewing } = this.s;
    if (fraud) this.fraudId = ids[0];
    if (reviewing?.ids[reviewing.i] == ids[0]) this.next();
    if (!seconds) return this.enqueue(ids);
    const label = cs.length > 1 ? fill(t.apps, { n: cs.length }) : cs[0]!.application_name;
    this.set({ held: [...this.s.held, { ids, until: Date.now() + seconds * 1000, label }] });
    this.port.client().arm().catch(() => {});
    this.ticker ??= window.setInterval(this.tick, 1000);
    this.port.announce(fill(t.undoHint, { app: label, s: seconds }));
    if (!reviewing) this.focusOn('.undo > :last-child button');
  }

  private tick = () => {
    const now = Date.now();
    const due = this.s.held.filter((h) => h.until <= now);
    this.set({ held: this.s.held.filter((h) => h.until > now) });
    if (!this.s.held.length) this.ticker = void clearInterval(this.ticker);
    if (due.length) {
      this.refocus ||= !!this.port.host.shadowRoot!.activeElement?.matches('[part~="undo-button"]');
      this.enqueue(due.flatMap((h) => h.ids));
    }
  };

  /** Takes a stop back while its window is open; once it closed, the stop may already be on its way. */
  private undo(h: Hold) {
    if (!this.s.held.includes(h)) return;
    this.set({ held: this.s.held.filter((x) => x != h) });
    this.port.announce(fill(this.port.t().undone, { app: h.label }));
    this.focusOn(`[data-id="${CSS.escape(h.ids[0]!)}"] h3`);
  }

  private enqueue(ids: string[]) {
    const { queue, run } = this.s;
    this.set({
      queue: [...queue, ...ids],
      run: this.draining && run ? { ...run, ids: [...run.ids, ...ids] } : { ids, done: [], failed: [] },
    });
    this.drain();
  }

  /**
   * Sends the due stops one at a time. Offline, they wait for the `online` event (nothing is dropped, and
   * a stop that landed before the network went is harmless to resend: the upstream keeps the first `revoked_at`).
   */
  drain = async () => {
    if (this.draining || !this.s.queue.length) return;
    this.draining = true;
    const { port } = this;
    const t = port.t();
    try {
      for (let id: string | undefined; (id = this.s.queue[0]); ) {
        if (!navigator.onLine) return void port.announce(t.offline);
        const c = port.byId(id)!;
        const run = this.s.run!;
        port.busy(keys.stop(c));
        let stopped: Consent | undefined;
        try {
          stopped = await port.client().stop(id);
        } catch (e) {
          if (!navigator.onLine) continue;
          if (!port.report(e)) return void this.set({ queue: [], run: undefined });
        } finally {
          port.busy();
        }
        const done = stopped ? { ...run, done: [...run.done, id] } : { ...run, failed: [...run.failed, id] };
        this.set({ queue: this.s.queue.slice(1), run: done });
        if (stopped) {
          port.stopped(stopped);
          emit(port.host, 'consent-stop', { consent: stopped });
        }
        if (run.ids.length > 1) port.announce(fill(t.progress, { done: done.done.length, n: run.ids.length }));
        if (id == this.fraudId) {
          this.fraudId = undefined;
          this.set({ reported: c });
          emit(port.host, 'consent-unrecognized', { consent: stopped ?? c, stopped: !!stopped });
          this.focusOn('[part~="fraud"] a');
        }
      }
      this.finish(t);
    } finally {
      this.draining = false;
    }
  };

  private finish(t: Strings) {
    const { port } = this;
    const { ids, done, failed } = this.s.run!;
    const name = (id: string) => port.byId(id)?.application_name ?? id;
    const app = ids.length > 1 ? fill(t.apps, { n: ids.length }) : name(ids[0]!);
    const refocus = this.refocus || !!port.host.shadowRoot!.activeElement?.matches('[part~="stop-button"]');
    this.refocus = false;
    if (failed.length) {
      port.announce(
        ids.length > 1
          ? fill(t.stopAllFailed, { done: done.length, n: ids.length, apps: failed.map(name).join(', ') })
          : fill(t.stopFailed, { app }),
      );
      if (ids.length == 1) this.set({ run: undefined });
      port.reload();
    } else {
      port.announce(fill(t.stoppedMsg, { app }));
      this.set({ run: undefined });
      // The trigger left with the app; its entry in the history is the nearest place to continue from.
      if (refocus && ids.length == 1) this.focusOn(`.history [data-id="${CSS.escape(ids[0]!)}"] h3`);
    }
  }

  /** The page is going away: every stop still waiting is sent in a request that outlives it. */
  private flush = () => {
    const ids = [...this.s.held.flatMap((h) => h.ids), ...this.s.queue];
    this.set({ held: [], queue: [] });
    this.ticker = void clearInterval(this.ticker);
    ids.forEach((id) => this.port.client().beacon(id));
  };

  startReview(ids: string[]) {
    this.set({ reviewing: { ids, i: 0 } });
    this.focusOn('[part~="review"] h3');
  }

  private next() {
    const r = this.s.reviewing!;
    this.set({ reviewing: { ...r, i: r.i + 1 } });
    this.focusOn(r.ids[r.i + 1] ? '[part~="review"] h3' : '#review-title');
  }

  private keep(c: Consent) {
    this.set({ kept: new Set(this.s.kept).add(c.id) });
    this.port.announce(fill(this.port.t().undone, { app: c.application_name }));
    this.next();
  }

  private async endReview() {
    this.set({ reviewing: undefined });
    await this.port.host.updateComplete;
    this.port.host.focus();
  }

  /** The dialog's content for `stopping`: one app, one the customer does not recognize (`fraud`), or several. */
  dialogBody(t: Strings) {
    const { stopping: cs, fraud } = this.s;
    if (!cs) return nothing;
    const one = cs.length == 1;
    const app = cs[0]!.application_name;
    const n = cs.length;
    return html`<h2 id="dialog-title">${fill(fraud ? t.fraudTitle : one ? t.dialogTitle : t.stopAllTitle, { app, n })}</h2>
      <div id="dialog-text">
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

  /** After an app not recognized was stopped (or tried): the link to the bank's fraud report, if it is safe. */
  fraudLink(t: Strings, href: string | undefined) {
    const { reported } = this.s;
    const url = reported && safeUrl(href);
    return url
      ? html`<p class="notice" part="fraud">
          <a part="link" href=${url}>${fill(t.fraudLink, { app: reported.application_name })}</a>
        </p>`
      : nothing;
  }

  /** One bar per stop waiting out its window, with its countdown and its Undo. */
  undoBars(t: Strings) {
    const now = Date.now();
    return this.s.held.map(
      (h) =>
        html`<div class="notice bar" part="undo">
          <span class="grow">${fill(t.undoIn, { app: h.label, s: Math.max(1, Math.ceil((h.until - now) / 1000)) })}</span>
          <button type="button" class="btn" part="button undo-button" aria-label=${fill(t.undoApp, { app: h.label })} @click=${() => this.undo(h)}>
            ${t.undo}
          </button>
        </div>`,
    );
  }

  /** How far "stop sharing with every app" got: each app's state, and a retry of the failed ones once done. */
  progress(t: Strings) {
    const { run, queue } = this.s;
    if (!run || run.ids.length < 2) return nothing;
    const { ids, done, failed } = run;
    return html`<section class="notice" part="progress" aria-labelledby="progress-title">
      <h2 id="progress-title">${t.stopAll}</h2>
      <progress max=${ids.length} .value=${done.length} aria-label=${fill(t.progress, { done: done.length, n: ids.length })}></progress>
      <ul class="rows">
        ${ids.map(
          (id) =>
            html`<li class="row">
              <span class="grow">${this.port.byId(id)?.application_name}</span>
              ${done.includes(id) ? t.stopped : failed.includes(id) ? t.notStopped : id == queue[0] ? t.stopping : t.waiting}
            </li>`,
        )}
      </ul>
      ${failed.length && !queue.length
        ? this.port.button(t.retry, '', () => {
            this.set({ run: undefined });
            this.enqueue(failed);
          })
        : nothing}
    </section>`;
  }

  /** The review of unused apps: one at a time, then a closing word; Back to all apps. */
  review(ctx: CardContext) {
    const { t } = ctx;
    const { ids, i } = this.s.reviewing!;
    const c = this.port.byId(ids[i] ?? '');
    const { button } = this.port;
    return html`<section class="apps" part="review" aria-labelledby="review-title">
      <h2 id="review-title" tabindex="-1">${t.reviewTitle}</h2>
      ${c
        ? html`<p>${fill(t.reviewStep, { i: i + 1, n: ids.length })}</p>
            <ul class="apps">
              ${appCard(c, { ...ctx, review: true })}
            </ul>
            <div class="actions">
              ${button(t.keep, 'keep-button', () => ctx.lock?.on || this.keep(c))}
              ${button(t.stop, 'stop-button', (e) => ctx.onStop(c, e), fill(t.stopApp, { app: c.application_name }))}
            </div>`
        : html`<p>${t.reviewDone}</p>`}
      ${button(t.back, '', () => this.endReview())}
    </section>`;
  }
}
