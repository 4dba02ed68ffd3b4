/**
 * What else the bank's directory says about an app, inside its card's "About" section (what it can see is on the card
 * itself, see app-card.ts): loaded by the element when the page gives a `directory` (a chunk of its own in the drop-in
 * build). The card shows the section's summary from the start, closed, so nothing moves when this arrives.
 */
import { html } from 'lit';
import type { Consent } from '@consent-manager/contract';
import type { Directory } from './app-card.js';
import { safeUrl } from './safe-url.js';
import { fill, type Strings } from './strings.js';

/** The contents of each app's "About" section, in the words `t` (the parts' words included). */
export const aboutOf = (directory: Directory, t: Strings) => (c: Consent) => {
  // Only an app with an entry (so with a name) gets an "About" section: see `hasEntry`.
  const app = c.application_name!;
  const info = directory[app]!;
  const links = [
    [info.privacy, t.privacy],
    [info.deletion, fill(t.deletion, { app })],
  ].flatMap(([href, text]) => {
    const url = safeUrl(href);
    return url ? [html`<li><a part="link" href=${url}>${text}</a></li>`] : [];
  });
  return [
    info.description && html`<p>${info.description}</p>`,
    info.via && html`<p>${fill(t.via, { via: info.via })}</p>`,
    links.length && html`<ul class="links">${links}</ul>`,
  ].filter(Boolean);
};
