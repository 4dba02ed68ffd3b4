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

  it('shows auto-share in words when read-only, and treats an unknown policy as read-only', async () => {
    const el = await mount({ autoSharePolicy: 'read-only', accountPolicy: 'readonly' });
    const fernpay = card(el, 'Fernpay');
    expect(fernpay.textContent).to.contain('New accounts are not shared automatically');
    expect(card(el, 'Ledgerleaf Budget').textContent).to.contain('New accounts are shared automatically');
    expect(fernpay.querySelectorAll('[role="switch"]').length).to.equal(0);
  });

});
