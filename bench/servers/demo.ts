// A bench child: the demo bank exactly as the tests start it (the standalone BFF with its helmet, request log and
// sessions, plus the demo's login and page), configured by BENCH_DEMO_ENV (JSON). With MX_BASE_URL it talks to a
// sandbox in another process, as a bank's BFF talks to MX; without, it embeds one as `npm start` does.
//
// Three bench-only routes sit in front of the demo on the same HTTP server, so that floors are served alike:
//   PUT /bench/static/<name>   stores a page (a static copy of the widget's rendered cards); GET serves it
//   GET /bench/memory   heap in use after a forced gc (run with --expose-gc)
// BENCH_LOG_TO_DEVNULL=1 logs at info level to /dev/null: the cost of each request line stays in, I/O stays out.
import { createWriteStream } from 'node:fs';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { onShutdown } from '@consent-manager/bff/standalone';
import { startTestDemo } from '@consent-manager/test-support/demo';

const env = JSON.parse(process.env.BENCH_DEMO_ENV ?? '{}') as Record<string, string>;
const users = process.env.BENCH_DEMO_USERS ? (JSON.parse(process.env.BENCH_DEMO_USERS) as Record<string, string>) : undefined;
const logStream = process.env.BENCH_LOG_TO_DEVNULL === '1' ? createWriteStream('/dev/null') : undefined;
const demo = await startTestDemo({ env, users, logStream });

const staticPages = new Map<string, string>();
const gc = (globalThis as { gc?: () => void }).gc;
const demoListeners = demo.server.listeners('request') as Array<(req: IncomingMessage, res: ServerResponse) => void>;
demo.server.removeAllListeners('request');
demo.server.on('request', (req: IncomingMessage, res: ServerResponse) => {
  const name = /^\/bench\/static\/([\w-]{1,40})$/.exec(req.url ?? '')?.[1];
  if (name && req.method === 'PUT') {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c)).on('end', () => {
      staticPages.set(name, Buffer.concat(chunks).toString('utf8'));
      res.writeHead(204).end();
    });
  } else if (name) {
    const page = staticPages.get(name);
    res.writeHead(page ? 200 : 404, { 'content-type': 'text/html; charset=utf-8', 'cache-control': 'no-store' }).end(page ?? 'no such page');
  } else if (req.url === '/bench/memory') {
    gc?.();
    gc?.();
    res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ ...process.memoryUsage(), gc: !!gc }));
  } else {
    for (const listener of demoListeners) listener(req, res);
  }
});
onShutdown(() => demo.close());
console.log(JSON.stringify({ url: demo.ownUrl }));
