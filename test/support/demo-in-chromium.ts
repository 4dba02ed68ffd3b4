import { after, before, beforeEach } from 'node:test';
import type { Browser, BrowserContext, BrowserContextOptions } from 'playwright-core';
import { launchChromium } from './browser.js';
import { startTestDemo, type TestDemo, type TestDemoOptions } from './demo.js';

export interface DemoInChromium {
  readonly demo: TestDemo;
  /** The context of the running test, if it opened one. */
  readonly context: BrowserContext | undefined;
  /** A context for the running test; the one it opened before is closed first. */
  newContext(options?: BrowserContextOptions): Promise<BrowserContext>;
}

/**
 * Registers with node:test, in the calling suite: Chromium and the demo started once, and every test starting on a
 * reset sandbox with no context left open by the one before it. `eachTest` is what the suite resets besides.
 */
export function demoInChromium(options: TestDemoOptions = {}, eachTest?: (demo: TestDemo) => unknown): DemoInChromium {
  let browser: Browser;
  let demo: TestDemo;
  let context: BrowserContext | undefined;
  const closeContext = async () => {
    await context?.close();
    context = undefined;
  };

  before(async () => {
    [browser, demo] = await Promise.all([launchChromium(), startTestDemo(options)]);
  });
  after(async () => {
    await context?.close();
    await browser?.close();
    await demo?.close();
  });
  beforeEach(async () => {
    await closeContext();
    demo.sandbox!.reset();
    await eachTest?.(demo);
  });

  return {
    get demo() { return demo; },
    get context() { return context; },
    async newContext(contextOptions) {
      await closeContext();
      context = await browser.newContext(contextOptions);
      return context;
    },
  };
}
