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

  it('announces outcomes through a status live region', async () => {
    const el = await mount();
    const region = $(el, '[role="status"]')!;
    control(el, 'Share new accounts with Fernpay').click();
    await waitUntil(() => statusText(el) != '', 'announced');
    expect(region.getAttribute('role')).to.equal('status');
    expect(statusText(el)).to.equal('Your change for Fernpay is saved.');
  });
});
