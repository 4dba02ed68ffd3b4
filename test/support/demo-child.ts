// A child process for tests that measure the BFF apart from the test's own event loop (its memory, its answers
// under a flood): the demo bank as the tests start it, configured by DEMO_ENV (JSON); prints {url, pid} once listening.
import { onShutdown } from '@consent-manager/bff/standalone';
import { startTestDemo } from './demo.js';

const demo = await startTestDemo({ env: JSON.parse(process.env.DEMO_ENV ?? '{}') as Record<string, string> });
onShutdown(() => demo.close());
console.log(JSON.stringify({ url: demo.ownUrl, pid: process.pid }));
