import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { STEP_UP_REQUIRED, type Consent } from '@consent-manager/contract';
import { ApiError, type ApiClient } from './api-client.js';
import { keys } from './app-card.js';
import { emit } from './events.js';
import { fill, type Strings } from './strings.js';
import { appName } from './format.js';

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

/** Where focus goes once a stop moved on: its Undo, the app (in the list or its history), the fraud report link. */
export type FocusTarget = { undo: true } | { app: string; history?: boolean } | { fraud: true };

/** What the element tells the queue; everything the queue shows goes through the element's own template. */
export interface StopQueueOptions {
  client(): ApiClient;
  /** The words in use (the stop chunk's words included). */
  words(): Strings;
  byId(id: string): Consent | undefined;
  announce(text: string): void;
  /** Session expiry becomes the element's own state (false); anything else `consent-error` (true). */
  report(e: unknown): boolean;
  /** The upstream's answer for one stop: it replaces the consent shown and goes into this visit's record. */
  stopped(c: Consent): void;
  /** A run of stops is over: the ones that failed among `ids` (the element shows the outcome where it was asked for). */
  settled?(ids: string[], failed: string[]): void;
  /** A stop was confirmed (and not held back by the page): `seconds` of undo window, 0 when sent at once. */
  held(ids: string[], seconds: number): void;
  reload(): void;
  focus(target: FocusTarget): void;
}

type Host = ReactiveControllerHost & HTMLElement & { undoSeconds: number };

/**
 * The stops the customer confirmed, after the dialog: the page's chance to hold one (`consent-before-stop`), the undo
 * window, and the queue that sends them one at a time (waiting for the network when offline, sent as the page closes
 * when it must), with their progress and outcome. A controller that renders nothing: the element shows `held`, `run`
 * and `reported`. It listens for the page's `pagehide` and `online` while the element is connected.
 */
export class StopQueue implements ReactiveController {
  held: Hold[] = [];
  /** Consent ids whose stop is due and not yet answered, in order: sent one at a time. */
  queue: string[] = [];
  run?: Run;
  /** The app not recognized whose stop was answered: the element links to the bank's fraud report for it. */
  reported?: Consent;
  /** The `keys` entry of the stop in flight or waiting for the page (`consent-before-stop`); it locks every control. */
  busy?: string;
  private draining = false;
  private ticker?: number;
  private fraudId?: string;
  /** Focus sat on an Undo that the finished stop removed, so it is moved to the app's new place. */
  private refocus = false;
  /** A stop in this run was held by the bank for step-up authentication (`401 step_up_required`). */
  private stepUp = false;

  constructor(
    private host: Host,
    private options: StopQueueOptions,
  ) {
    host.addController(this);
    if (host.isConnected) this.hostConnected();
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

  /** Its stop is confirmed: waiting out the undo window, or queued to be sent. Its controls refuse input. */
  isHeld = (id: string) => this.queue.includes(id) || this.held.some((h) => h.ids.includes(id));

  private update(patch: Partial<Pick<StopQueue, 'held' | 'queue' | 'run' | 'reported' | 'busy'>>) {
    Object.assign(this, patch);
    this.host.requestUpdate();
  }

  /** The customer confirmed: gives the page its chance to hold the stop (step-up authentication) before anything else. */
  confirm(cs: Consent[], fraud: boolean) {
    let settled = false;
    const settle = (go: boolean) => () => {
      if (settled) return;
      settled = true;
      this.update({ busy: undefined });
      if (go) this.hold(cs, fraud);
    };
    this.update({ busy: keys.stop(cs[0]!) });
    const resume = settle(true);
    if (emit(this.host, 'consent-before-stop', { consent: cs[0]!, consents: cs, resume, abandon: settle(false) })) resume();
  }

  /** Starts the undo window, or sends at once when there is none (and always for an app not recognized). */
  private hold(cs: Consent[], fraud: boolean) {
    const t = this.options.words();
    const ids = cs.map((c) => c.id);
    const seconds = fraud ? 0 : Math.max(0, this.host.undoSeconds || 0);
    if (fraud) this.fraudId = ids[0];
    this.options.held(ids, seconds);
    if (!seconds) return this.enqueue(ids);
    const label = cs.length > 1 ? fill(t.apps, { n: cs.length }) : appName(cs[0]!, t);
    this.update({ held: [...this.held, { ids, until: Date.now() + seconds * 1000, label }] });
    this.options.client().arm().catch(() => {});
    this.ticker ??= window.setInterval(this.tick, 1000);
    this.options.announce(fill(t.undoHint, { app: label, s: seconds }));
  }

  private tick = () => {
    const now = Date.now();
    const due = this.held.filter((h) => h.until <= now);
    this.update({ held: this.held.filter((h) => h.until > now) });
    if (!this.held.length) this.ticker = void clearInterval(this.ticker);
    if (due.length) {
      this.refocus ||= this.focusedOn('undo-button');
      this.enqueue(due.flatMap((h) => h.ids));
    }
  };

  /** Whether the customer's focus is on a control of this part (`undo-button`, `stop-button`), in the element or its parts. */
  private focusedOn(part: string) {
    let el = this.host.shadowRoot?.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return !!el?.matches(`[part~="${part}"]`);
  }

  /** Takes a stop back while its window is open; once it closed, the stop may already be on its way. */
  undo(h: Hold) {
    if (!this.held.includes(h)) return;
    this.update({ held: this.held.filter((x) => x != h) });
    this.options.announce(fill(this.options.words().undone, { app: h.label }));
    this.options.focus({ app: h.ids[0]! });
  }

  /** Sends the failed stops of the last run again. */
  retry() {
    const failed = this.run?.failed ?? [];
    this.update({ run: undefined });
    this.enqueue(failed);
  }

  private enqueue(ids: string[]) {
    const { queue, run } = this;
    this.update({
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
    if (this.draining || !this.queue.length) return;
    this.draining = true;
    const o = this.options;
    const t = o.words();
    try {
      for (let id: string | undefined; (id = this.queue[0]); ) {
        if (!navigator.onLine) return void o.announce(t.offline);
        const c = o.byId(id)!;
        const run = this.run!;
        this.update({ busy: keys.stop(c) });
        let stopped: Consent | undefined;
        try {
          stopped = await o.client().stop(id);
        } catch (e) {
          if (!navigator.onLine) continue;
          if (!o.report(e)) return void this.update({ queue: [], run: undefined });
          this.stepUp ||= e instanceof ApiError && e.code == STEP_UP_REQUIRED;
        } finally {
          this.update({ busy: undefined });
        }
        const done = stopped ? { ...run, done: [...run.done, id] } : { ...run, failed: [...run.failed, id] };
        this.update({ queue: this.queue.slice(1), run: done });
        if (stopped) {
          o.stopped(stopped);
          emit(this.host, 'consent-stop', { consent: stopped });
        }
        if (run.ids.length > 1) o.announce(fill(t.progress, { done: done.done.length, n: run.ids.length }));
        if (id == this.fraudId) {
          this.fraudId = undefined;
          this.update({ reported: c });
          emit(this.host, 'consent-unrecognized', { consent: stopped ?? c, stopped: !!stopped });
          o.focus({ fraud: true });
        }
      }
      this.finish(t);
    } finally {
      this.draining = false;
    }
  };

  private finish(t: Strings) {
    const o = this.options;
    const { ids, done, failed } = this.run!;
    const name = (id: string) => o.byId(id)?.application_name ?? id;
    const app = ids.length > 1 ? fill(t.apps, { n: ids.length }) : name(ids[0]!);
    const refocus = this.refocus || this.focusedOn('stop-button');
    this.refocus = false;
    o.settled?.(ids, failed);
    const stepUp = this.stepUp;
    this.stepUp = false;
    if (failed.length) {
      o.announce(
        stepUp
          ? fill(t.stepUp, { app: failed.length > 1 ? fill(t.apps, { n: failed.length }) : name(failed[0]!) })
          : ids.length > 1
          ? fill(t.stopAllFailed, { done: done.length, n: ids.length, apps: failed.map(name).join(', ') })
          : fill(t.stopFailed, { app }),
      );
      if (ids.length == 1) this.update({ run: undefined });
      o.reload();
    } else {
      o.announce(fill(t.stoppedMsg, { app }));
      this.update({ run: undefined });
      // The trigger left with the app; its entry in the history is the nearest place to continue from.
      if (refocus && ids.length == 1) o.focus({ app: ids[0]!, history: true });
    }
  }

  /** The page is going away: every stop still waiting is sent in a request that outlives it. */
  private flush = () => {
    const ids = [...this.held.flatMap((h) => h.ids), ...this.queue];
    this.update({ held: [], queue: [] });
    this.ticker = void clearInterval(this.ticker);
    ids.forEach((id) => this.options.client().beacon(id));
  };
}
