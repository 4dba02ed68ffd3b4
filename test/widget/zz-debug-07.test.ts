import { expect, fixture, html, waitUntil } from '@open-wc/testing';
import { emulateMedia, setViewport } from '@web/test-runner-commands';
import '../../widget/define.js';
import { $, $$, card, control, login, logout, mount, resetSandbox, settled, statusText } from './support.js';

describe('consent-manager presentation: language, theme, policy, accessibility', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(async () => {
    await emulateMedia({ colorScheme: 'light' });
    await setViewport({ width: 800, height: 600 });
    await logout();
  });

  it('gives every control a target of at least 24 by 24 px and a visible focus ring', async () => {
    const el = await mount();
    for (const b of $$(el, 'button')) {
      const r = b.getBoundingClientRect();
      expect(r.width, b.outerHTML).to.be.at.least(24);
      expect(r.height, b.outerHTML).to.be.at.least(24);
    }
    const sw = control(el, 'Share Everyday Checking ending');
    sw.focus({ focusVisible: true } as FocusOptions);
    expect(getComputedStyle(sw).outlineStyle).to.equal('solid');
    expect(parseFloat(getComputedStyle(sw).outlineWidth)).to.be.at.least(2);
  });

});
