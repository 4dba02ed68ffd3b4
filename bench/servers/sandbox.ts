// A bench child: the MX sandbox alone, for BFF instances started as separate processes.
import { onShutdown } from '@consent-manager/bff/standalone';
import { startSandbox } from '@consent-manager/mx-sandbox';

const mx = await startSandbox({
  clientId: process.env.BENCH_CLIENT_ID ?? 'bench-bank',
  clientSecret: process.env.BENCH_CLIENT_SECRET ?? 'bench-secret-unused',
});
onShutdown(() => mx.close());
console.log(JSON.stringify({ url: mx.url }));
