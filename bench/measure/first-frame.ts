import type { Measurement } from '../measurement.js';
import { loadList, loggedInContext, phaseMedians, putStatic, staticCopyOf, traceLoad, type Load } from '../support/browser.js';
import { withDemoInBrowser } from '../support/demo-in-browser.js';
import { percentile, round, spread } from '../stats.js';

const PAIRS = 30;
const DIRECT_LOADS = 10;
const APPS = 50;

/**
 * Page loads of the demo bank as `many50` in proxy mode against a static HTML copy of the same page as the widget
 * rendered it (same markup and styles, no script), served by the same server, loads interleaved in one browser:
 * time = navigation start to the first frame painted with all 50 app cards. Also counts the page's fetch/XHR
 * requests before that frame, in proxy mode and, on separate page loads, in direct mode.
 */
export const firstFrame: Measurement = {
  name: 'first-frame',
  keys: ['first_frame_ratio_many50', 'requests_to_first_data_proxy', 'requests_to_first_data_direct_page_load'],
  run: () => withDemoInBrowser(async (url, browser) => {
    const context = await loggedInContext(browser, url, 'many50', APPS);
    const once = async (path: string) => {
      const load = await loadList(context, path);
      await load.page.close();
      return load;
    };
    const widgetPath = '/?mode=proxy';
    const staticPath = await putStatic(context, 'many50', await staticCopyOf(context, widgetPath));

    for (let i = 0; i < 3; i++) {
      await once(widgetPath);
      await once(staticPath);
    }
    const widget: Load[] = [];
    const still: Load[] = [];
    const ratios: number[] = [];
    for (let i = 0; i < PAIRS; i++) {
      // Alternate which goes first, so neither always follows the other's load.
      const [w, s] = i % 2 ? [await once(widgetPath), await once(staticPath)] : swap(await once(staticPath), await once(widgetPath));
      widget.push(w);
      still.push(s);
      ratios.push(w.shownMs / s.shownMs);
    }
    await traceLoad(browser, context, widgetPath, 'first-frame-widget-many50');
    await traceLoad(browser, context, staticPath, 'first-frame-static-many50');
    const direct: Load[] = [];
    for (let i = 0; i < DIRECT_LOADS; i++) direct.push(await once('/?mode=direct'));

    const ms = (list: Load[]) => list.map((l) => l.shownMs);
    const counts = (list: Load[]) => list.map((l) => l.requests.length);
    const calls = (list: Load[]) => [...new Set(list.map((l) => l.requests.join(', ')))];
    return {
      figures: {
        first_frame_ratio_many50: round(spread(ratios).median, 3),
        requests_to_first_data_proxy: Math.max(...counts(widget)),
        requests_to_first_data_direct_page_load: Math.max(...counts(direct)),
      },
      spread: {
        first_frame_ratio_many50: spread(ratios),
        requests_to_first_data_proxy: spread(counts(widget)),
        requests_to_first_data_direct_page_load: spread(counts(direct)),
      },
      baseline: {
        first_frame_ratio_many50: 'static HTML copy of the same 50 cards (same markup and styles, no script), same server, same browser, interleaved',
      },
      extra: {
        first_frame_ms_widget_p50: round(percentile(ms(widget), 50), 1),
        first_frame_ms_widget_p95: round(percentile(ms(widget), 95), 1),
        first_frame_ms_static_p50: round(percentile(ms(still), 50), 1),
        first_frame_ms_static_p95: round(percentile(ms(still), 95), 1),
        first_frame_ms_direct_p50: round(percentile(ms(direct), 50), 1),
        first_frame_phases_ms_widget_p50: phaseMedians(widget),
        first_frame_phases_ms_static_p50: phaseMedians(still),
        calls_proxy: calls(widget),
        calls_direct_page_load: calls(direct),
        chromium: browser.version(),
      },
      notes: {
        first_frame_ratio_many50:
          `${PAIRS} pairs of page loads, many50 (50 apps × 3 accounts) in proxy mode ÷ its static copy, order alternating; ` +
          'per load, navigation start to the end of the first frame with 50 app cards (requestAnimationFrame, then a task); ' +
          'median of the pairs\' ratios',
        requests_to_first_data_proxy: `fetch/XHR requests before the list was on screen, worst of ${PAIRS} proxy-mode page loads`,
        requests_to_first_data_direct_page_load:
          `the same for ${DIRECT_LOADS} direct-mode page loads (POST /consent/token, answered from the BFF's cache, then the ` +
          'list from MX): a page load starts without a token, which lives in the element\'s memory only',
      },
    };
  }),
};

const swap = <T>(a: T, b: T): [T, T] => [b, a];
