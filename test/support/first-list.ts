// What "before the first list" means, for every first-screen figure: test/widget/bundle.test.ts (the size ratchet,
// in web-test-runner's page) and bench/measure/bundle.ts (the demo bank's page in Chromium) both run this page-side
// code, so the two cannot drift apart. Kept as source text (browser-safe, no imports): tsx wraps named functions in a
// `__name` helper that does not exist in a page, and the bench injects it as an init script.

/**
 * Runs from before the drop-in script is requested. Looks for the first app card (`part="app"`, the element's
 * documented styling surface) in every animation frame, and sets `window.firstListAt` to `performance.now()` in the
 * frame callback that first finds it: that frame is the first with the list on screen, so what was requested after
 * it (the record below the list, the parts' words, the stop dialog) was not needed for it.
 *
 * `window.firstListFiles()` then resolves to the drop-in files (`consent-manager.js` and its
 * `consent-manager-<name>-<hash>.js` chunks, as file names) whose request started at or before that frame. A
 * resource entry appears only once its response is complete, so it answers once the page is loaded and the main
 * thread was idle after the first list (a chunk requested before the frame cannot be missed for being in flight).
 */
export const FIRST_LIST_PROBE = `(() => {
  let seen;
  const shown = new Promise((resolve) => { seen = resolve; });
  const frame = () => {
    const root = document.querySelector('consent-manager')?.shadowRoot;
    if (root?.querySelector('[part~="app"]')) seen(window.firstListAt = performance.now());
    else requestAnimationFrame(frame);
  };
  requestAnimationFrame(frame);
  const loaded = new Promise((resolve) => (document.readyState === 'complete' ? resolve() : addEventListener('load', resolve, { once: true })));
  window.firstListFiles = async () => {
    const at = await shown;
    await loaded;
    await new Promise((resolve) => requestIdleCallback(resolve, { timeout: 2000 }));
    return performance.getEntriesByType('resource')
      .filter((e) => e.startTime <= at)
      .map((e) => new URL(e.name).pathname.split('/').pop())
      .filter((f) => /^consent-manager[\\w.-]*\\.js$/.test(f));
  };
})();`;
