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

  it('follows the closest [lang] ancestor and a later change of it', async () => {
    const wrapper = await fixture<HTMLDivElement>(html`<div lang="es"><consent-manager></consent-manager></div>`);
    const el = wrapper.querySelector('consent-manager')!;
    await settled(el);
    expect(card(el, 'Fernpay').textContent).to.contain('Nunca');
    wrapper.lang = 'en-GB';
    await waitUntil(() => card(el, 'Fernpay').textContent!.includes('Never'), 'switched to English');
  });

});
