import type { Consent } from '../../../contract/consent.js';

/** A consent as the upstream returns it, for the parts' own tests (no backend needed). */
export const consent = (id: string, name: string, over: Partial<Consent> = {}): Consent => ({
  id,
  application_name: name,
  application_icon_url: null,
  created_at: '2025-01-02T10:00:00Z',
  last_accessed: '2026-10-01T10:00:00Z',
  accounts: [
    { account_id: `${id}-a`, nickname: 'Everyday Checking', account_number_display: 'XXXXXXXX1111', enabled: true },
    { account_id: `${id}-b`, nickname: 'Rainy Day Savings', account_number_display: 'XXXXXXXX2222', enabled: false },
  ],
  auto_enable_future_accounts: false,
  consented_on: '2025-01-02T10:00:00Z',
  revoked_at: null,
  ...over,
});

/** Every event of `types` that reaches the document, so also those that bubble out of (or stay in) a shadow root. */
export function listen(target: EventTarget, types: string[]) {
  const seen: CustomEvent[] = [];
  const on = (e: Event) => seen.push(e as CustomEvent);
  for (const t of types) target.addEventListener(t, on);
  return { seen, types: () => seen.map((e) => e.type), stop: () => types.forEach((t) => target.removeEventListener(t, on)) };
}
