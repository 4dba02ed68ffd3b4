// A bench child: the MX sandbox alone, in its own process as MX is, for BFF processes and the bare app to call.
// BENCH_SANDBOX_AUTO_PROVISION=1 gives every well-formed unknown customer a generated set (the load's customers).
import { onShutdown } from '@consent-manager/bff/standalone';
import { startSandbox } from '@consent-manager/mx-sandbox';

const mx = await startSandbox({
  clientId: process.env.BENCH_CLIENT_ID ?? 'bench-bank',
  clientSecret: process.env.BENCH_CLIENT_SECRET ?? 'bench-secret-unused',
  autoProvision: process.env.BENCH_SANDBOX_AUTO_PROVISION === '1',
});
onShutdown(() => mx.close());
console.log(JSON.stringify({ url: mx.url }));
