import type { more } from './strings-more.js';

/**
 * Every word the widget shows or announces, English first. `{name}` marks a value filled in at render time; a page
 * may override any subset through the `strings` property. This file holds the words of the first screen; those of
 * the views a customer opens by action travel with those views (strings-more.ts), and every other language is a
 * chunk of its own, loaded when the page's `lang` asks for it (strings-es.ts). `en` and `es` in full: languages.ts.
 */
export const base = {
  loading: 'Loading connected apps…',
  empty: 'No apps connected',
  emptyHint: 'Apps you allow to access your accounts will appear here.',
  loadFailed: 'We couldn’t load your connected apps.',
  retry: 'Try again',
  expired: 'Your session has ended. Sign in again to manage your connected apps.',
  active: 'Connected apps',
  history: 'Stopped sharing',
  sharing: 'Sharing',
  stopped: 'Stopped',
  connectedSince: 'Connected since',
  lastAccessed: 'Last accessed',
  never: 'Never',
  stoppedOn: 'Stopped on',
  accounts: 'Accounts',
  sharedAccounts: 'Shared accounts',
  ending: 'ending in {digits}',
  shared: 'Shared',
  notShared: 'Not shared',
  saving: 'Saving…',
  accountSwitch: 'Share {account} ending in {digits} with {app}',
  autoShare: 'Share new accounts automatically',
  autoShareSwitch: 'Share new accounts with {app} automatically',
  autoShareOn: 'New accounts are shared automatically',
  autoShareOff: 'New accounts are not shared automatically',
  stop: 'Stop sharing',
  stopApp: 'Stop sharing with {app}',
  stopping: 'Stopping…',
  saved: 'Your change for {app} is saved.',
  saveFailed: 'Your change for {app} could not be saved. Showing your current settings.',
  stopAll: 'Stop sharing with every app',
  unused: 'Unused since {date}',
  unusedNote: 'Apps that have not used your data in {days} days: {n}.',
  review: 'Review them',
  unrecognized: 'I don’t recognize this app',
  search: 'Search apps',
  sort: 'Sort by',
  sortConnected: 'Newest connection',
  sortName: 'Name',
  sortUsed: 'Least recently used',
  matches: '{n} of {total} apps',
  unavailable: 'That could not be opened. Check your connection and try again.',
};

export type Strings = typeof base & typeof more;

/** The languages besides English, each loaded on first use. A new one is a file like strings-es.ts and a line here. */
const languages: Record<string, () => Promise<Strings>> = {
  es: () => import('./strings-es.js').then((m) => m.es),
};

/** Each language's words once loaded (English needs none beyond `base`), or the promise of them meanwhile. */
const loaded: Record<string, Partial<Strings> | Promise<unknown>> = { en: {} };

/**
 * The words of the language a BCP 47 tag names (English unless its primary subtag is one of `languages`), or, the
 * first time, a promise that settles once they are here. One that failed to load falls back to English.
 */
export function stringsFor(locale: string): Partial<Strings> | Promise<unknown> {
  const lang = locale.split('-')[0]!.toLowerCase();
  return Object.hasOwn(languages, lang)
    ? (loaded[lang] ??= languages[lang]!().then(
        (words) => (loaded[lang] = words),
        () => (loaded[lang] = {}),
      ))
    : loaded.en!;
}

/** Fills `{name}` slots; the result is bound as text, so values need no escaping. */
export const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (m, k: string) => `${values[k] ?? m}`);
