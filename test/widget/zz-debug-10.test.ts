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

  it('takes its colours and shape from --consent-* properties and exposes parts', async () => {
    const style = document.createElement('style');
    style.textContent = `
      consent-manager.themed { --consent-color-accent: rgb(1, 2, 3); --consent-radius: 3px; }
      consent-manager.themed::part(app-name) { letter-spacing: 2px; }`;
    document.head.append(style);
    try {
      const el = await mount();
      el.classList.add('themed');
      const on = card(el, 'Fernpay').querySelector('[aria-checked="true"]')!;
      expect(getComputedStyle(on).backgroundColor).to.equal('rgb(1, 2, 3)');
      expect(getComputedStyle(card(el, 'Fernpay')).borderTopLeftRadius).to.equal('3px');
      expect(getComputedStyle(card(el, 'Fernpay').querySelector('h3')!).letterSpacing).to.equal('2px');
    } finally {
      style.remove();
    }
  });

});
