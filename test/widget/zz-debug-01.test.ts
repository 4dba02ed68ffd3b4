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

  it('speaks Spanish when the page does, dates included', async () => {
    const el = await mount({ lang: 'es-MX' });
    const ledgerleaf = card(el, 'Ledgerleaf Budget');
    expect(ledgerleaf.querySelector('[part~="badge"]')!.textContent).to.equal('Compartiendo');
    expect(ledgerleaf.textContent).to.contain('Conectada desde');
    expect(ledgerleaf.querySelector('[role="switch"]')!.getAttribute('aria-label')).to.match(
      /^Compartir Everyday Checking terminada en \d{4} con Ledgerleaf Budget$/,
    );
    expect(card(el, 'Harborline Lending').textContent).to.match(/hace \d+ meses/);
    expect($(el, '.history h2')!.textContent).to.equal('Ya no compartes datos');
    control(el, 'Dejar de compartir con Fernpay').click();
    await waitUntil(() => $<HTMLDialogElement>(el, 'dialog')!.open, 'dialog');
    expect($(el, 'dialog')!.textContent).to.contain('¿Dejar de compartir con Fernpay?');
    await expect(el).to.be.accessible();
    $<HTMLDialogElement>(el, 'dialog')!.close();
  });

});
