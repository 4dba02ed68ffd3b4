import type { ChangeRecord } from '@consent-manager/contract';
import { firstChanges, type ApiClient, type Visit } from '../api-client.js';

/** Outcomes that are over: the ones the BFF can mark as told. */
const SETTLED = new Set(['applied', 'failed', 'cancelled']);

const isChange = (c: ChangeRecord) =>
  typeof c?.id == 'string' &&
  typeof c.consent_id == 'string' &&
  ['stop', 'account', 'auto_share'].includes(c.action) &&
  typeof c.state == 'string' &&
  typeof c.confirmed_at == 'string';

/**
 * The customer's changes as the BFF's ledger holds them, for one visit (one client, until the page signs a customer in
 * again): read once the list is on screen and again after each change, and shared by the record and the "while you
 * were away" notice, so a page load costs one read.
 */
export class History {
  changes?: ChangeRecord[];
  /** The first read: what stood when the customer arrived. */
  readonly first: Promise<ChangeRecord[]>;
  /**
   * What the customer was not told, from the first read: stops carried out, or failed for good, after they left (the
   * "while you were away" notice says them once), and whether they dismissed it.
   */
  away?: ChangeRecord[];
  dismissed = false;
  /** When this visit began, by the server's clock (worked out from its `now`, so the browser's clock does not matter). */
  private start = Infinity;
  /** Changes still pending or being sent at the first read: their outcome comes during this visit. */
  private open = new Set<string>();
  private reading?: Promise<ChangeRecord[]>;
  private again = false;
  private listeners = new Set<() => void>();

  constructor(
    private client: ApiClient,
    private visit: Visit,
  ) {
    this.first = this.read(true, firstChanges(client, visit)).then((changes) => {
      this.open = new Set(changes.filter((c) => !SETTLED.has(c.state)).map((c) => c.id));
      this.away = changes.filter(
        (c) => !c.seen && !this.own(c) && c.action == 'stop' && (c.state == 'failed' || (c.state == 'applied' && c.detail != 'already_stopped')),
      );
      return changes;
    });
  }

  /**
   * Its outcome came while this page was open, where the customer saw it happen: confirmed in this visit, or still
   * outstanding at its first read. One settled as the page loaded, before that read, is told: it happened as they came.
   */
  private own(c: ChangeRecord) {
    return Date.parse(c.confirmed_at) >= this.start || this.open.has(c.id);
  }

  /** Calls `fn` whenever a read brought the history (or failed); returns the unsubscribe. */
  watch(fn: () => void) {
    this.listeners.add(fn);
    return () => this.listeners.delete(fn);
  }

  /** Reads the history again; a read asked for while one is running runs once after it. */
  refresh(): Promise<ChangeRecord[]> {
    if (this.reading) {
      this.again = true;
      return this.reading;
    }
    return this.read(this.listeners.size > 0);
  }

  /**
   * `telling`: asked for while a record shows this visit, so its outcomes are marked told even if the page goes away
   * before the answer; a page that went away (or another tab) starts no read that tells on the customer's behalf.
   */
  private read(telling = true, answer = this.client.changes()): Promise<ChangeRecord[]> {
    const reading = answer
      .then(({ changes, now }) => {
        if (this.start == Infinity) this.start = (Date.parse(now) || Date.now()) - (Date.now() - this.visit.at);
        this.changes = changes.filter(isChange);
        if (telling) this.markOwn();
        return this.changes;
      })
      .finally(() => {
        this.reading = undefined;
        this.listeners.forEach((fn) => fn());
        if (this.again && this.listeners.size) {
          this.again = false;
          this.refresh().catch(() => {});
        }
      });
    this.reading = reading;
    return reading;
  }

  /**
   * Outcomes that came while this page was open (confirmed in this visit, or outstanding when it began) were shown
   * here as they happened: marked as told, so that the next visit does not report them as news.
   */
  private markOwn() {
    this.seen((this.changes ?? []).filter((c) => SETTLED.has(c.state) && this.own(c)));
  }

  /** Marks these outcomes as told; a failure leaves them to be told again, which is the safe side. */
  seen(changes: ChangeRecord[]) {
    const ids = changes.filter((c) => !c.seen).map((c) => c.id);
    if (!ids.length) return;
    for (const c of changes) c.seen = true;
    this.client.seen(ids).catch(() => {});
  }
}

const visits = new WeakMap<Visit, History>();

/** The history of this visit, read once for the record and the notice together. */
export function historyOf(client: ApiClient, visit: Visit): History {
  let h = visits.get(visit);
  if (!h) visits.set(visit, (h = new History(client, visit)));
  h.first.catch(() => {});
  return h;
}
