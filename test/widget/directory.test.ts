import { expect } from '@open-wc/testing';
import '../../widget/define.js';
import type { Directory } from '../../widget/app-card.js';
import { $$, card, login, logout, mount, resetSandbox } from './support.js';

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

  it('shows what an app can see on its card without opening anything, and the rest of its entry under About', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    const fernpay = card(el, 'Fernpay');
    const sees = fernpay.querySelector('.sees')!;
    expect(sees.closest('details'), 'not inside a collapsed section').to.equal(null);
    expect(sees.querySelector('h4')!.textContent).to.equal('What Fernpay can see');
    expect([...sees.querySelectorAll('li')].map((li) => li.textContent)).to.deep.equal([
      'Account name, type and number (masked)',
      'Transactions: amounts, dates, descriptions, and who you paid and who paid you',
      'Your rewards balance',
    ]);
    expect(sees.getBoundingClientRect().height, 'visible').to.be.greaterThan(0);
    const details = fernpay.querySelector<HTMLDetailsElement>('[part~="details"]')!;
    expect(details.querySelector('summary')!.textContent).to.equal('About Fernpay');
    details.open = true;
    expect(details.textContent).to.contain('Sends money to friends from your checking account.');
    expect(details.textContent).to.contain('Connected through MX');
    const links = [...details.querySelectorAll('a')].map((a) => [a.textContent, a.href]);
    expect(links).to.deep.equal([
      ['Privacy policy', 'https://fernpay.example/privacy'],
      ['Ask Fernpay to delete your data', `${location.origin}/bank/apps/fernpay/delete`],
    ]);
    await expect(el).to.be.accessible();
  });

  it('says so and points to the bank when the directory has no list for an app, on every card', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    for (const app of ['Summitvest Investing', 'Harborline Lending', 'Quillfile Tax'])
      expect(card(el, app).querySelector('.sees')!.textContent).to.contain(`We don’t have a list of what ${app} can see. Contact us to ask.`);
    await logout();
    await login('alex');
    const bare = await mount();
    for (const li of $$(bare, 'li.app[data-id]')) expect(li.querySelector('.sees')!.textContent).to.contain('Contact us to ask.');
  });

  it('leaves out what the bank did not give, and links that are not https: or same-origin', async () => {
    const el = await mount({ props: { directory: DIRECTORY } });
    expect(card(el, 'Summitvest Investing').querySelector('[part~="details"]')).to.equal(null, 'no entry, no section');
    expect(card(el, 'Harborline Lending').querySelector('[part~="details"]')).to.equal(null, 'nothing safe to show, no section');
    const quillfile = card(el, 'Quillfile Tax').querySelector<HTMLDetailsElement>('[part~="details"]')!;
    expect(quillfile.querySelectorAll('a').length).to.equal(0);
    expect(quillfile.textContent).not.to.contain('Connected through');
    expect(quillfile.textContent).to.contain('Files taxes.');
  });

  it('says the data clusters in Spanish, and takes a bank’s own words for a cluster', async () => {
    const el = await mount({ lang: 'es', props: { directory: DIRECTORY } });
    const details = () => card(el, 'Fernpay').querySelector('[part~="details"]')!;
    const sees = () => card(el, 'Fernpay').querySelector('.sees')!;
    expect(details().querySelector('summary')!.textContent).to.equal('Acerca de Fernpay');
    expect(sees().textContent).to.contain('Qué puede ver Fernpay');
    expect(sees().textContent).to.contain('Transacciones: montos, fechas, descripciones y a quién le pagaste y quién te pagó');
    expect(details().textContent).to.contain('Conectada a través de MX');
    el.strings = { TRANSACTIONS: 'Tus compras y pagos' };
    await el.updateComplete;
    expect(sees().textContent).to.contain('Tus compras y pagos');
  });
});
