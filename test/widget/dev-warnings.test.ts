// No static imports: the console must be watched before Lit and the element load, since Lit
// issues most of its warnings at class definition and first render.
const warnings: string[] = [];
const warn = console.warn.bind(console);
console.warn = (...args: unknown[]) => {
  warnings.push(args.map(String).join(' '));
  warn(...args);
};

describe('Lit dev-mode warnings', () => {
  it('are limited to the dev-mode banner across a full session of use', async () => {
    const { expect, waitUntil } = await import('@open-wc/testing');
    await import('../../widget/define.js');
    const s = await import('./support.js');
    await s.resetSandbox();
    await s.login('alex');
    try {
      for (const mode of s.MODES) {
        const el = await s.mount({ mode, lang: 'es' });
        const sw = s.control(el, 'Compartir cuentas nuevas automáticamente: Fernpay');
        sw.click();
        await waitUntil(() => sw.getAttribute('aria-checked') == 'true', 'changed');
        s.control(el, 'Dejar de compartir con Nestward Rent Reporting').click();
        await waitUntil(() => s.$<HTMLDialogElement>(el, 'dialog')?.open, 'dialog');
        s.$<HTMLButtonElement>(el, '[part~="confirm-button"]')!.click();
        await waitUntil(() => s.card(el, 'Nestward Rent Reporting').closest('.history'), 'stopped');
        el.strings = { sharing: 'On' };
        el.accountPolicy = 'read-only';
        await el.updateComplete;
        el.remove();
        await s.resetSandbox();
        await s.logout();
        await s.login('alex');
      }
    } finally {
      await s.logout();
    }
    expect(warnings.some((w) => w.includes('Lit is in dev mode')), 'watching from before Lit loaded').to.equal(true);
    expect(warnings.filter((w) => !w.includes('Lit is in dev mode'))).to.deep.equal([]);
  });
});
