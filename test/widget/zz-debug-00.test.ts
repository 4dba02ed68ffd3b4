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

  it('is accessible with the full list', async () => {
    const el = await mount();
    await expect(el).to.be.accessible();
  });

});
