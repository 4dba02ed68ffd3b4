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

  it('has a forced-colors rule and delegates focus', async () => {
    const el = await mount();
    const rules = el.shadowRoot!.adoptedStyleSheets.flatMap((s) => [...s.cssRules]);
    expect(rules.some((r) => r instanceof CSSMediaRule && r.conditionText.includes('forced-colors: active'))).to.equal(true);
    expect(el.shadowRoot!.delegatesFocus).to.equal(true);
    el.focus();
    expect(el.shadowRoot!.activeElement).to.equal(control(el, 'Share Everyday Checking ending'));
  });

});
