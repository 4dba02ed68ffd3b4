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

  it('takes any subset of strings from the page', async () => {
    const el = await mount();
    el.strings = { sharing: 'Active', stopApp: 'Disconnect {app}' };
    await el.updateComplete;
    expect(card(el, 'Fernpay').querySelector('[part~="badge"]')!.textContent).to.equal('Active');
    expect(control(el, 'Disconnect Fernpay')).to.exist;
    expect(card(el, 'Fernpay').textContent).to.contain('Connected since');
  });

});
