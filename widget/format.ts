/** The page's language tag, or `en` when it is missing or not a tag `Intl` accepts. */
export function localeOf(tag: string | null | undefined): string {
  try {
    return Intl.getCanonicalLocales(tag || 'en')[0] ?? 'en';
  } catch {
    return 'en';
  }
}

const valid = (d: Date) => !isNaN(d.getTime());

/** Building an `Intl` formatter costs far more than using one, and 200 apps ask for 600 dates: one per kind. */
const formatters = new Map<string, Intl.DateTimeFormat | Intl.RelativeTimeFormat>();
const formatter = <F extends Intl.DateTimeFormat | Intl.RelativeTimeFormat>(key: string, make: () => F) =>
  (formatters.get(key) ?? formatters.set(key, make()).get(key)) as F;

/** e.g. "Mar 12, 2026" / "12 mar 2026". An unreadable date is shown as received rather than hidden. */
export const formatDate = (iso: string, locale: string, withTime = false) => {
  const d = new Date(iso);
  return valid(d) ? dates(locale, withTime).format(d) : iso;
};

const dates = (locale: string, withTime: boolean) =>
  formatter(`${locale} ${withTime}`, () => new Intl.DateTimeFormat(locale, { dateStyle: 'medium', timeStyle: withTime ? 'short' : undefined }));
const relative = (locale: string) => formatter(locale, () => new Intl.RelativeTimeFormat(locale, { numeric: 'auto' }));

/**
 * Builds the formatters a list's dates use, from the next task on, one per task. The first of a kind costs Chromium
 * tens of ms (ICU loads its data: 178 ms for the first `Intl.DateTimeFormat` in a profile of the first render of 200
 * apps on a loaded machine), so the element builds them while the list is on its way, not in its first render, and
 * no two in one task.
 */
export function prepareFormatters(locale: string): void {
  const steps = [() => dates(locale, false), () => relative(locale), () => dates(locale, true)];
  const next = () => {
    steps.shift()!();
    if (steps.length) setTimeout(next);
  };
  setTimeout(next);
}

const units: [Intl.RelativeTimeFormatUnit, number][] = [
  ['year', 31_536_000],
  ['month', 2_592_000],
  ['week', 604_800],
  ['day', 86_400],
  ['hour', 3_600],
  ['minute', 60],
  ['second', 1],
];

/** e.g. "3 days ago" / "hace 3 días", in the largest unit that fits. */
export function formatRelative(iso: string, locale: string, now = Date.now()) {
  const d = new Date(iso);
  if (!valid(d)) return '';
  const s = (d.getTime() - now) / 1000;
  const [unit, size] = units.find(([, size]) => Math.abs(s) >= size) ?? units[6];
  return relative(locale).format(Math.round(s / size), unit);
}

/** Up to two letters standing in for a missing or refused logo, e.g. "Centz Budget" → "CB"; `?` without a name. */
export const initials = (name: string | null) =>
  (name ?? '?')
    .split(/\s+/)
    .filter(Boolean)
    .slice(0, 2)
    .map((w) => [...w][0]!.toUpperCase())
    .join('');

/** The visible tail of a masked number, e.g. `XXXXXXXX1111` → `1111`; empty when MX gave none. */
export const lastDigits = (masked: string | null | undefined) => (masked ?? '').slice(-4);

/** The app's name, or the words for an app MX sent without one. */
export const appName = (c: { application_name: string | null }, t: { unnamedApp: string }) => c.application_name ?? t.unnamedApp;

/** An account's name as shown, `ending in 1234` after it when MX gave the masked number. */
export const accountName = (a: { nickname: string | null }, t: { unnamedAccount: string }) => a.nickname ?? t.unnamedAccount;

/** Milliseconds of an ISO time for sorting; an absent or unreadable one sorts as the earliest time there is. */
export const sortTime = (iso: string | null) => {
  const ms = iso ? Date.parse(iso) : NaN;
  return Number.isNaN(ms) ? -8.64e15 : ms;
};
