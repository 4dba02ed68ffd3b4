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

  it('reflows at 320 px without horizontal scrolling, dialog included', async () => {
    await setViewport({ width: 320, height: 640 });
    const el = await mount();
    expect(document.documentElement.scrollWidth).to.be.at.most(320);
    for (const app of $$(el, 'li.app')) expect(app.scrollWidth).to.be.at.most(app.clientWidth);
    control(el, 'Stop sharing with Nestward Rent Reporting').click();
    const dialog = $<HTMLDialogElement>(el, 'dialog')!;
    await waitUntil(() => dialog.open, 'dialog');
    expect(dialog.getBoundingClientRect().right).to.be.at.most(320);
    expect(dialog.scrollWidth).to.be.at.most(dialog.clientWidth);
    dialog.close();
  });

});
