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

  it('follows the OS colour scheme, can be forced, and stays accessible in dark', async () => {
    const el = await mount();
    const light = getComputedStyle(el).backgroundColor;
    await emulateMedia({ colorScheme: 'dark' });
    const dark = getComputedStyle(el).backgroundColor;
    expect(dark).not.to.equal(light);
    await expect(el).to.be.accessible();
    el.setAttribute('theme', 'light');
    expect(getComputedStyle(el).backgroundColor).to.equal(light);
    await emulateMedia({ colorScheme: 'light' });
    el.setAttribute('theme', 'dark');
    expect(getComputedStyle(el).backgroundColor).to.equal(dark);
  });

});
