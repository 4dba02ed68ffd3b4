/**
 * Windows High Contrast and other forced-colours modes, emulated by Chromium (`emulateMedia({ forcedColors })`): what
 * the widget renders then, read from the page, not from its style sheet.
 */
import assert from 'node:assert/strict';
import { after, before, describe, it, type TestContext } from 'node:test';
import type { Browser, ElementHandle, Page } from 'playwright-core';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { launchChromium } from '../support/browser.js';
import { startTestDemo, type TestDemo } from '../support/demo.js';
import { accountSwitch, logIn, showsTruth } from './dashboard.js';

interface Painted {
  forced: boolean;
  on: { background: string; border: string; knob: string };
  off: { background: string; border: string; knob: string };
  /** The system colours the mode maps to, as this browser resolves them. */
  system: Record<'Highlight' | 'HighlightText' | 'ButtonFace' | 'ButtonText', string>;
}

/**
 * The computed colours of one switch that is on and one that is off, and the system colours to compare with. A
 * script string: the page runs it as written (no bundler helpers), and this file is checked without the DOM's types.
 */
const PAINTED = `([onSwitch, offSwitch]) => {
  const read = (el) => {
    const style = getComputedStyle(el);
    return { background: style.backgroundColor, border: style.borderTopColor, knob: getComputedStyle(el, '::after').backgroundColor };
  };
  const probe = document.createElement('div');
  document.body.append(probe);
  const system = {};
  for (const c of ['Highlight', 'HighlightText', 'ButtonFace', 'ButtonText']) {
    probe.style.color = c;
    system[c] = getComputedStyle(probe).color;
  }
  probe.remove();
  return { forced: matchMedia('(forced-colors: active)').matches, on: read(onSwitch), off: read(offSwitch), system };
}`;

async function painted(page: Page, on: ElementHandle, off: ElementHandle): Promise<Painted> {
  const fn = await page.evaluateHandle(PAINTED);
  return (await fn.evaluate((f, args) => (f as unknown as (a: unknown) => Painted)(args), [on, off])) as Painted;
}

describe('forced-colours mode', () => {
  let browser: Browser;
  let demo: TestDemo;
  before(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startTestDemo()]);
  });
  after(async () => {
    await browser?.close();
    await demo?.close();
  });

  it('switches_render_on_and_off_in_distinct_system_colours_when_colours_are_forced', async (t: TestContext) => {
    const page = await browser.newPage();
    try {
      await logIn(page, demo.url, 'alex');
      const truth = () => demo.sandbox!.consents(DEMO_CUSTOMERS.alex);
      await showsTruth(page, truth);
      const c = truth().find((x) => !x.revoked_at && x.accounts.some((a) => a.enabled) && x.accounts.some((a) => !a.enabled))!;
      const on = c.accounts.findIndex((a) => a.enabled);
      const off = c.accounts.findIndex((a) => !a.enabled);
      const [onSwitch, offSwitch] = await Promise.all([on, off].map((i) => accountSwitch(page, c, i).elementHandle()));
      assert.equal(await onSwitch!.getAttribute('aria-checked'), 'true');
      assert.equal(await offSwitch!.getAttribute('aria-checked'), 'false');

      const normal = await painted(page, onSwitch!, offSwitch!);
      await page.emulateMedia({ forcedColors: 'active' });
      const forced = await painted(page, onSwitch!, offSwitch!);
      t.diagnostic(`normal ${JSON.stringify(normal)}; forced ${JSON.stringify(forced)}`);

      assert.equal(normal.forced, false);
      assert.equal(forced.forced, true, 'the page is in forced-colours mode');
      // On: filled with Highlight, knob in HighlightText; off: ButtonFace with a ButtonText border and knob.
      assert.deepEqual(forced.on, { background: forced.system.Highlight, border: forced.system.Highlight, knob: forced.system.HighlightText });
      assert.deepEqual(forced.off, { background: forced.system.ButtonFace, border: forced.system.ButtonText, knob: forced.system.ButtonText });
      assert.notEqual(forced.on.background, forced.off.background, 'on and off differ in what is painted');
      assert.notDeepEqual(forced.on, normal.on, 'the forced palette replaced the theme colours');
    } finally {
      await page.close();
    }
  });
});
