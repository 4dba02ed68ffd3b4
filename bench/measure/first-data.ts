import type { BrowserContext } from 'playwright-core';
import type { Measurement } from '../measurement.js';
import { evaluateWithin, loadList, loggedInContext, logIn, logOut, recordRequests, type Load } from '../support/browser.js';
import { percentile, round, spread } from '../stats.js';
import { withDemoInBrowser } from '../support/demo-in-browser.js';

const LOADS = 30;
const COLD_LOADS = 5;
const APPS = 50;

type Mode = 'proxy' | 'direct';

/**
 * Page loads of the demo bank as `many50`, proxy and direct interleaved so drift on a shared machine hits
 * both alike. Time = navigation start to the first frame with all 50 app cards; requests = the page's
 * fetch/XHR calls before that frame.
 */
export const firstData: Measurement = {
  name: 'first-data',
  keys: ['render_ms_proxy_p50', 'render_ms_proxy_p95', 'render_ms_direct_p50', 'render_ms_direct_p95',
    'requests_to_first_data_proxy', 'requests_to_first_data_direct_cold', 'requests_to_first_data_direct_warm'],
  run: () => withDemoInBrowser(async (url, browser) => {
    const context = await loggedInContext(browser, url, 'many50', APPS);
    const once = async (mode: Mode) => {
      const load = await loadList(context, `/?mode=${mode}`);
      await load.page.close();
      return load;
    };

    // Cold: a new login after a logout, so the BFF holds no token for the customer.
    const cold: Load[] = [];
    for (let i = 0; i < COLD_LOADS; i++) {
      await logOut(context);
      await logIn(context, 'many50');
      cold.push(await once('direct'));
    }

    for (const mode of ['proxy', 'direct', 'proxy', 'direct'] as const) await once(mode);
    const loads: Record<Mode, Load[]> = { proxy: [], direct: [] };
    for (let i = 0; i < LOADS; i++) {
      for (const mode of i % 2 ? (['proxy', 'direct'] as const) : (['direct', 'proxy'] as const)) loads[mode].push(await once(mode));
    }
    const widgetHeld = await reloadWithHeldToken(context);

    const ms = (mode: Mode) => loads[mode].map((l) => l.shownMs);
    const count = (list: Load[]) => Math.max(...list.map((l) => l.requests.length));
    const calls = (list: Load[]) => [...new Set(list.map((l) => l.requests.join(', ')))];
    return {
      figures: {
        render_ms_proxy_p50: round(percentile(ms('proxy'), 50), 1),
        render_ms_proxy_p95: round(percentile(ms('proxy'), 95), 1),
        render_ms_direct_p50: round(percentile(ms('direct'), 50), 1),
        render_ms_direct_p95: round(percentile(ms('direct'), 95), 1),
        requests_to_first_data_proxy: count(loads.proxy),
        requests_to_first_data_direct_cold: count(cold),
        requests_to_first_data_direct_warm: widgetHeld.length,
      },
      spread: {
        render_ms_proxy_p50: spread(ms('proxy')),
        render_ms_direct_p50: spread(ms('direct')),
        requests_to_first_data_proxy: spread(loads.proxy.map((l) => l.requests.length)),
        requests_to_first_data_direct_cold: spread(cold.map((l) => l.requests.length)),
        requests_to_first_data_direct_page_load: spread(loads.direct.map((l) => l.requests.length)),
      },
      extra: {
        render_ms_direct_cold_p50: round(percentile(cold.map((l) => l.shownMs), 50), 1),
        requests_to_first_data_direct_page_load: count(loads.direct),
        calls_proxy: calls(loads.proxy),
        calls_direct_cold: calls(cold),
        calls_direct_page_load: calls(loads.direct),
        calls_direct_warm: widgetHeld,
        chromium: browser.version(),
      },
      notes: {
        render_ms_proxy_p50: `${LOADS} loads per mode, interleaved, many50 (50 apps × 3 accounts); navigation start to the first frame with 50 app cards`,
        requests_to_first_data_direct_cold: `direct mode right after a new login (the BFF holds no token); max over ${COLD_LOADS} loads`,
        requests_to_first_data_direct_warm:
          '"a token is cached" = the widget holds one: reload() on an element that loaded once in direct mode. A new page ' +
          'load starts without one (extra.requests_to_first_data_direct_page_load, 2: POST /consent/token answered from the ' +
          'BFF cache, then the list), because the token lives in that element\'s memory only; a page-wide cache would hand ' +
          'one customer\'s token to the next in a single-page app that logs out and in without a reload',
      },
    };
  }),
};

/** The widget's own token: reload() on an element that already loaded once in direct mode. */
async function reloadWithHeldToken(context: BrowserContext): Promise<string[]> {
  const load = await loadList(context, '/?mode=direct');
  try {
    const seen = recordRequests(load.page);
    await evaluateWithin(load.page, `(async () => {
      const el = document.querySelector('consent-manager');
      await el.reload();
      await el.updateComplete;
    })()`, 20_000);
    return seen;
  } finally {
    await load.page.close();
  }
}
