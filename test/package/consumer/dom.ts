// Typings without a framework: the tag map, the event map and the element's properties.
import { ConsentManager, type ConsentErrorDetail } from '@consent-manager/element/class';

const el = document.createElement('consent-manager');
export const typed: ConsentManager = el;
el.accountPolicy = 'hidden';
el.strings = { retry: 'Again' };
el.addEventListener('consent-stop', (e) => e.detail.consent.revoked_at);
el.addEventListener('consent-error', (e) => {
  const detail: ConsentErrorDetail = e.detail;
  return detail.code;
});
// @ts-expect-error -- not a policy
el.accountPolicy = 'sometimes';
// @ts-expect-error -- consent-stop's detail has no code
el.addEventListener('consent-stop', (e) => e.detail.code);
export const reloaded: Promise<void> = el.reload();
