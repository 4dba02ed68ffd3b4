import { access } from 'node:fs/promises';
import type { Browser } from 'playwright-core';
import { launchChromium } from '@consent-manager/test-support/browser';
import { spawnServer } from './spawn.js';
import { BUNDLE, buildWidget } from './build.js';

/**
 * The demo bank in its own process and a headless Chromium beside it, for the browser measurements.
 * Rate limits are lifted: dozens of page loads a minute for one customer are the bench, not an attack.
 */
export async function withDemoInBrowser<T>(use: (url: string, browser: Browser) => Promise<T>): Promise<T> {
  await access(BUNDLE).catch(() => buildWidget());
  const demo = await spawnServer<{ url: string }>('demo', {
    BENCH_DEMO_ENV: JSON.stringify({ RATE_LIMIT_TOKEN_PER_MINUTE: '1000000000', RATE_LIMIT_READS_PER_MINUTE: '1000000000', RATE_LIMIT_WRITES_PER_MINUTE: '1000000000' }),
  });
  try {
    const browser = await launchChromium();
    try {
      return await use(demo.info.url, browser);
    } finally {
      await browser.close();
    }
  } finally {
    await demo.stop();
  }
}
