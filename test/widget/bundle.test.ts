// The drop-in file as a bank would load it (`npm run build` first; `npm test` does). Nothing else from
// widget/ is imported here, so the element on this page is the bundle's own.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { login, logout, resetSandbox } from './support.js';

const BUNDLE = '/dist/consent-manager.js';

describe('the built bundle (dist/consent-manager.js)', () => {
  it('registers <consent-manager>, loads the list, and a second load is harmless', async () => {
    const res = await fetch(BUNDLE);
    expect(res.ok, `${BUNDLE} missing: run npm run build`).to.equal(true);
    const source = await res.text();
    expect(source).not.to.match(/client_secret|clientSecret/);
    expect(source).not.to.contain('Lit is in dev mode');

    await import(/* @vite-ignore */ BUNDLE as string);
    await import(/* @vite-ignore */ `${BUNDLE}?again` as string);
    expect(customElements.get('consent-manager')).to.be.a('function');

    await resetSandbox();
    await login('sam');
    try {
      const el = await fixture(html`<consent-manager></consent-manager>`);
      await waitUntil(() => el.shadowRoot?.querySelector('li.app h3')?.textContent == 'Ledgerleaf Budget', 'list from the bundle');
      await expect(el).to.be.accessible();
    } finally {
      await logout();
    }
  });
});
