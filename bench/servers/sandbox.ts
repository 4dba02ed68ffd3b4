// A bench child: the MX sandbox alone, for BFF instances started as separate processes.
import { onShutdown } from '../../server/lifecycle.js';
import { startSandbox } from '../../demo/sandbox/server.js';

const mx = await startSandbox({
  clientId: process.env.BENCH_CLIENT_ID ?? 'bench-bank',
  clientSecret: process.env.BENCH_CLIENT_SECRET ?? 'bench-secret-unused',
});
onShutdown(() => mx.close());
console.log(JSON.stringify({ url: mx.url }));
