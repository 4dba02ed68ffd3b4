// Finding 1 of the penetration test, in Chromium against the demo BFF and the sandbox: the widget never uses a
// token, nor acts on a list, from an earlier bank session. And the one retry layer: a page load while MX answers
// 503 costs MX a bounded number of calls, not widget × BFF × upstream-client attempts.
import { expect, waitUntil } from '@open-wc/testing';
import '../../widget/define.js';
import { $, $$, control, login, logout, mount, MODES, recordEvents, resetSandbox, setFaults, settled, stats } from './support.js';

interface Recorded {
  method: string;
  path: string;
}
const sandboxRequests = async (): Promise<Recorded[]> => (await fetch('/mx/__sandbox/requests')).json();
const puts = async () => (await sandboxRequests()).filter((r) => r.method == 'PUT');
const shownIds = (el: HTMLElement) => $$(el as never, 'li.app[data-id]').map((li) => li.getAttribute('data-id')!);

describe('a change of bank session without a page load', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(() => logout());

  it("direct mode: alex out, sam in, sam's click on alex's card sends nothing and reload() lists sam's apps", async () => {
    const el = await mount({ mode: 'direct' });
    const alexIds = shownIds(el);
    expect(alexIds.length).to.be.greaterThan(1);
    const events = recordEvents();

    await logout();
    await login('sam');
    // alex's list is still on screen; sam clicks one of its switches.
    control(el, 'Share new accounts automatically: Fernpay').click();
    await waitUntil(() => events.counts()['consent-session-expired'] == 1, 'the widget reports the ended session');
    await el.updateComplete;
    expect(await puts(), 'nothing sent for the earlier session').to.deep.equal([]);

    await el.reload();
    await settled(el);
    const samIds = shownIds(el);
    expect(samIds.length).to.be.greaterThan(0);
    expect(samIds.filter((id) => alexIds.includes(id)), "none of alex's apps").to.deep.equal([]);

    // sam acts on sam's own app: the only PUT MX ever sees, on sam's consent.
    $$<HTMLButtonElement>(el, 'li.app [role="switch"]')[0]!.click();
    await waitUntil(async () => (await puts()).length == 1, "sam's change reaches MX");
    await waitUntil(() => !$(el, '[aria-busy="true"]'), 'the change settles');
    const sent = await puts();
    expect(sent.every((r) => samIds.some((id) => r.path.includes(id)))).to.equal(true);
    expect(sent.some((r) => alexIds.some((id) => r.path.includes(id))), "no PUT to alex's consent").to.equal(false);
    expect(events.counts()['consent-session-expired']).to.equal(1);
    events.stop();
  });

  for (const mode of MODES) {
    it(`after a plain logout the next call fires consent-session-expired and sends nothing to MX (${mode} mode)`, async () => {
      const el = await mount({ mode });
      const events = recordEvents();
      await logout();
      control(el, 'Share new accounts automatically: Fernpay').click();
      await waitUntil(() => events.counts()['consent-session-expired'] == 1, 'session-expired fired');
      expect($(el, '[part~="notice"]')!.textContent).to.contain('Your session has ended');
      expect(await puts()).to.deep.equal([]);
      expect((await stats()).auto_share).to.equal(0);
      events.stop();
    });

    it(`after a plain logout reload() fires consent-session-expired (${mode} mode)`, async () => {
      const el = await mount({ mode });
      const events = recordEvents();
      await logout();
      const before = (await stats()).list;
      await el.reload();
      await waitUntil(() => events.counts()['consent-session-expired'] == 1, 'session-expired fired');
      expect((await stats()).list, 'no list read with a token of the ended session').to.equal(before);
      events.stop();
    });
  }
});

describe('one retry layer, with a budget', () => {
  beforeEach(async () => {
    await resetSandbox();
    await login('alex');
  });
  afterEach(() => logout());

  for (const mode of MODES) {
    it(`while MX answers 503 a page load makes 3 list calls to MX, and "Try again" 2, then 1 each (${mode} mode)`, async () => {
      await setFaults({ endpoint: 'list', kind: 'error', status: 503 });
      const el = await mount({ mode });
      expect($(el, '[part~="notice"]'), 'the error state').to.exist;
      const load = (await stats()).list;
      console.log(`[figures] ${mode}: MX list calls for one page load while MX answers 503: ${load} (widget × BFF × upstream client stacked to 15 before)`);
      expect(load).to.equal(3);

      // The budget runs out: a customer who keeps pressing "Try again" while MX is down costs MX one call a press.
      const presses: number[] = [];
      for (let i = 0; i < 3; i++) {
        const before = (await stats()).list;
        control(el, 'Try again').click();
        await waitUntil(async () => (await stats()).list > before, 'the press reached MX');
        // The load it started is in flight until its last attempt failed: then the error state is back.
        await settled(el);
        expect($(el, '[part~="notice"]'), 'still the error state').to.exist;
        presses.push((await stats()).list - before);
      }
      expect(presses).to.deep.equal([2, 1, 1]);
    });
  }
});
