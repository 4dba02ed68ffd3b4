import { expect, waitUntil } from '@open-wc/testing';
import { render } from 'lit';
import '../../widget/define.js';
import type { Consent } from '../../contract/consent.js';
import { appCard, type CardContext } from '../../widget/app-card.js';
import { safeUrl } from '../../widget/safe-url.js';
import { en } from '../../widget/languages.js';
import { styles } from '../../widget/styles.js';
import { card, login, logout, mount, resetSandbox } from './support.js';

// The sandbox holds only friendly data, so hostile records go straight through the card renderer the
// element itself uses. Everything else in this file runs against the sandbox.
const hostile = (overrides: Partial<Consent> = {}): Consent => ({
  id: 'CNS-1',
  application_name: '<img src=x onerror="window.__pwned=1">',
  application_icon_url: null,
  created_at: '2026-01-01T00:00:00.000Z',
  last_accessed: null,
  accounts: [{ account_id: 'ACT-1', nickname: '<b onclick=alert(1)>Savings</b>', account_number_display: 'XXXXXXXX1111', enabled: true }],
  auto_enable_future_accounts: false,
  consented_on: '2026-01-01T00:00:05.000Z',
  revoked_at: null,
  ...overrides,
});

const context = (overrides: Partial<CardContext> = {}): CardContext => ({
  t: en,
  locale: 'en',
  now: Date.now(),
  level: 2,
  accountPolicy: 'editable',
  autoSharePolicy: 'editable',
  locked: false,
  broken: new Set(),
  held: new Set(),
  forgotten: -Infinity,
  directory: {},
  overview: false,
  expanded: new Set(),
  onIconError: () => {},
  onAccount: () => {},
  onAutoShare: () => {},
  onStop: () => {},
  onUndo: () => {},
  onExpand: () => {},
  ...overrides,
});

/** Renders one card into a shadow root styled like the element's, 320 px wide. */
function renderCard(c: Consent, ctx = context()) {
  const host = document.createElement('div');
  host.style.width = '320px';
  document.body.append(host);
  const root = host.attachShadow({ mode: 'open' });
  root.adoptedStyleSheets = styles.map((s) => s.styleSheet!);
  const list = document.createElement('ul');
  root.append(list);
  render(appCard(c, ctx), list);
  return { root, li: list.querySelector('li')!, remove: () => host.remove() };
}

describe('safe rendering', () => {
  describe('icon URL policy', () => {
    const base = `${location.origin}/bank/page`;
    it('loads https: and same-origin URLs', () => {
      expect(safeUrl('https://cdn.example/logo.svg', base)).to.equal('https://cdn.example/logo.svg');
      expect(safeUrl('/mx/logos/a.svg', base)).to.equal(`${location.origin}/mx/logos/a.svg`);
      expect(safeUrl(`${location.origin}/x.png`, base)).to.equal(`${location.origin}/x.png`);
    });

    it('refuses script, data, blob, foreign cleartext and garbage', () => {
      for (const url of [
        'javascript:alert(1)',
        ' JavaScript:alert(1)',
        'data:image/svg+xml,<svg onload=alert(1)>',
        `blob:${location.origin}/1234`,
        'http://tracker.example/pixel.png',
        'ftp://files.example/logo.png',
        'https://[bad',
        '',
        null,
      ]) {
        expect(safeUrl(url, base), String(url)).to.equal(null);
      }
    });
  });

  it('renders a hostile app name and nickname as text', async () => {
    const { li, root, remove } = renderCard(hostile());
    try {
      expect(root.querySelectorAll('img, b').length).to.equal(0);
      expect(li.querySelector('h3')!.textContent).to.equal('<img src=x onerror="window.__pwned=1">');
      expect(li.textContent).to.contain('<b onclick=alert(1)>Savings</b>');
      expect(li.querySelector('[role="switch"]')!.getAttribute('aria-label')).to.contain('<b onclick=alert(1)>Savings</b>');
      // Settled: an image of our own at the same URL in the same root has failed; had the name become markup, its
      // image's failure (and `onerror`) would have come by now too.
      const control = document.createElement('img');
      const failed = new Promise((r) => control.addEventListener('error', r, { once: true }));
      control.src = 'x';
      root.append(control);
      await failed;
      control.remove();
      expect((window as { __pwned?: number }).__pwned).to.equal(undefined);
    } finally {
      remove();
    }
  });

  for (const url of ['javascript:alert(1)', 'data:image/png;base64,iVBORw0KGgo=', 'http://tracker.example/a.png']) {
    it(`shows initials instead of the icon ${url.slice(0, 16)}…`, () => {
      const { li, remove } = renderCard(hostile({ application_name: 'Evil Corp', application_icon_url: url }));
      try {
        expect(li.querySelector('img')).to.equal(null);
        expect(li.querySelector('[part~="logo"]')!.textContent).to.equal('EC');
      } finally {
        remove();
      }
    });
  }

  it('reports an icon that fails to load, and shows initials once told', async () => {
    let failed = 0;
    const c = hostile({ application_name: 'Gone App', application_icon_url: `${location.origin}/mx/logos/does-not-exist.svg` });
    const first = renderCard(c, context({ onIconError: () => failed++ }));
    try {
      await waitUntil(() => failed == 1, 'error event reached the card');
    } finally {
      first.remove();
    }
    const second = renderCard(c, context({ broken: new Set([c.id]) }));
    expect(second.li.querySelector('img')).to.equal(null);
    expect(second.li.querySelector('[part~="logo"]')!.textContent).to.equal('GA');
    second.remove();
  });

  it('keeps a long unbroken name inside 320 px', () => {
    const { li, remove } = renderCard(hostile({ application_name: 'W'.repeat(120) }));
    try {
      expect(li.scrollWidth).to.be.at.most(li.clientWidth);
    } finally {
      remove();
    }
  });

  describe('in the element, against the sandbox', () => {
    beforeEach(async () => {
      await resetSandbox();
      await login('alex');
    });
    afterEach(() => logout());

    it('falls back to initials when a logo breaks', async () => {
      const el = await mount();
      const logo = () => card(el, 'Fernpay').querySelector('[part~="logo"]')!;
      expect(logo().tagName).to.equal('IMG');
      logo().dispatchEvent(new Event('error'));
      await el.updateComplete;
      expect(logo().tagName).to.equal('SPAN');
      expect(logo().textContent).to.equal('F');
      expect(card(el, 'Ledgerleaf Budget').querySelector('[part~="logo"]')!.tagName).to.equal('IMG');
    });
  });
});
