// A bench child: the demo bank exactly as the tests start it, configured by BENCH_DEMO_ENV (JSON).
import { onShutdown } from '@consent-manager/bff/standalone';
import { startTestDemo } from '@consent-manager/test-support/demo';

const env = JSON.parse(process.env.BENCH_DEMO_ENV ?? '{}') as Record<string, string>;
const demo = await startTestDemo({ env });
onShutdown(() => demo.close());
console.log(JSON.stringify({ url: demo.ownUrl }));
