// Widget tests in real headless Chromium against a real backend: the demo bank (BFF + MX sandbox) runs
// in this process, and the test page's own origin proxies /consent, /demo, /mx and the playground's BFF mounts to it, so cookies,
// CSRF and Origin checks behave as in a bank's page. Run through `node --import tsx` (npm run test:web).
import { request } from 'node:http';
import { createServer } from 'node:net';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { esbuildPlugin } from '@web/dev-server-esbuild';
import { chromeLauncher } from '@web/test-runner-chrome';
import { CHROMIUM_ARGS, chromiumPath } from './test/support/browser.ts';
import { startTestDemo } from './test/support/demo.ts';
import { bundlerBuild, distSizes } from './test/support/first-screen.ts';

const port = await freePort();
// Every widget test acts as the same few customers within a minute (and each sandbox reset or logout costs a token
// fetch, each stop-all several writes): the per-customer read, token and write limits would trip. The sandbox's request log keeps Authorization verbatim
// for the tests that check which token the widget sent. The consent ledger in a directory of its own, as `npm start`
// keeps it: opened at start, not by the first change.
const ledgerDir = mkdtempSync(join(tmpdir(), 'consent-ledger-wtr-'));
const demo = await startTestDemo({
  publicUrl: `http://localhost:${port}`,
  env: { RATE_LIMIT_READS_PER_MINUTE: '100000', RATE_LIMIT_TOKEN_PER_MINUTE: '100000', RATE_LIMIT_WRITES_PER_MINUTE: '100000', LEDGER_DIR: ledgerDir },
  sandbox: { recordAuthorization: true },
});
const backend = new URL(demo.ownUrl);
const PROXIED = /^\/(consent|demo|mx|playground\/bff)(\/|$)/;

export default {
  files: 'test/widget/**/*.test.ts',
  port,
  hostname: 'localhost',
  nodeResolve: true,
  concurrency: 1,
  // Room for a loaded machine (`npm run under-load -- 8 -- npm test`): a test's own waits bound what it waits for.
  testFramework: { config: { timeout: 30_000 } },
  browserStartTimeout: 120_000,
  testsStartTimeout: 120_000,
  plugins: [workspaceSources(), firstScreenCommands(), esbuildPlugin({ ts: true, target: 'auto', tsconfig: fileURLToPath(new URL('./tsconfig.json', import.meta.url)) })],
  middleware: [
    (ctx, next) => (PROXIED.test(ctx.path) ? proxy(ctx) : next()),
  ],
  browsers: [
    chromeLauncher({
      launchOptions: {
        executablePath: chromiumPath(),
        headless: true,
        args: [...CHROMIUM_ARGS, '--headless=new'],
      },
    }),
  ],
  coverageConfig: {
    include: ['widget/**/*.ts'],
    threshold: { statements: 80, branches: 70, functions: 80, lines: 80 },
  },
  testsFinishTimeout: 600_000,
};

/**
 * test/widget/bundle.test.ts weighs what a page loaded, and a bundler user's build, in Node (gzip -9, Vite). A build
 * can outlast the 20 s a command may take to answer: `bundler-build` starts it, `bundler-result` answers once done.
 */
function firstScreenCommands() {
  let building;
  let outcome;
  return {
    name: 'first-screen',
    executeCommand({ command, payload }) {
      if (command === 'dist-sizes') return distSizes(payload.files);
      if (command === 'bundler-build') {
        building ??= bundlerBuild().then((result) => (outcome = { result }), (e) => (outcome = { error: String(e?.stack ?? e) }));
        return true;
      }
      if (command === 'bundler-result') return outcome ?? { pending: true };
      return undefined;
    },
  };
}

process.once('exit', () => {
  demo.server.closeAllConnections();
  rmSync(ledgerDir, { recursive: true, force: true });
});

function proxy(ctx) {
  ctx.respond = false;
  return new Promise((resolve) => {
    const upstream = request({
      host: backend.hostname, port: backend.port, method: ctx.method, path: ctx.originalUrl, headers: ctx.req.headers,
    }, (res) => {
      ctx.res.writeHead(res.statusCode ?? 502, res.rawHeaders);
      res.pipe(ctx.res);
      res.on('end', resolve);
    });
    upstream.on('error', () => {
      if (!ctx.res.headersSent) ctx.res.writeHead(502);
      ctx.res.end();
      resolve();
    });
    ctx.req.pipe(upstream);
  });
}

function freePort() {
  return new Promise((resolve, reject) => {
    const srv = createServer();
    srv.once('error', reject);
    srv.listen(0, 'localhost', () => {
      const { port: p } = srv.address();
      srv.close(() => resolve(p));
    });
  });
}

/** The packages' names (`@consent-manager/contract`, ...) to their sources, as tsconfig.base.json maps them for tsc. */
function workspaceSources() {
  const base = readFileSync(new URL('./tsconfig.base.json', import.meta.url), 'utf8').replace(/^\s*\/\/.*$/gm, '');
  const paths = JSON.parse(base).compilerOptions.paths;
  return {
    name: 'workspace-sources',
    resolveImport({ source }) {
      const target = paths[source]?.[0];
      return target ? target.replace(/^\./, '') : undefined;
    },
  };
}
