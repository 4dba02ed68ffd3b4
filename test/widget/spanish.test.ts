// Issue 14 item 8: Spanish for a US bank, one register (tú), agreement, every string translated.
import { expect } from '@open-wc/testing';
import { en, es } from '../../widget/languages.js';

/** Words of Spain's Spanish or of the usted register that a US bank's customer on the tú register should not meet. */
const NOT_US_TU = /\b(usted|ustedes|vosotros|os|vuestr\w*|contacte|contacta con|ordenador|importes?|gestionar|móvil|fichero|vale)\b/i;

describe('Spanish (issue 14 item 8)', () => {
  it('translates every string, keeping each {slot}', () => {
    const same = Object.keys(en).filter((k) => es[k as keyof typeof es] == en[k as keyof typeof en]);
    expect(same).to.deep.equal([]);
    for (const k of Object.keys(en) as (keyof typeof en)[]) {
      const slots = (s: string) => (s.match(/\{\w+\}/g) ?? []).sort();
      expect(slots(es[k]), k).to.deep.equal(slots(en[k]));
    }
  });

  it('keeps to US Spanish in the tú register', () => {
    const off = Object.entries(es).filter(([, v]) => NOT_US_TU.test(v));
    expect(off).to.deep.equal([]);
    expect(es.retry).to.equal('Intentar de nuevo');
  });

  it('agrees with "aplicación" (feminine) in the words that describe an app', () => {
    for (const k of ['stopped', 'noAccounts', 'connectedSince', 'filterStopped', 'via'] as const) expect(es[k], k).not.to.match(/\b\w+ido\b|\bConectado\b/);
    expect(es.stopped).to.equal('Detenida');
    expect(es.noAccounts).to.equal('Conectada, sin cuentas compartidas');
  });
});
