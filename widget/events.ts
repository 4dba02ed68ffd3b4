import type { Consent } from '@consent-manager/contract';
import type { Hold } from './stop-queue.js';

/** What the customer changed; `enabled` is the value the upstream confirmed. */
export type ConsentChange = { kind: 'account'; accountId: string; enabled: boolean } | { kind: 'auto-share'; enabled: boolean };

export interface ConsentChangeDetail {
  /** The consent as the upstream returned it after the change. */
  consent: Consent;
  change: ConsentChange;
}

export interface ConsentStopDetail {
  /** The consent as the upstream returned it, `revoked_at` set. */
  consent: Consent;
}

export interface ConsentErrorDetail {
  /** Stable: a BFF error code, or `network`, `malformed`, `http_<status>`, `unreadable_consents`. */
  code: string;
  message: string;
  /**
   * With `unreadable_consents`: how many of the upstream's records could not be read (no id, an account without its
   * id, a field of another type than MX declares). The other apps are shown; these are not.
   */
  unreadable?: number;
}

export interface ConsentBeforeStopDetail {
  /** The app to stop; for "stop sharing with every app", the first of `consents`. */
  consent: Consent;
  /** Every app this confirmation stops: `[consent]`, or all of them. */
  consents: Consent[];
  /** After `preventDefault()`: go on and stop sharing. Later calls (of either function) do nothing. */
  resume(): void;
  /** After `preventDefault()`: keep sharing. Later calls (of either function) do nothing. */
  abandon(): void;
}

export interface ConsentUnrecognizedDetail {
  /** The app the customer does not recognize, as the upstream last returned it. */
  consent: Consent;
  /** Whether sharing with it was stopped; the page's fraud flow should go on either way. */
  stopped: boolean;
}

export interface ConsentEventMap {
  'consent-change': CustomEvent<ConsentChangeDetail>;
  'consent-stop': CustomEvent<ConsentStopDetail>;
  'consent-error': CustomEvent<ConsentErrorDetail>;
  'consent-session-expired': CustomEvent<null>;
  'consent-before-stop': CustomEvent<ConsentBeforeStopDetail>;
  'consent-unrecognized': CustomEvent<ConsentUnrecognizedDetail>;
}

declare global {
  // eslint-disable-next-line @typescript-eslint/no-empty-object-type -- merging the map is the point
  interface GlobalEventHandlersEventMap extends ConsentEventMap {}
}

type DetailOf<K extends keyof ConsentEventMap> = ConsentEventMap[K]['detail'];

/**
 * Dispatches one of our events, bubbling out of the shadow root so the page can listen anywhere.
 * Returns false when a listener cancelled it (only `consent-before-stop` is cancelable).
 */
export const emit = <K extends keyof ConsentEventMap>(target: EventTarget, type: K, detail: DetailOf<K>) =>
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true, composed: true, cancelable: type == 'consent-before-stop' }));

/**
 * The events of `<consent-manager>`'s own parts (the stop dialog, the review): how their outcomes come up to it. They
 * bubble but are not `composed`, so they stay inside its shadow root: the page's API is the `consent-*` events above.
 */
export interface ConsentPartEventMap {
  'consent-dialog-confirm': CustomEvent<null>;
  'consent-dialog-cancel': CustomEvent<null>;
  'consent-review-keep': CustomEvent<null>;
  'consent-review-stop': CustomEvent<null>;
  'consent-review-back': CustomEvent<null>;
  'consent-undo': CustomEvent<Hold>;
  'consent-retry': CustomEvent<null>;
}

/** Dispatches a part's event (see `ConsentPartEventMap`). */
export const emitPart = <K extends keyof ConsentPartEventMap>(target: EventTarget, type: K, detail: ConsentPartEventMap[K]['detail'] = null) =>
  target.dispatchEvent(new CustomEvent(type, { detail, bubbles: true }));
