import { expect, waitUntil } from '@open-wc/testing';
import { sendKeys } from '@web/test-runner-commands';
import '../../widget/define.js';
import type { ConsentManager } from '../../widget/consent-manager.js';
import { $, $$, login, logout, mount, resetSandbox } from './support.js';

const names = (el: ConsentManager, list = '.active ul.apps') =>
  $$(el, `${list} li.app h3`).map((h) => h.textContent);

describe('search and sort (more than a handful of apps)', () => {
  beforeEach(async () => {
    await resetSandbox();
  });
  afterEach(async () => {
    await logout();
  });

  it('is offered only past five apps', async () => {
    await login('sam');
    const sam = await mount();
    expect($(sam, '[part~="search"]')).to.equal(null);
    expect($(sam, '[part~="sort"]')).to.equal(null);
    await logout();
    await login('alex');
    const alex = await mount();
    expect($(alex, '[part~="search"]')).to.exist;
    expect($(alex, '[part~="sort"]')).to.exist;
  });

  it('finds apps by name in both lists, whatever the case, and says how many match', async () => {
    await login('alex');
    const el = await mount();
    $<HTMLInputElement>(el, '[part~="search"]')!.focus();
    await sendKeys({ type: 'LEDGER' });
    await waitUntil(() => names(el).length == 1, 'filtered');
    expect(names(el)).to.deep.equal(['Ledgerleaf Budget']);
    expect($$(el, '.history li.app')).to.have.length(0);
    expect($(el, '.tools [role="status"]')!.textContent).to.equal('1 of 8 apps');
    await expect(el).to.be.accessible();

    $<HTMLInputElement>(el, '[part~="search"]')!.select();
    await sendKeys({ type: 'bright' });
    await waitUntil(() => names(el, '.history').length == 1, 'history filtered');
    expect(names(el)).to.deep.equal([]);
    expect($(el, '[part~="notice"]')).to.equal(null, 'not mistaken for "no apps connected"');
    expect(names(el, '.history')).to.deep.equal(['Brightpath Credit Monitor']);
  });

  it('sorts by newest connection, by name, and by least recent use', async () => {
    await login('alex');
    const el = await mount();
    expect(names(el)).to.deep.equal([
      'Fernpay',
      'Summitvest Investing',
      'Harborline Lending',
      'Nestward Rent Reporting',
      'Ledgerleaf Budget',
      'Quillfile Tax',
    ]);
    const sort = $<HTMLSelectElement>(el, '[part~="sort"]')!;
    sort.value = 'name';
    sort.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(names(el)).to.deep.equal([
      'Fernpay',
      'Harborline Lending',
      'Ledgerleaf Budget',
      'Nestward Rent Reporting',
      'Quillfile Tax',
      'Summitvest Investing',
    ]);
    sort.value = 'used';
    sort.dispatchEvent(new Event('change'));
    await el.updateComplete;
    expect(names(el)).to.deep.equal([
      'Quillfile Tax',
      'Harborline Lending',
      'Nestward Rent Reporting',
      'Fernpay',
      'Summitvest Investing',
      'Ledgerleaf Budget',
    ]);
  });

  it('speaks Spanish', async () => {
    await login('alex');
    const el = await mount({ lang: 'es' });
    expect($(el, '.tools label')!.textContent).to.contain('Buscar aplicaciones');
    expect([...$<HTMLSelectElement>(el, '[part~="sort"]')!.options].map((o) => o.text)).to.deep.equal([
      'Conexión más reciente',
      'Nombre',
      'Uso menos reciente',
    ]);
  });
});
