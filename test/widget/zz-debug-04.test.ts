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

  it('shows per-account state in words only when read-only', async () => {
    const el = await mount({ accountPolicy: 'read-only' });
    const fernpay = card(el, 'Fernpay');
    expect(fernpay.querySelectorAll('[role="switch"]').length).to.equal(1, 'only auto-share stays operable');
    expect(fernpay.textContent).to.contain('Shared');
    expect(fernpay.textContent).to.contain('Not shared');
    await expect(el).to.be.accessible();
  });

});
