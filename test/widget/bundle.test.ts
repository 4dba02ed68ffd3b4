// The drop-in files as a bank would load them (`npm run build` first; `npm test` does). Nothing else from widget/
// is imported here, so the elements on this page are the bundles' own.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { unsafeStatic, html as staticHtml } from 'lit/static-html.js';
import { login, logout, resetSandbox } from './support.js';

const BUNDLE = '/widget/dist/consent-manager.js';
const ALL_IN_ONE = '/widget/dist/consent-manager.all.js';

/** The bundle chunks this page has fetched so far (files beside the bundle, `consent-manager-<name>-<hash>.js`). */
const chunks = () =>
  performance
    .getEntriesByType('resource')
    .map((e) => new URL(e.name).pathname)
    .filter((p) => /^\/widget\/dist\/consent-manager-.+\.js$/.test(p));

const source = async (path: string) => {
  const res = await fetch(path);
  expect(res.ok, `${path} missing: run npm run build`).to.equal(true);
  return res.text();
};

describe('the built bundles (dist/)', () => {
  beforeEach(() => resetSandbox());
  afterEach(() => logout());

  it('consent-manager.js registers <consent-manager> once however often it loads, and shows the list', async () => {
    const text = await source(BUNDLE);
    expect(text).not.to.match(/client_secret|clientSecret/);
    expect(text).not.to.contain('Lit is in dev mode');

    await import(/* @vite-ignore */ BUNDLE as string);
    await import(/* @vite-ignore */ `${BUNDLE}?again` as string);
    expect(customElements.get('consent-manager')).to.be.a('function');

    await login('sam');
    const el = await fixture(html`<consent-manager lang="en"></consent-manager>`);
    await waitUntil(() => el.shadowRoot?.querySelector('li.app h3')?.textContent == 'Ledgerleaf Budget', 'list from the bundle');
    await expect(el).to.be.accessible();
  });

  it('consent-manager.js keeps the on-demand views and Spanish out, and loads them from its own folder when needed', async () => {
    const text = await source(BUNDLE);
    expect(text).not.to.contain('Dejar de compartir', 'Spanish is a chunk of its own');
    expect(text).not.to.contain('Stop sharing with all {n} apps?', 'the on-demand views are a chunk of their own');
    await import(/* @vite-ignore */ BUNDLE as string);

    await login('alex');
    const el = await fixture(html`<consent-manager lang="es"></consent-manager>`);
    await waitUntil(() => el.shadowRoot?.querySelector('li.app [part~="badge"]')?.textContent == 'Compartiendo', 'Spanish list');
    const stop = [...el.shadowRoot!.querySelectorAll<HTMLButtonElement>('[part~="stop-button"]')][0]!;
    stop.click();
    const dialog = el.shadowRoot!.querySelector('dialog')!;
    await waitUntil(() => dialog.open, 'the stop dialog opens from its chunk');
    expect(dialog.querySelector('h2')!.textContent).to.match(/^¿Dejar de compartir con /);
    dialog.close();
    expect(chunks().some((p) => /^\/widget\/dist\/consent-manager-strings-es-[\w-]+\.js$/.test(p)), chunks().join()).to.equal(true);
    expect(chunks().some((p) => /^\/widget\/dist\/consent-manager-more-[\w-]+\.js$/.test(p)), chunks().join()).to.equal(true);
  });

  it('consent-manager.all.js is the same element in one file: no chunk is fetched', async () => {
    const text = await source(ALL_IN_ONE);
    expect(text).not.to.match(/client_secret|clientSecret/);
    expect(text).not.to.match(/import\(/, 'nothing left to load');
    // This page already has <consent-manager> from consent-manager.js, so the all-in-one file's own class (a module of
    // its own) goes under a tag of its own.
    const { ConsentManager } = (await import(/* @vite-ignore */ ALL_IN_ONE as string)) as { ConsentManager: CustomElementConstructor };
    customElements.define('consent-manager-all', ConsentManager);
    performance.clearResourceTimings();

    await login('alex');
    const tag = unsafeStatic('consent-manager-all');
    const el = await fixture(staticHtml`<${tag} lang="es"></${tag}>`);
    await waitUntil(() => el.shadowRoot?.querySelector('li.app [part~="badge"]')?.textContent == 'Compartiendo', 'Spanish list');
    el.shadowRoot!.querySelector<HTMLButtonElement>('[part~="stop-button"]')!.click();
    const dialog = el.shadowRoot!.querySelector('dialog')!;
    await waitUntil(() => dialog.open, 'the stop dialog opens');
    dialog.close();
    await waitUntil(() => el.shadowRoot!.querySelector('[part~="receipt"]'), 'the record');
    expect(chunks()).to.deep.equal([]);
  });
});
