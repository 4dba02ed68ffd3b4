import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, $$, card, login, logout, mount, MODES, resetSandbox, settled, setFaults, statusText } from './support.js';

describe('consent-manager rendering against the sandbox', () => {
  beforeEach(async () => {
    await resetSandbox();
  });
  afterEach(async () => {
    await logout();
  });

  for (const mode of MODES) {
    it(`lists every connected app with its facts in words (${mode} mode)`, async () => {
      await login('alex');
      const el = await mount({ mode });

      const active = $$(el, '.active ul.apps > li.app');
      const stopped = $$(el, '.history li.app');
      expect(active.length).to.equal(6);
      expect(stopped.length).to.equal(2);

      const ledgerleaf = card(el, 'Ledgerleaf Budget');
      expect(ledgerleaf.querySelector('[part~="badge"]')!.textContent).to.equal('Sharing');
      expect(ledgerleaf.textContent).to.contain('Connected since');
      expect(ledgerleaf.querySelector('img')!.getAttribute('src')).to.match(/\/mx\/logos\/ledgerleaf\.svg$/);
      const switches = ledgerleaf.querySelectorAll('[role="switch"]');
      expect(switches.length).to.equal(5, 'four accounts and auto-share');
      expect(switches[0]!.getAttribute('aria-label')).to.match(/^Share Everyday Checking ending in \d{4} with Ledgerleaf Budget$/);
      expect(switches[0]!.getAttribute('aria-checked')).to.equal('true');
      expect(switches[3]!.getAttribute('aria-checked')).to.equal('false');
      expect(ledgerleaf.textContent).to.contain('Not shared');
    });
  }

  it('shows last access relative and absolute, and "Never" when the app never read', async () => {
    await login('alex');
    const el = await mount();
    const fernpay = card(el, 'Fernpay');
    expect(fernpay.querySelector('dl')!.textContent).to.contain('Never');
    const harborline = card(el, 'Harborline Lending').querySelectorAll('time');
    const last = harborline[harborline.length - 1]!;
    expect(last.textContent).to.match(/\d+ months? ago \(.+\d{4}.+\)/);
    expect(last.getAttribute('datetime')).to.match(/^\d{4}-\d\d-\d\dT/);
  });

  it('shows initials when an app has no logo', async () => {
    await login('alex');
    const el = await mount();
    const logo = card(el, 'Summitvest Investing').querySelector('[part~="logo"]')!;
    expect(logo.tagName).to.equal('SPAN');
    expect(logo.textContent).to.equal('SI');
  });

  it('keeps stopped apps in a history with their end date, sharing nothing', async () => {
    await login('alex');
    const el = await mount();
    const tallyhive = card(el, 'Tallyhive Bill Split');
    expect(tallyhive.closest('.history')).to.exist;
    expect(tallyhive.querySelector('[part~="badge"]')!.textContent).to.equal('Stopped');
    expect(tallyhive.textContent).to.contain('Stopped on');
    expect(tallyhive.querySelector('button')).to.equal(null);
    expect(tallyhive.textContent).not.to.contain('Everyday Checking', 'a stopped consent lists no shared accounts');
  });

  it('says when no apps are connected', async () => {
    await login('new');
    const el = await mount();
    expect($(el, '[part~="notice"]')!.textContent).to.contain('No apps connected');
    await expect(el).to.be.accessible();
  });

  it('lets the page replace the empty text through the "empty" slot', async () => {
    await login('new');
    const el = await mount();
    const custom = document.createElement('p');
    custom.slot = 'empty';
    custom.textContent = 'Nothing here yet';
    el.append(custom);
    const slot = $<HTMLSlotElement>(el, 'slot[name="empty"]')!;
    expect(slot.assignedElements()[0] == custom, 'slotted').to.equal(true);
  });

  it('shows a skeleton while loading, then the list', async () => {
    await login('alex');
    await setFaults({ endpoint: 'list', kind: 'latency', latency_ms: 600, next: 1 });
    const { fixture, html } = await import('@open-wc/testing');
    const el = await fixture<import('../../widget/consent-manager.js').ConsentManager>(html`<consent-manager></consent-manager>`);
    expect($$(el, '.skeleton').length).to.be.greaterThan(0);
    expect(el.shadowRoot!.textContent).to.contain('Loading connected apps');
    await expect(el).to.be.accessible();
    await settled(el);
    expect($$(el, 'li.app').length).to.equal(8);
  });

  it('shows an error with a retry button that recovers once the upstream does', async () => {
    await login('alex');
    await setFaults({ endpoint: 'list', kind: 'error', status: 500 });
    const errors: Event[] = [];
    const el = await mount({ on: { 'consent-error': (e) => errors.push(e) } });
    expect($(el, '[part~="notice"]')!.textContent).to.contain('couldn’t load');
    expect(errors.length).to.equal(1);
    await expect(el).to.be.accessible();

    await setFaults([]);
    $<HTMLButtonElement>(el, '[part~="notice"] button')!.click();
    await waitUntil(() => $$(el, 'li.app').length == 8, 'list after retry');
    expect(statusText(el)).to.equal('');
  });

  it('renders many apps without trouble', async () => {
    await login('many50');
    const el = await mount();
    expect($$(el, 'li.app').length).to.equal(50);
  });
});
