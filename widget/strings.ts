import type { more } from './strings-more.js';

/**
 * Every word the widget shows or announces, English first. `{name}` marks a value filled in at render time; a page
 * may override any subset through the `strings` property. This file holds the words of the first screen; those of
 * the parts a customer opens by action load with those parts (strings-more.ts), and every other language is a chunk
 * of its own, loaded when the page's `lang` asks for it (strings-es.ts, strings-es-more.ts). In full: languages.ts.
 */
export const base = {
  loading: 'Loading connected apps…',
  empty: 'No apps connected',
  emptyHint: 'Apps you allow to access your accounts will appear here.',
  none: 'You are not sharing your data with any apps.',
  loadFailed: 'We couldn’t load your connected apps.',
  retry: 'Try again',
  expired: 'Your session has ended. Sign in again to manage your connected apps.',
  active: 'Apps you share data with',
  history: 'Apps you stopped sharing with',
  sharing: 'Sharing',
  noAccounts: 'Connected, no accounts shared',
  stopped: 'Stopped',
  connectedSince: 'Connected since',
  connectedOn: 'Connected on',
  lastAccessed: 'Last accessed',
  lastUsed: 'Last used {when}',
  never: 'Never',
  stoppedOn: 'Stopped on',
  accounts: 'Accounts',
  sharedAccounts: 'Shared accounts',
  sharedCount: '{n} of {total} accounts shared',
  ending: 'ending in {digits}',
  shared: 'Shared',
  notShared: 'Not shared',
  saving: 'Saving…',
  queued: 'Waiting for the change before it',
  accountSwitch: 'Share {account} ending in {digits} with {app}',
  autoShare: 'Share new accounts automatically',
  autoShareHint: 'When this is on, accounts you open later are shared with {app} without asking you.',
  on: 'On',
  off: 'Off',
  autoShareOn: 'New accounts are shared automatically',
  autoShareOff: 'New accounts are not shared automatically',
  canSee: 'What {app} can see',
  canSeeUnknown: 'We don’t have a list of what {app} can see. Contact us to ask.',
  stop: 'Stop sharing',
  stopApp: 'Stop sharing with {app}',
  stopping: 'Stopping…',
  saved: 'Your change for {app} is saved.',
  saveFailed: 'Your change for {app} could not be saved. Showing your current settings.',
  stopAll: 'Stop sharing with every app',
  stopAllN: 'Stop sharing with all {n} apps',
  stopShown: 'Stop sharing with the {n} apps shown',
  unused: 'Unused since {date}',
  unusedNote: 'Apps that have not used your data in {days} days: {n}.',
  review: 'Review them',
  unrecognized: 'I don’t recognize this app',
  search: 'Search apps',
  sort: 'Sort by',
  sortConnected: 'Newest connection',
  sortName: 'Name',
  sortUsed: 'Least recently used',
  show: 'Show',
  filterAll: 'All',
  filterUnused: 'Unused {days}+ days',
  filterStopped: 'Stopped',
  matches: '{n} of {total} apps',
  noMatch: 'No apps match.',
  unavailable: 'That could not be opened. Check your connection and try again.',
  about: 'About {app}',
  // Issue 18: what MX may leave out, and records that could not be read.
  unnamedApp: 'Unnamed app',
  unnamedAccount: 'Unnamed account',
  accountSwitchPlain: 'Share {account} with {app}',
  notKnown: 'Not known',
  autoShareUnknown: 'Whether new accounts are shared automatically is not known',
  unreadableOne: 'One connected app could not be shown here. Contact us and we will help you with it.',
  unreadableMany: '{n} connected apps could not be shown here. Contact us and we will help you with them.',
};

export type Strings = typeof base & typeof more;

type Table = Partial<Strings>;

/**
 * The languages besides English, each loaded on first use: the first screen's words, and those of the parts a
 * customer opens by action. A new language is two files like strings-es.ts and strings-es-more.ts and a line here.
 */
const languages: Record<string, [() => Promise<Table>, () => Promise<Table>]> = {
  es: [() => import('./strings-es.js').then((m) => m.es), () => import('./strings-es-more.js').then((m) => m.es)],
};

/** Each table once loaded, or the promise of it meanwhile; `en` (the first screen's English, `base`) needs none. */
const loaded: Record<string, Table | Promise<unknown>> = { en: {} };

/**
 * The words of the language a BCP 47 tag names (English unless its primary subtag is one of `languages`) over
 * `base`, or, the first time, a promise that settles once they are here. With `more`: the words of the on-demand
 * parts, English and the language's over it. A table that failed to load falls back to English.
 */
export function stringsFor(locale: string, more = false): Table | Promise<unknown> {
  let lang = locale.split('-')[0]!.toLowerCase();
  if (!Object.hasOwn(languages, lang)) lang = 'en';
  const key = more ? `${lang}+` : lang;
  const load = () =>
    more
      ? Promise.all([import('./strings-more.js'), lang == 'en' ? {} : languages[lang]![1]()]).then(([m, l]) => ({ ...m.more, ...l }))
      : languages[lang]![0]();
  return (loaded[key] ??= load().then(
    (words) => (loaded[key] = words),
    () => (loaded[key] = {}),
  ));
}

/** Fills `{name}` slots; the result is bound as text, so values need no escaping. */
export const fill = (template: string, values: Record<string, string | number>) =>
  template.replace(/\{(\w+)\}/g, (m, k: string) => `${values[k] ?? m}`);
