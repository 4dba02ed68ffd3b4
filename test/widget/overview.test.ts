// Issue 14 item 5: many apps start as a compact overview; filters; a heading per section; "stop sharing" with what
// the filter shows; "No apps match".
import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/define.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import { $, $$, confirmDialog, login, logout, mount, openDialog, resetSandbox, stats, upstreamConsents } from './support.js';

/** Elements a Tab press can reach inside `root` (the element's and its parts' shadow roots included). */
const tabStops = (root: Element) =>
  [...root.querySelectorAll<HTMLElement>('button, a[href], input, select, summary, [tabindex]')].filter(
    (e) => e.tabIndex >= 0 && !e.closest('[hidden]') && e.getClientRects().length > 0,
  );

const choose = async (el: ConsentManager, filter: string) => {
  $<HTMLInputElement>(el, `[part~="filters"] input[value="${filter}"]`)!.click();
  await el.updateComplete;
};

describe('many apps (issue 14 item 5)', () => {
  beforeEach(() => resetSandbox());
  afterEach(() => logout());

  it('starts as an overview: a row per app with logo, name, status, shared accounts and last use; at most 3 tab stops each', async () => {
    await login('many50');
    const el = await mount();
    const rows = $$(el, 'li.app[data-id]');
    expect(rows).to.have.length(50);
    for (const row of rows) {
      expect(tabStops(row).length, row.dataset.id).to.be.at.most(3);
      expect(row.querySelector('[role="switch"]')).to.equal(null, 'details on demand');
    }
    const row = rows[0]!;
    const open = row.querySelector<HTMLButtonElement>('[part~="expand"]')!;
    expect(open.getAttribute('aria-expanded')).to.equal('false');
    expect(open.querySelector('[part~="logo"]')).to.exist;
    expect(open.querySelector('[part~="app-name"]')!.textContent).to.be.a('string').and.not.equal('');
    expect(open.querySelector('[part~="badge"]')).to.exist;
    expect(open.textContent).to.match(/\d+ of \d+ accounts shared/);
    expect(open.textContent).to.match(/Last used /);
    await expect(el).to.be.accessible();

    open.click();
    await el.updateComplete;
    expect(open.getAttribute('aria-expanded')).to.equal('true');
    expect(row.querySelector('[role="switch"]')).to.exist;
    expect(row.querySelector('.sees')).to.exist;
    await expect(el).to.be.accessible();
  });

  it('has a heading per section and filters All / Unused 90+ days / Stopped', async () => {
    await login('alex');
    const el = await mount();
    expect($$(el, '.lists section > h2').map((h) => h.textContent)).to.deep.equal(['Apps you share data with', 'Apps you stopped sharing with']);
    expect($$(el, '[part~="filters"] label').map((l) => l.textContent!.trim())).to.deep.equal(['All', 'Unused 90+ days', 'Stopped']);
    await choose(el, 'unused');
    expect($$(el, 'li.app h3').map((h) => h.textContent)).to.deep.equal(['Harborline Lending', 'Quillfile Tax']);
    expect($(el, '.history')).to.equal(null);
    await choose(el, 'stopped');
    expect($$(el, 'li.app h3').map((h) => h.textContent)).to.have.members(['Tallyhive Bill Split', 'Brightpath Credit Monitor']);
    expect($(el, '.active')).to.equal(null);
    await expect(el).to.be.accessible();
    await choose(el, 'all');
    expect($$(el, 'li.app')).to.have.length(8);
  });

  it('stops what the filter shows, saying how many: the unused apps together', async () => {
    await login('alex');
    const el = await mount();
    await choose(el, 'unused');
    const button = $<HTMLButtonElement>(el, '[part~="stop-all-button"]')!;
    expect(button.textContent!.trim()).to.equal('Stop sharing with the 2 apps shown');
    button.click();
    const dialog = await openDialog(el);
    expect([...dialog.querySelectorAll('#text li')].map((li) => li.textContent)).to.have.members(['Harborline Lending', 'Quillfile Tax']);
    await confirmDialog(el);
    await waitUntil(async () => (await stats()).revoke == 2, 'two stops sent', { timeout: 8000 });
    const stopped = (await upstreamConsents()).filter((c) => c.revoked_at).map((c) => c.application_name);
    expect(stopped).to.have.members(['Harborline Lending', 'Quillfile Tax', 'Tallyhive Bill Split', 'Brightpath Credit Monitor']);
  });

  it('says "No apps match." when a search finds nothing', async () => {
    await login('alex');
    const el = await mount();
    $<HTMLInputElement>(el, '[part~="search"]')!.focus();
    await sendKeys({ type: 'zzzz' });
    await waitUntil(() => $(el, '[part~="notice"]'), 'notice');
    expect($(el, '[part~="notice"]')!.textContent!.trim()).to.equal('No apps match.');
    expect($(el, '[part~="stop-all-button"]')).to.equal(null);
  });

  it('for many200: the first screen holds the overview (rows, no card open) and at most 3 tab stops per app', async function () {
    this.timeout(30_000);
    await login('many200');
    const el = await mount();
    const rows = $$(el, 'li.app[data-id]');
    expect(rows).to.have.length(200);
    const stops = rows.reduce((n, row) => n + tabStops(row).length, 0);
    expect(stops).to.be.at.most(3 * 200);
    const first = rows[0]!.getBoundingClientRect();
    expect(first.top).to.be.lessThan(innerHeight, 'the overview starts on the first screen');
    expect(first.height).to.be.lessThan(120, 'a row, not a card');
  });
});
