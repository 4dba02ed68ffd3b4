import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { card, control, login, logout, mount, openDialog, resetSandbox } from './support.js';

describe('under a strict Content-Security-Policy', () => {
  const violations: SecurityPolicyViolationEvent[] = [];
  const record = (e: SecurityPolicyViolationEvent) => violations.push(e);
  let meta: HTMLMetaElement;

  before(() => {
    // A bank's policy: no inline styles or scripts, images from itself only. Added by script, it governs
    // everything the page does from here on, which is all of the widget's work.
    meta = document.createElement('meta');
    meta.httpEquiv = 'Content-Security-Policy';
    meta.content = "style-src 'self'; img-src 'self'; object-src 'none'; base-uri 'none'";
    document.head.append(meta);
    document.addEventListener('securitypolicyviolation', record);
  });
  after(() => document.removeEventListener('securitypolicyviolation', record));

  it('renders styled, works, and triggers no violation', async () => {
    await resetSandbox();
    await login('alex');
    try {
      const el = await mount();
      expect(getComputedStyle(card(el, 'Fernpay')).borderTopStyle).to.equal('solid', 'styles applied');
      const sw = control(el, 'Share new accounts automatically: Fernpay');
      sw.click();
      await waitUntil(() => sw.getAttribute('aria-checked') == 'true', 'changed');
      control(el, 'Stop sharing with Fernpay').click();
      (await openDialog(el)).close();

      // The policy really was in force: an inline style attribute is refused. Its report is queued behind any the
      // widget caused (reports are tasks of one source, in order), so once it arrives every earlier one has too.
      const probe = document.createElement('div');
      probe.setAttribute('style', 'color: red');
      document.body.append(probe);
      await waitUntil(() => violations.length > 0, 'the probe was refused', { timeout: 5000 });
      probe.remove();
      expect(violations.map((v) => `${v.violatedDirective} ${v.blockedURI}`)).to.deep.equal(['style-src-attr inline'], 'only the probe was refused');
    } finally {
      await logout();
    }
  });
});
