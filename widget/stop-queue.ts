import type { ReactiveController, ReactiveControllerHost } from 'lit';
import { STEP_UP_REQUIRED, type Consent } from '@consent-manager/contract';
import { ApiError, type ApiClient } from './api-client.js';
import { keys } from './app-card.js';
import { emit } from './events.js';
import { appName } from './format.js';
import { ledger, type Batch, type Outstanding, type Stop } from './stop-ledger.js';
import { fill, type Strings } from './strings.js';

/** A confirmed stop waiting out its undo window. One Undo takes back all of `ids`, never some of them. */
export interface Hold {
  ids: string[];
  /** When it falls due, on this browser's clock (the BFF's `due_at`, corrected by its `now`). */
  until: number;
  /** The app's name, or "6 apps". */
  label: string;
}

/** The progress of a stop of several apps, as the BFF reports it: by state, with the apps' names. */
export interface Run {
  ids: string[];
  done: string[];
  failed: string[];
  /** Being sent to MX now (the rest of `ids` still wait). */
  sending: string[];
  /** The apps' names as the BFF recorded them, for apps the list no longer shows. */
  names: Record<string, string>;
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

/** A confirmed stop of one app (`change`) or several (`batch`), from its record in the BFF's ledger to its outcome. */
interface Entry extends Hold {
  change?: string;
  batch?: string;
  fraud?: boolean;
  /** The customer confirmed it in this visit (rather than it being found pending on load): its outcome is said. */
  mine: boolean;
  /** Said once that MX refused for now and the BFF keeps trying. */
  retrying?: boolean;
}

/** Outcome reads start this soon after the due time (the BFF's worker sends at once), then back off to `POLL_MAX_MS`. */
const POLL_FIRST_MS = 150;
const POLL_MAX_MS = 4000;

/**
 * The stops the customer confirmed, after the dialog: the page's chance to hold one (`consent-before-stop`), then the
 * BFF's consent ledger, which records the stop with its due time and carries it out whatever the page does. The undo
 * window counts down to the ledger's due time, Undo cancels it there, and once due the outcome is read back from the
 * ledger. Stops still pending when the page loads (a reload in the window) are picked up again (`adopt`). A controller
 * that renders nothing: the element shows `held`, `run` and `reported`. Its timers run only while the element is connected.
 */
export class StopQueue implements ReactiveController {
  /** Stops in their undo window; the element shows each with its countdown and Undo. */
  held: Hold[] = [];
  run?: Run;
  /** The app not recognized whose stop was answered: the element links to the bank's fraud report for it. */
  reported?: Consent;
  /** The `keys` entry of the stop being recorded or undone, or waiting for the page (`consent-before-stop`); it locks every control. */
  busy?: string;
  /** Past their due time, their outcome not yet read. */
  private due: Entry[] = [];
  private ticker?: number;
  private poller?: number;
  /** A read of outcomes is under way: one at a time. */
  private polling = false;
  private pollMs = POLL_FIRST_MS;
  /** Focus sat on an Undo that the finished stop removed, so it is moved to the app's new place. */
  private refocus = false;
  /** Bumped when the session's state is dropped: answers to what was asked before are ignored. */
  private epoch = 0;

  constructor(
    private host: Host,
    private options: StopQueueOptions,
  ) {
    host.addController(this);
  }

  hostConnected() {
    this.schedule();
  }

  /** Without the element nothing is shown, so nothing is read: the BFF carries the stops out all the same. */
  hostDisconnected() {
    this.ticker = void clearTimeout(this.ticker);
    this.poller = void clearTimeout(this.poller);
  }

  /** Its stop is confirmed: waiting out the undo window, or being carried out. Its controls refuse input. */
  isHeld = (id: string) => this.entries().some((h) => h.ids.includes(id));

  private entries = () => [...(this.held as Entry[]), ...this.due];

  private update(patch: Partial<Pick<StopQueue, 'held' | 'run' | 'reported' | 'busy'>>) {
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
      if (go) this.record(cs, fraud);
    };
    this.update({ busy: keys.stop(cs[0]!) });
    const resume = settle(true);
    if (emit(this.host, 'consent-before-stop', { consent: cs[0]!, consents: cs, resume, abandon: settle(false) })) resume();
  }

  /**
   * Records the stop in the BFF's ledger, with the page's undo window (none for an app not recognized); the BFF
   * answers at once with its due time. A refusal (step-up, the bank's policy) is said and nothing is held.
   */
  private async record(cs: Consent[], fraud: boolean) {
    const o = this.options;
    const t = o.words();
    const ids = cs.map((c) => c.id);
    const seconds = fraud ? 0 : Math.max(0, Math.round(this.host.undoSeconds) || 0);
    const label = cs.length > 1 ? fill(t.apps, { n: cs.length }) : appName(cs[0]!, t);
    const epoch = this.epoch;
    this.update({ busy: cs.length > 1 ? 'stop-all-button' : keys.stop(cs[0]!), run: undefined });
    let entry: Entry;
    try {
      const api = ledger(o.client());
      if (cs.length > 1) {
        const batch = await api.stopAll(ids, seconds);
        entry = { ids: batch.ids, until: batch.until, batch: batch.id, label, mine: true };
        if (!seconds) this.progress(batch);
      } else {
        const stop = await api.stop(cs[0]!, seconds);
        entry = { ids, until: stop.until, label, change: stop.id, fraud, mine: true };
      }
    } catch (e) {
      if (epoch != this.epoch) return;
      this.update({ busy: undefined });
      if (!o.report(e)) return;
      // Refused (step-up, the bank's policy) or not recorded: nothing was, so there is nothing to re-read.
      const stepUp = e instanceof ApiError && e.code == STEP_UP_REQUIRED;
      o.announce(fill(stepUp ? t.stepUp : t.stopFailed, { app: label }));
      o.settled?.(ids, ids);
      if (fraud) this.unrecognized(cs[0]!, false);
      return;
    }
    if (epoch != this.epoch) return;
    this.update({ busy: undefined });
    // Nothing left to stop (all stopped meanwhile, elsewhere): the list says so.
    if (!entry.ids.length) return o.reload();
    o.held(ids, seconds);
    this.track(entry);
    if (entry.until > Date.now()) o.announce(fill(t.undoHint, { app: label, s: seconds }));
  }

  /** The customer's stops that the ledger still holds (found on load): shown with the time they have left. */
  adopt(found: Outstanding[]) {
    const known = new Set(this.entries().flatMap((e) => [e.change, e.batch]));
    const t = this.options.words();
    for (const s of found) {
      if (known.has(s.batch ?? s.id)) continue;
      const ids = s.ids.filter((id) => this.options.byId(id) && !this.options.byId(id)!.revoked_at);
      if (!ids.length) continue;
      const label = ids.length > 1 ? fill(t.apps, { n: ids.length }) : appName(this.options.byId(ids[0]!)!, t);
      this.track({ ids, until: s.until, label, change: s.batch ? undefined : s.id, batch: s.batch, mine: false });
    }
  }

  /** Holds it for its window, or (due already) reads its outcome. */
  private track(e: Entry) {
    if (e.until > Date.now()) this.held = [...this.held, e];
    else this.due.push(e);
    this.soon();
  }

  /** Something fell due: its outcome is read right away, then with backoff. */
  private soon() {
    this.pollMs = POLL_FIRST_MS;
    this.poller = void clearTimeout(this.poller);
    this.schedule();
  }

  /**
   * The countdown's tick while any window is open (on each whole second left, and at the due time itself), and the
   * outcome reads while any stop is past due.
   */
  private schedule() {
    this.host.requestUpdate();
    if (!this.host.isConnected) return;
    if (this.held.length && this.ticker === undefined) {
      const now = Date.now();
      const next = Math.min(...this.held.map((h) => (h.until - now) % 1000 || 1000));
      this.ticker = window.setTimeout(this.tick, Math.max(10, next));
    }
    if (this.due.length && this.poller === undefined && !this.polling) this.poller = window.setTimeout(this.poll, this.pollMs);
  }

  private tick = () => {
    this.ticker = undefined;
    const now = Date.now();
    const due = (this.held as Entry[]).filter((h) => h.until <= now);
    if (due.length) {
      this.refocus ||= this.focusedOn('undo-button');
      this.held = this.held.filter((h) => h.until > now);
      this.due.push(...due);
      return this.soon();
    }
    this.schedule();
  };

  /** Reads the outcome of every stop past due (and the progress of every stop of several apps). */
  private poll = async () => {
    this.poller = void clearTimeout(this.poller);
    this.polling = true;
    const epoch = this.epoch;
    const api = ledger(this.options.client());
    try {
      for (const e of this.due.filter((e) => e.batch)) {
        const b = await api.batch(e.batch!);
        if (epoch != this.epoch) return;
        this.progress(b);
        if (b.done) await this.finishBatch(e, b);
      }
      for (const e of this.due.filter((e) => e.change)) {
        const s = await api.change(e.change!);
        if (epoch != this.epoch) return;
        await this.settleOne(e, s);
      }
    } catch (err) {
      // Offline or the BFF unreachable for now: the stops are the BFF's to carry out; their outcome is read later.
      const quiet = err instanceof ApiError && (err.code == 'network' || err.status >= 500);
      if (epoch == this.epoch && !quiet && !this.options.report(err)) this.drop();
    } finally {
      this.polling = false;
    }
    if (epoch != this.epoch) return;
    this.pollMs = Math.min(POLL_MAX_MS, this.pollMs * 2);
    this.schedule();
  };

  /** Shows a batch's progress by the BFF's record: each app's state, by name. */
  private progress(b: Batch) {
    const o = this.options;
    const of = (state: string) => b.stops.filter((s) => s.state == state).map((s) => s.consent);
    const run: Run = {
      ids: b.stops.map((s) => s.consent),
      done: of('applied'),
      failed: of('failed'),
      sending: of('sent'),
      names: Object.fromEntries(b.stops.map((s) => [s.consent, s.name ?? nameOf(o.byId(s.consent), o.words()) ?? s.consent])),
    };
    const before = this.run;
    this.update({ run });
    if (before && run.ids.length > 1 && before.done.length != run.done.length && !b.done)
      o.announce(fill(o.words().progress, { done: run.done.length, n: run.ids.length }));
  }

  private async settleOne(e: Entry, s: Stop) {
    const o = this.options;
    const t = o.words();
    if (s.state == 'pending' || s.state == 'sent') {
      // MX refused for now: the BFF keeps trying (for hours), whatever the page does. Said once, plainly.
      if (s.retrying && !e.retrying) {
        e.retrying = true;
        o.announce(fill(t.stopRetrying, { app: e.label }));
        // The bank's fraud flow need not wait for MX: it hears now that the app still has access.
        if (e.fraud) {
          e.fraud = false;
          this.unrecognized(o.byId(e.ids[0]!)!, false);
        }
      }
      return;
    }
    this.due = this.due.filter((x) => x != e);
    if (s.state == 'cancelled') {
      this.host.requestUpdate();
      return o.announce(fill(t.undone, { app: e.label }));
    }
    const id = e.ids[0]!;
    const stopped = s.state == 'applied' ? (await this.fresh([id]))[0] : undefined;
    if (stopped) {
      o.stopped(stopped);
      emit(this.host, 'consent-stop', { consent: stopped });
    } else {
      o.report(new ApiError(s.detail ?? 'stop_failed', `Sharing could not be stopped (${s.detail ?? 'failed'}).`));
    }
    if (e.fraud) this.unrecognized(stopped ?? o.byId(id)!, !!stopped);
    this.finish(e, stopped ? [] : [id]);
  }

  private async finishBatch(e: Entry, b: Batch) {
    const o = this.options;
    this.due = this.due.filter((x) => x != e);
    const applied = b.stops.filter((s) => s.state == 'applied').map((s) => s.consent);
    for (const c of await this.fresh(applied)) {
      o.stopped(c);
      emit(this.host, 'consent-stop', { consent: c });
    }
    for (const s of b.stops.filter((s) => s.state == 'failed'))
      emit(this.host, 'consent-error', { code: s.detail ?? 'stop_failed', message: `Sharing with ${s.name ?? s.consent} could not be stopped.` });
    if (b.stops.every((s) => s.state == 'cancelled')) {
      this.update({ run: undefined });
      return o.announce(fill(o.words().undone, { app: e.label }));
    }
    this.finish(e, b.stops.filter((s) => s.state == 'failed').map((s) => s.consent));
  }

  /**
   * The consents as MX lists them now, for the stops the ledger applied: the list is read once for all of them. Read
   * failing, the ledger's word stands in (`revoked_at` from its applied time) until the next load.
   */
  private async fresh(ids: string[]): Promise<Consent[]> {
    if (!ids.length) return [];
    const list = await this.options.client().list().catch(() => undefined);
    const now = new Date().toISOString();
    return ids.flatMap((id) => {
      const c = list?.find((x) => x.id == id) ?? this.options.byId(id);
      return c ? [{ ...c, revoked_at: c.revoked_at ?? now }] : [];
    });
  }

  private unrecognized(c: Consent, stopped: boolean) {
    this.update({ reported: c });
    emit(this.host, 'consent-unrecognized', { consent: c, stopped });
    this.options.focus({ fraud: true });
  }

  /** Whether the customer's focus is on a control of this part (`undo-button`, `stop-button`), in the element or its parts. */
  private focusedOn(part: string) {
    let el = this.host.shadowRoot?.activeElement;
    while (el?.shadowRoot?.activeElement) el = el.shadowRoot.activeElement;
    return !!el?.matches(`[part~="${part}"]`);
  }

  /** Takes a stop back while its window is open: the BFF cancels it; once it is being sent, it goes ahead. */
  async undo(h: Hold) {
    const e = h as Entry;
    if (!this.held.includes(h) || this.busy) return;
    const o = this.options;
    const epoch = this.epoch;
    this.update({ busy: e.batch ? 'stop-all-button' : keys.stop(o.byId(e.ids[0]!) ?? ({ id: e.ids[0] } as Consent)) });
    try {
      const api = ledger(o.client());
      const undone = e.batch ? (await api.undoBatch(e.batch)).stops.every((s) => s.state == 'cancelled') : await api.undo(e.change!);
      if (epoch != this.epoch) return;
      // The window may have closed while the BFF was asked: the answer decides, not the clock.
      this.due = this.due.filter((x) => x != e);
      this.update({ busy: undefined, held: this.held.filter((x) => x != h), ...(e.batch && undone ? { run: undefined } : {}) });
      if (undone) {
        o.announce(fill(o.words().undone, { app: h.label }));
        o.focus({ app: h.ids[0]! });
      } else {
        // Too late: it is being sent. It goes ahead; its outcome is read as usual.
        this.due.push(e);
        this.soon();
      }
    } catch (err) {
      if (epoch != this.epoch) return;
      this.update({ busy: undefined });
      if (o.report(err)) o.announce(fill(o.words().undoFailed, { app: h.label }));
      else this.drop();
    }
  }

  /** Stops the failed apps of the last run again: one request, like the first. */
  retry() {
    const failed = (this.run?.failed ?? []).map(this.options.byId).filter((c): c is Consent => !!c && !c.revoked_at);
    this.update({ run: undefined });
    if (failed.length) this.record(failed, false);
  }

  /**
   * The session ended (or another customer came): nothing of it is shown or asked about any more. The BFF still
   * carries out what was confirmed; the next load finds what is still pending.
   */
  drop() {
    this.epoch++;
    this.due = [];
    this.hostDisconnected();
    this.update({ held: [], run: undefined, busy: undefined, reported: undefined });
  }

  private finish(e: Entry, failed: string[]) {
    const o = this.options;
    const t = o.words();
    const { ids } = e;
    const name = (id: string) => this.run?.names[id] ?? nameOf(o.byId(id), t) ?? id;
    const app = ids.length > 1 ? fill(t.apps, { n: ids.length }) : name(ids[0]!);
    const refocus = this.refocus || this.focusedOn('stop-button');
    this.refocus = false;
    if (e.mine) o.settled?.(ids, failed);
    if (failed.length) {
      o.announce(
        ids.length > 1
          ? fill(t.stopAllFailed, { done: ids.length - failed.length, n: ids.length, apps: failed.map(name).join(', ') })
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
}

/** The app's name as the customer sees it, when the list still has it. */
const nameOf = (c: Consent | undefined, t: Strings) => c && appName(c, t);
