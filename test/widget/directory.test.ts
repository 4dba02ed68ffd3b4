import { expect } from '@open-wc/testing';
import '../../widget/define.js';
import type { Directory } from '../../widget/app-card.js';
import { card, login, logout, mount, resetSandbox } from './support.js';

const DIRECTORY: Directory = {
  Fernpay: {
    description: 'Sends money to friends from your checking account.',
    data: ['ACCOUNT_BASIC', 'TRANSACTIONS', 'Your rewards balance'],
    via: 'MX',
    privacy: 'https://fernpay.example/privacy',
    deletion: '/bank/apps/fernpay/delete',
  },
  'Quillfile Tax': { privacy: 'javascript:alert(1)', deletion: 'http://evil.example/delete', description: 'Files taxes.' },
  'Harborline Lending': { privacy: 'data:text/html,hi' },
};

describe('the bank’s app directory (directory)', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(async () => {
    await logout();
  });

  it('shows an app’s description, the data it can see in plain words, the intermediary and its links', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    const details = card(el, 'Fernpay').querySelector<HTMLDetailsElement>('[part~="details"]')!;
    expect(details.querySelector('summary')!.textContent).to.equal('About Fernpay');
    details.open = true;
    expect(details.textContent).to.contain('Sends money to friends from your checking account.');
    expect(details.querySelector('h4')!.textContent).to.equal('What Fernpay can see');
    expect([...details.querySelectorAll('.dots li')].map((li) => li.textContent)).to.deep.equal([
      'Account basics: name, type and masked number',
      'Transactions: amounts, dates and descriptions',
      'Your rewards balance',
    ]);
    expect(details.textContent).to.contain('Connected through MX');
    const links = [...details.querySelectorAll('a')].map((a) => [a.textContent, a.href]);
    expect(links).to.deep.equal([
      ['Privacy policy', 'https://fernpay.example/privacy'],
      ['Ask Fernpay to delete your data', `${location.origin}/bank/apps/fernpay/delete`],
    ]);
    await expect(el).to.be.accessible();
  });

  it('leaves out what the bank did not give, and links that are not https: or same-origin', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    expect(card(el, 'Summitvest Investing').querySelector('[part~="details"]')).to.equal(null, 'no entry, no section');
    expect(card(el, 'Harborline Lending').querySelector('[part~="details"]')).to.equal(null, 'nothing safe to show, no section');
    const quillfile = card(el, 'Quillfile Tax').querySelector<HTMLDetailsElement>('[part~="details"]')!;
    expect(quillfile.querySelectorAll('a').length).to.equal(0);
    expect(quillfile.querySelector('h4')).to.equal(null);
    expect(quillfile.textContent).not.to.contain('Connected through');
    expect(quillfile.textContent).to.contain('Files taxes.');
  });

  it('says the data clusters in Spanish, and takes a bank’s own words for a cluster', async () => {
    const el = await mount({ lang: 'es', props: { directory: DIRECTORY } });
    const details = () => card(el, 'Fernpay').querySelector('[part~="details"]')!;
    expect(details().querySelector('summary')!.textContent).to.equal('Acerca de Fernpay');
    expect(details().textContent).to.contain('Movimientos: importes, fechas y descripciones');
    expect(details().textContent).to.contain('Conectada a través de MX');
    el.strings = { TRANSACTIONS: 'Tus compras y pagos' };
    await el.updateComplete;
    expect(details().textContent).to.contain('Tus compras y pagos');
  });
});
