import { html, noChange, nothing } from 'lit';
import { Directive, directive, type AttributePart } from 'lit/directive.js';
import { guard } from 'lit/directives/guard.js';
import type { Consent, ConsentAccount } from '@consent-manager/contract';
import { accountName, appName, formatDate, formatRelative, initials, lastDigits, sortTime } from './format.js';
import { safeUrl } from './safe-url.js';
import { fill, type Strings } from './strings.js';

/** What a bank allows for a control: operable, shown as words only, or not shown. */
export type Policy = 'editable' | 'read-only' | 'hidden';

/** Unknown values fail safe to read-only: a typo in a bank's policy must not hand out a switch. */
export const policyOf = (value: string | null | undefined): Policy =>
  value == null || value == 'editable' ? 'editable' : value == 'hidden' ? 'hidden' : 'read-only';

/** Identifies one control, so only it shows progress while its change is in flight. */
export const keys = {
  account: (c: Consent, a: ConsentAccount) => JSON.stringify([c.id, 'account', a.account_id]),
  autoShare: (c: Consent) => JSON.stringify([c.id, 'auto']),
  stop: (c: Consent) => JSON.stringify([c.id, 'stop']),
};

/** What the bank tells its customers about an app: the `directory` property, keyed by `application_name`. */
export interface AppInfo {
  /** A sentence or two about the app. */
  description?: string;
  /** FDX data clusters (`TRANSACTIONS`, …), said as sentences from the strings, or the bank's own sentences. */
  data?: string[];
  /** The intermediary the app reaches the bank through, e.g. `MX`. */
  via?: string;
  /** The app's privacy policy (`https:` or same-origin, else not shown). */
  privacy?: string;
  /** Where to ask the app to delete the customer's data (`https:` or same-origin, else not shown). */
  deletion?: string;
}

export type Directory = Record<string, AppInfo>;

// An app MX sent without a name has no entry: the bank's directory is keyed by name.
const entry = (c: Consent, directory: Directory): AppInfo | undefined =>
  c.application_name !== null && Object.hasOwn(directory, c.application_name) ? directory[c.application_name] : undefined;

/**
 * Whether the bank's entry for the app has more to show than what the app can see (on the card itself): else the card
 * has no "About" section.
 */
export const hasEntry = (c: Consent, directory: Directory) => {
  const info = entry(c, directory);
  return !!info && !!(info.description || info.via || safeUrl(info.privacy) || safeUrl(info.deletion));
};

/**
 * What the app can see per the bank's directory, each FDX data cluster said as a sentence of the strings (the bank's
 * own sentences as they are); undefined when the directory does not say.
 */
export function seen(c: Consent, directory: Directory, t: Strings): string[] | undefined {
  const data = entry(c, directory)?.data;
  const words = t as unknown as Record<string, string | undefined>;
  return data?.length ? data.map((d) => (/^[A-Z_]+$/.test(d) && words[d]) || d) : undefined;
}

/** Where the customer asks the app to delete their data, when the bank's directory has a usable link. */
export const deletionOf = (c: Consent, directory: Directory) => safeUrl(entry(c, directory)?.deletion) || undefined;

/** When the app last read, or when it was connected if it never did; null when MX gave neither. */
export const lastUsed = (c: Consent) => c.last_accessed ?? c.consented_on;

/** Not used since before `forgotten` (ms): only on a date MX gave, never on a missing one. */
export const unusedSince = (c: Consent, forgotten: number) => {
  const used = lastUsed(c);
  return used !== null && sortTime(used) < forgotten;
};

/**
 * "Something is in flight": every control refuses input until the truth is known again. The element sets it on each
 * update, and each control's `aria-disabled` follows it at once, so that a change in flight does not re-render
 * every card (twice: when it starts, when it ends) only to say so. 200 apps hold some 2,400 controls.
 */
export class Lock {
  on = false;
  /** Each control that follows the lock, and whether its own card refuses input anyway (a stop is waiting). */
  private controls = new Map<Element, boolean>();

  set(on: boolean) {
    if (on == this.on) return;
    this.on = on;
    for (const [el, held] of this.controls) {
      // Outside a shadow root means a card took it away (for good: Lit does not reuse removed nodes).
      if (el.getRootNode() instanceof ShadowRoot) el.setAttribute('aria-disabled', `${on || held}`);
      else this.controls.delete(el);
    }
  }

  follow(el: Element, held: boolean) {
    this.controls.set(el, held);
    el.setAttribute('aria-disabled', `${this.on || held}`);
  }
}

/** Binds `aria-disabled` to a `Lock`: `aria-disabled=${locked(lock, held)}`. */
const locked = directive(
  class extends Directive {
    render(_lock: Lock, _held: boolean) {
      return noChange;
    }
    override update(part: AttributePart, [lock, held]: [Lock, boolean]) {
      lock.follow(part.element, held);
      return noChange;
    }
  },
);

/** What came of the customer's last action, shown at the control they acted on (`keys` entry) until the next one. */
export interface Outcome {
  key: string;
  /** The consent acted on. */
  id: string;
  text: string;
  error: boolean;
}

export interface CardContext {
  t: Strings;
  locale: string;
  /** Relative times ("3 days ago") are as of this. */
  now: number;
  /** The level of the element's section headings: apps are one below, their parts two. */
  level: number;
  accountPolicy: Policy;
  autoSharePolicy: Policy;
  /** `keys` entry of the change in flight, if any. */
  busy?: string;
  /** `keys` entry of a change tapped while another was saving: it goes next. */
  queued?: string;
  outcome?: Outcome;
  /** Every control of this card refuses input (in the element: its stop is waiting; the element-wide lock is `lock`). */
  locked: boolean;
  /** The element's lock, which the controls follow on top of `locked`. */
  lock?: Lock;
  /** Consent ids whose logo failed to load. */
  broken: ReadonlySet<string>;
  /** Consent ids whose stop is confirmed and waiting (undo window, being carried out): their controls refuse input. */
  held: ReadonlySet<string>;
  /** Seconds left in the undo window of an app's stop, when it waits out one on its own. */
  undoIn?(c: Consent): number | undefined;
  /** Epoch ms: an active app unused since before this is marked as forgotten. */
  forgotten: number;
  directory: Directory;
  /** Many apps: each is a row of the overview, its card shown when expanded. */
  overview: boolean;
  expanded: ReadonlySet<string>;
  /** In the list of active apps: one just stopped shows there as the outcome of its stop. */
  gone?: boolean;
  /** In the review: the review's own buttons replace the card's. */
  review?: boolean;
  /** What only shows after an action or with many apps (extras.ts, loaded after the first list, or before it for many). */
  extras?: typeof import('./extras.js');
  /** The contents of an app's "About" section (about.ts, loaded when the bank gives a directory). */
  about?(c: Consent): unknown;
  onIconError(c: Consent): void;
  onAccount(c: Consent, a: ConsentAccount): void;
  onAutoShare(c: Consent): void;
  onStop(c: Consent, e: Event, fraud?: boolean): void;
  onUndo(c: Consent): void;
  onExpand(c: Consent): void;
}

/**
 * A switch keeps showing the confirmed state while its change is in flight (aria-busy), and is
 * aria-disabled rather than disabled so that keyboard focus stays on it. Its name contains its visible label.
 */
const toggle = (on: boolean, label: string, key: string, ctx: CardContext, click: () => void) => html`<button
  type="button"
  role="switch"
  part="switch"
  aria-checked=${on}
  aria-label=${label}
  aria-busy=${ctx.busy == key}
  aria-disabled=${disabled(ctx)}
  @click=${click}
></button>`;

const disabled = (ctx: CardContext) => (ctx.lock ? locked(ctx.lock, ctx.locked) : ctx.locked);

/** `on` null: MX did not say, and the words say so. */
const state = (on: boolean | null, key: string, ctx: CardContext, yes: string, no: string) =>
  html`<span class="state">${ctx.busy == key ? ctx.t.saving : ctx.queued == key ? ctx.t.queued : on === null ? ctx.t.notKnown : on ? yes : no}</span>`;

export const heading = (ctx: CardContext, d: number) => ctx.level + d;

export function logo(c: Consent, ctx: CardContext) {
  const src = !ctx.broken.has(c.id) && safeUrl(c.application_icon_url);
  return src
    ? html`<img part="logo" class="logo" src=${src} alt="" referrerpolicy="no-referrer" @error=${() => ctx.onIconError(c)} />`
    : html`<span part="logo" class="logo" aria-hidden="true">${initials(c.application_name)}</span>`;
}

/** An absolute date, after a relative one when asked; printed, only the absolute one. */
function when(iso: string, ctx: CardContext, relative = false) {
  const abs = formatDate(iso, ctx.locale, relative);
  return html`<time datetime=${iso}
    >${relative ? html`<span class="rel">${formatRelative(iso, ctx.locale, ctx.now)} (</span>${abs}<span class="rel">)</span>` : abs}</time
  >`;
}

/**
 * An account MX sent without its `enabled` shows its state as not known and no switch: a switch must show the state it
 * changes. Without a nickname it is an unnamed account; without the masked number, no "ending in".
 */
function accounts(c: Consent, ctx: CardContext) {
  const { t, accountPolicy: policy } = ctx;
  const app = appName(c, t);
  const shown = policy == 'hidden' ? c.accounts.filter((a) => a.enabled) : c.accounts;
  if (!shown.length) return nothing;
  return html`<h4 aria-level=${heading(ctx, 2)}>${policy == 'hidden' ? t.sharedAccounts : t.accounts}</h4>
    <ul class="rows">
      ${shown.map((a) => {
        const digits = lastDigits(a.account_number_display);
        const account = accountName(a, t);
        const key = keys.account(c, a);
        return html`<li class="row">
          <span class="grow"><span class="name">${account}</span> ${digits ? html`<span class="muted">${fill(t.ending, { digits })}</span>` : nothing}</span>
          ${policy == 'hidden'
            ? nothing
            : html`<span class="ctl"
                >${state(a.enabled, key, ctx, t.shared, t.notShared)}
                ${policy == 'editable' && a.enabled !== null
                  ? toggle(a.enabled, fill(digits ? t.accountSwitch : t.accountSwitchPlain, { account, digits, app }), key, ctx, () => ctx.onAccount(c, a))
                  : nothing}</span
              >`}
          ${ctx.extras?.note(key, ctx)}
        </li>`;
      })}
    </ul>`;
}

function autoShare(c: Consent, ctx: CardContext) {
  const { t, autoSharePolicy: policy } = ctx;
  const on = c.auto_enable_future_accounts;
  const key = keys.autoShare(c);
  const app = appName(c, t);
  if (policy == 'hidden') return nothing;
  // Not sent by MX: said in words, and no switch, which would have to show a state nobody knows.
  if (on === null) return html`<p class="row">${t.autoShareUnknown}</p>`;
  if (policy == 'read-only') return html`<p class="row">${on ? t.autoShareOn : t.autoShareOff}</p>`;
  return html`<div class="row">
    <span class="grow">${t.autoShare}<br /><span class="muted name">${fill(t.autoShareHint, { app })}</span></span>
    <span class="ctl"
      >${state(on, key, ctx, t.on, t.off)} ${toggle(on, `${t.autoShare}: ${app}`, key, ctx, () => ctx.onAutoShare(c))}</span
    >
    ${ctx.extras?.note(key, ctx)}
  </div>`;
}

/** What the app can see, from the bank's directory; without an entry, the customer is told to ask the bank. */
function canSee(c: Consent, ctx: CardContext) {
  const app = appName(c, ctx.t);
  const data = seen(c, ctx.directory, ctx.t);
  return html`<div class="sees">
    <h4 aria-level=${heading(ctx, 2)}>${fill(ctx.t.canSee, { app })}</h4>
    ${data
      ? html`<ul class="dots">
          ${data.map((d) => html`<li>${d}</li>`)}
        </ul>`
      : html`<p>${fill(ctx.t.canSeeUnknown, { app })}</p>`}
  </div>`;
}

/** The app's status in words that are true: sharing only while an account is shared. */
export function status(c: Consent, ctx: CardContext) {
  const { t } = ctx;
  const text = c.revoked_at
    ? t.stopped
    : ctx.held.has(c.id) || ctx.busy == keys.stop(c)
      ? t.stopping
      : // An account whose state MX did not give may be shared: never said not to be.
        c.accounts.some((a) => a.enabled !== false)
        ? t.sharing
        : t.noAccounts;
  return html`<span class="badge ${text == t.sharing ? 'on' : 'off'}" part="badge">${text}</span>`;
}

/**
 * One app. Every value from the upstream is bound as text or as a vetted URL, never as markup.
 * A stopped consent shows no accounts or switches: it shares nothing, whatever `accounts[].enabled` says.
 * In the overview (many apps) it is a row, and its card only once expanded.
 */
export function appCard(c: Consent, ctx: CardContext) {
  const { t } = ctx;
  const app = appName(c, t);
  const stopped = c.revoked_at;
  const held = ctx.held.has(c.id);
  const stopKey = keys.stop(c);
  const used = lastUsed(c);
  const open = !ctx.overview || ctx.expanded.has(c.id);
  const undoIn = ctx.undoIn?.(c);
  const x = ctx.extras;
  const note = (key: string) => x?.note(key, ctx);
  if (stopped && ctx.gone) return x?.gone(c, ctx);
  if (held) ctx = { ...ctx, locked: true };
  const button = (label: string, text: string, part: string, fraud?: boolean) => html`<button
    type="button"
    class="btn ${fraud ? 'link' : ''}"
    part="button ${part}"
    aria-label=${label}
    aria-busy=${!fraud && ctx.busy == stopKey}
    aria-disabled=${disabled(ctx)}
    @click=${(e: Event) => ctx.onStop(c, e, fraud)}
  >
    ${text}
  </button>`;
  const head = ctx.overview
    ? x?.summary(c, ctx, open)
    : html`<div class="head">
        ${logo(c, ctx)}
        <h3 class="grow" part="app-name" tabindex="-1" aria-level=${heading(ctx, 1)}>${app}</h3>
        ${status(c, ctx)}
      </div>`;
  return html`<li class="app ${ctx.overview ? 'brief' : ''}" part="app" data-id=${c.id}>
    ${head}
    ${open
      ? html`${!stopped && used && unusedSince(c, ctx.forgotten)
            ? html`<p class="flag" part="forgotten">${fill(t.unused, { date: formatDate(used, ctx.locale) })}</p>`
            : nothing}
          <dl>
            ${c.consented_on
              ? html`<div><dt>${stopped ? t.connectedOn : t.connectedSince}</dt><dd>${when(c.consented_on, ctx)}</dd></div>`
              : nothing}
            ${stopped ? html`<div><dt>${t.stoppedOn}</dt><dd>${when(stopped, ctx)}</dd></div>` : nothing}
            <div><dt>${t.lastAccessed}</dt><dd>${c.last_accessed ? when(c.last_accessed, ctx, true) : t.never}</dd></div>
          </dl>
          ${canSee(c, ctx)}
          ${hasEntry(c, ctx.directory)
            ? html`<details part="details"><summary>${fill(t.about, { app })}</summary>${ctx.about?.(c)}</details>`
            : nothing}
          ${undoIn ? x?.undo(c, ctx, undoIn) : nothing}
          ${stopped
            ? note(stopKey)
            : html`${accounts(c, ctx)} ${autoShare(c, ctx)}
              ${ctx.review
                ? nothing
                : html`<div class="bar">
                    ${button(fill(t.stopApp, { app }), t.stop, 'stop-button')}
                    ${button(`${t.unrecognized}: ${app}`, t.unrecognized, 'unrecognized-button', true)}
                  </div>`}
              ${note(stopKey)}`}`
      : note(stopKey)}
  </li>`;
}

/**
 * The cards of `list`, each re-rendered only when something it shows changed: its consent (the upstream's answer
 * replaces the object), the words, the policies, a change in flight, queued or just done on one of its own controls,
 * its stop waiting, its logo failing, its being forgotten or expanded, the directory. Not `now`: relative times move
 * on when the card next renders. Switching one account among 2,000 thus renders one card.
 */
export function appCards(list: Consent[], ctx: CardContext): unknown[] {
  const { busy, queued, outcome, held, broken } = ctx;
  return list.map((c) => {
    const own = (key?: string) => (key?.startsWith(`[${JSON.stringify(c.id)},`) ? key : undefined);
    const inputs = [c, ctx.t, ctx.locale, ctx.level, ctx.accountPolicy, ctx.autoSharePolicy, own(busy), own(queued),
      outcome?.id == c.id ? outcome : undefined, held.has(c.id), ctx.undoIn?.(c), broken.has(c.id),
      unusedSince(c, ctx.forgotten), ctx.directory, hasEntry(c, ctx.directory) && ctx.about, ctx.extras, ctx.review, ctx.gone,
      ctx.overview, ctx.expanded.has(c.id)];
    return guard(inputs, () => appCard(c, ctx));
  });
}
