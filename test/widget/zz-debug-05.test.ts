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

  it('hides per-account switches but still lists what is shared when hidden', async () => {
    const el = await mount({ accountPolicy: 'hidden', autoSharePolicy: 'hidden' });
    const fernpay = card(el, 'Fernpay');
    expect(fernpay.querySelectorAll('[role="switch"]').length).to.equal(0);
    expect(fernpay.textContent).to.contain('Shared accounts');
    expect(fernpay.textContent).to.contain('Everyday Checking');
    expect(fernpay.textContent).not.to.contain('Rainy Day Savings');
    expect(fernpay.textContent).not.to.contain('new accounts');
    expect(control(el, 'Stop sharing with Fernpay')).to.exist;
  });

});
