// Issue 14 items 6 and 7: heading levels, focus, contrast of control borders, loading, targets, the help slot.
import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import { DIRECTORY } from './fixtures.js';
import { $, $$, asAlexRecordingEvents, card, confirmDialog, control, deepAll, focused, mount, settled, setFaults, statusText } from './support.js';

/** WCAG relative luminance contrast of two computed `rgb()` colours. */
function contrast(a: string, b: string) {
  const lum = (c: string) => {
    const [r, g, bl] = c.match(/[\d.]+/g)!.slice(0, 3).map((v) => {
      const s = Number(v) / 255;
      return s <= 0.03928 ? s / 12.92 : ((s + 0.055) / 1.055) ** 2.4;
    });
    return 0.2126 * r! + 0.7152 * g! + 0.0722 * bl!;
  };
  const [x, y] = [lum(a), lum(b)].sort((p, q) => q - p);
  return (x! + 0.05) / (y! + 0.05);
}

describe('accessibility (issue 14 items 6 and 7)', () => {
  asAlexRecordingEvents();

  it('puts its headings at the level the page asks for (heading-level)', async () => {
    const el = await mount();
    expect($(el, '.active > h2')!.getAttribute('aria-level')).to.equal('2');
    el.setAttribute('heading-level', '3');
    await el.updateComplete;
    expect($(el, '.active > h2')!.getAttribute('aria-level')).to.equal('3');
    expect($(el, '.history > h2')!.getAttribute('aria-level')).to.equal('3');
    expect(card(el, 'Fernpay').querySelector('h3')!.getAttribute('aria-level')).to.equal('4');
    expect(card(el, 'Fernpay').querySelector('h4')!.getAttribute('aria-level')).to.equal('5');
    expect($(el, '#record')!.getAttribute('aria-level')).to.equal('3');
    await expect(el).to.be.accessible();
  });

  for (const theme of ['light', 'dark'])
    it(`draws every border that identifies a control at 3:1 or more against its background (${theme})`, async () => {
      const el = await mount();
      el.setAttribute('theme', theme);
      await el.updateComplete;
      const surface = getComputedStyle(card(el, 'Fernpay')).backgroundColor;
      const off = [...card(el, 'Fernpay').querySelectorAll('[role="switch"][aria-checked="false"]')][0]!;
      expect(contrast(getComputedStyle(off).borderTopColor, surface)).to.be.at.least(3, 'the off switch on a card');
      const stop = card(el, 'Fernpay').querySelector('[part~="stop-button"]')!;
      expect(contrast(getComputedStyle(stop).borderTopColor, surface)).to.be.at.least(3, 'a button on a card');
      const bg = getComputedStyle(el).backgroundColor;
      const search = $(el, '[part~="search"]')!;
      expect(contrast(getComputedStyle(search).borderTopColor, bg)).to.be.at.least(3, 'the search field');
    });

  it('shows a visible skeleton and announces loading', async () => {
    await setFaults({ endpoint: 'list', kind: 'latency', latency_ms: 1500, next: 1 });
    const el = await fixture<ConsentManager>(html`<consent-manager lang="en"></consent-manager>`);
    await waitUntil(() => $(el, '.skeleton'), 'skeleton');
    const sk = $(el, '.skeleton')!;
    expect(sk.getBoundingClientRect().height).to.be.greaterThan(40);
    expect(contrast(getComputedStyle(sk).borderTopColor, getComputedStyle(el).backgroundColor)).to.be.at.least(3, 'its outline is visible');
    await waitUntil(() => statusText(el) == 'Loading connected apps…', 'loading announced in the live region');
    await settled(el);
    expect(statusText(el)).to.equal('', 'loading no longer said once the list is there');
  });

  it('offers targets of at least 24 by 24 px', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    for (const d of $$<HTMLDetailsElement>(el, 'details')) d.open = true;
    await el.updateComplete;
    const small = deepAll(el.shadowRoot!, 'button, a[href], input, select, summary')
      .filter((e) => e.getClientRects().length)
      .map((e) => [e, e.getBoundingClientRect()] as const)
      .filter(([, r]) => r.width < 24 || r.height < 24)
      .map(([e, r]) => `${e.outerHTML.slice(0, 60)} ${r.width}x${r.height}`);
    expect(small).to.deep.equal([]);
  });

  it('keeps the undo bar beside the app, never over the control that has focus', async () => {
    const el = await mount({ props: { undoSeconds: 5 } });
    control(el, 'Stop sharing with Harborline Lending').click();
    await confirmDialog(el);
    await waitUntil(() => focused(el)?.matches('[part~="undo-button"]'), 'focus on Undo');
    const bar = $(el, '[part~="undo"]')!;
    expect(bar.closest('li.app')).to.equal(card(el, 'Harborline Lending'));
    const covering = deepAll(el.shadowRoot!, '*').filter((e) => ['sticky', 'fixed'].includes(getComputedStyle(e).position));
    expect(covering.map((e) => e.outerHTML.slice(0, 60))).to.deep.equal([], 'nothing sticks over the page');
    $<HTMLButtonElement>(el, '[part~="undo-button"]')!.click();
    await settled(el);
  });

  it('moves focus to a sensible place when the focused control goes away (a filter hides it)', async () => {
    const el = await mount();
    const stop = control(el, 'Stop sharing with Fernpay');
    stop.focus();
    $<HTMLInputElement>(el, '[part~="filters"] input[value="stopped"]')!.click();
    stop.focus();
    await el.updateComplete;
    await waitUntil(() => focused(el) != null, 'focus kept in the element');
    expect(document.activeElement).to.equal(el);
    expect(focused(el)!.isConnected).to.equal(true);
  });

  it('shows the bank’s help channel (the help slot) in the error panel (item 7)', async () => {
    await setFaults({ endpoint: 'list', kind: 'error', status: 500 });
    const el = await fixture<ConsentManager>(html`<consent-manager lang="en"
      ><p slot="help">Call us at <a href="tel:+18005550100">1-800-555-0100</a>, any time.</p></consent-manager
    >`);
    await waitUntil(() => $(el, '[part~="notice"] [role="alert"]'), 'error panel', { timeout: 15_000 });
    await setFaults([]);
    const panel = $(el, '[part~="notice"]')!;
    const help = el.querySelector('p')!;
    const [p, h] = [panel.getBoundingClientRect(), help.getBoundingClientRect()];
    expect(h.height).to.be.greaterThan(0);
    expect(h.top >= p.top && h.bottom <= p.bottom, 'inside the panel').to.equal(true);
    expect(panel.querySelector('[role="alert"]')!.textContent).to.contain('⚠');
    await expect(el).to.be.accessible();
  });
});
