import { html, nothing } from 'lit';
import type { Consent, ConsentAccount } from '../contract/consent.js';
import { formatDate, formatRelative, initials, lastDigits } from './format.js';
import { safeIconUrl } from './safe-url.js';
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

export interface CardContext {
  t: Strings;
  locale: string;
  now: number;
  accountPolicy: Policy;
  autoSharePolicy: Policy;
  /** `keys` entry of the change in flight, if any. */
  busy?: string;
  /** Something is in flight: every control refuses input until the truth is known again. */
  locked: boolean;
  /** Consent ids whose logo failed to load. */
  broken: ReadonlySet<string>;
  onIconError(c: Consent): void;
  onAccount(c: Consent, a: ConsentAccount): void;
  onAutoShare(c: Consent): void;
  onStop(c: Consent, e: Event): void;
}

/**
 * A switch keeps showing the confirmed state while its change is in flight (aria-busy), and is
 * aria-disabled rather than disabled so that keyboard focus stays on it.
 */
const toggle = (on: boolean, label: string, key: string, ctx: CardContext, click: () => void) => html`<button
  type="button"
  role="switch"
  part="switch"
  aria-checked=${on}
  aria-label=${label}
  aria-busy=${ctx.busy == key}
  aria-disabled=${ctx.locked}
  @click=${click}
></button>`;

const state = (on: boolean, key: string, ctx: CardContext, yes: string, no: string) =>
  html`<span class="state">${ctx.busy == key ? ctx.t.saving : on ? yes : no}</span>`;

function logo(c: Consent, ctx: CardContext) {
  const src = !ctx.broken.has(c.id) && safeIconUrl(c.application_icon_url);
  return src
    ? html`<img part="logo" class="logo" src=${src} alt="" referrerpolicy="no-referrer" @error=${() => ctx.onIconError(c)} />`
    : html`<span part="logo" class="logo" aria-hidden="true">${initials(c.application_name)}</span>`;
}

function when(iso: string, ctx: CardContext, relative = false) {
  const abs = formatDate(iso, ctx.locale, relative);
  return html`<time datetime=${iso}>${relative ? `${formatRelative(iso, ctx.locale, ctx.now)} (${abs})` : abs}</time>`;
}

function accounts(c: Consent, ctx: CardContext) {
  const { t, accountPolicy: policy } = ctx;
  const app = c.application_name;
  const shown = policy == 'hidden' ? c.accounts.filter((a) => a.enabled) : c.accounts;
  if (!shown.length) return nothing;
  return html`<h4>${policy == 'hidden' ? t.sharedAccounts : t.accounts}</h4>
    <ul class="rows">
      ${shown.map((a) => {
        const digits = lastDigits(a.account_number_display);
        const key = keys.account(c, a);
        return html`<li class="row">
          <span class="grow"><span class="name">${a.nickname}</span> <span class="muted">${fill(t.ending, { digits })}</span></span>
          ${policy == 'hidden' ? nothing : state(a.enabled, key, ctx, t.shared, t.notShared)}
          ${policy == 'editable'
            ? toggle(a.enabled, fill(t.accountSwitch, { account: a.nickname, digits, app }), key, ctx, () => ctx.onAccount(c, a))
            : nothing}
        </li>`;
      })}
    </ul>`;
}

function autoShare(c: Consent, ctx: CardContext) {
  const { t, autoSharePolicy: policy } = ctx;
  const on = c.auto_enable_future_accounts;
  const key = keys.autoShare(c);
  if (policy == 'hidden') return nothing;
  if (policy == 'read-only') return html`<p class="row">${on ? t.autoShareOn : t.autoShareOff}</p>`;
  return html`<div class="row">
    <span class="grow">${t.autoShare}</span>
    ${state(on, key, ctx, t.shared, t.notShared)}
    ${toggle(on, fill(t.autoShareSwitch, { app: c.application_name }), key, ctx, () => ctx.onAutoShare(c))}
  </div>`;
}

/**
 * One app. Every value from the upstream is bound as text or as a vetted URL, never as markup.
 * A stopped consent shows no accounts or switches: it shares nothing, whatever `accounts[].enabled` says.
 */
export function appCard(c: Consent, ctx: CardContext) {
  const { t } = ctx;
  const stopped = c.revoked_at;
  const stopKey = keys.stop(c);
  return html`<li class="app" part="app" data-id=${c.id}>
    <div class="head">
      ${logo(c, ctx)}
      <h3 class="grow" part="app-name" tabindex=${stopped ? -1 : nothing}>${c.application_name}</h3>
      <span class="badge ${stopped ? 'off' : 'on'}" part="badge">${stopped ? t.stopped : t.sharing}</span>
    </div>
    <dl>
      <div><dt>${t.connectedSince}</dt><dd>${when(c.consented_on, ctx)}</dd></div>
      ${stopped ? html`<div><dt>${t.stoppedOn}</dt><dd>${when(stopped, ctx)}</dd></div>` : nothing}
      <div><dt>${t.lastAccessed}</dt><dd>${c.last_accessed ? when(c.last_accessed, ctx, true) : t.never}</dd></div>
    </dl>
    ${stopped
      ? nothing
      : html`${accounts(c, ctx)} ${autoShare(c, ctx)}
          <button
            type="button"
            class="btn"
            part="button stop-button"
            aria-label=${fill(t.stopApp, { app: c.application_name })}
            aria-busy=${ctx.busy == stopKey}
            aria-disabled=${ctx.locked}
            @click=${(e: Event) => ctx.onStop(c, e)}
          >
            ${ctx.busy == stopKey ? t.stopping : t.stop}
          </button>`}
  </li>`;
}
