import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import helmet from 'helmet';
import { createConsentRouter, createLedgerAdminRouter, type ConsentRouter, type LedgerChange } from '@consent-manager/bff';
import {
  closeGracefully, createBffStack, createLogger, listen, openLedger, openSharedStores, routerOptionsFromConfig, type BffConfig, type LedgerConfig,
  type Logger, type MxEndpoint,
} from '@consent-manager/bff/standalone';
import { createSandbox, DEMO_CUSTOMERS, type Sandbox, type SandboxOptions } from '@consent-manager/mx-sandbox';
import { createPlayground } from './playground.js';
import { mountDemoSite } from './site.js';

export interface DemoOptions {
  config: BffConfig;
  logger?: Logger;
  /** Where browsers reach this server when not at its own address (a test runner's proxy). */
  publicUrl?: string;
  /** Demo login name → `openid_connect_user_id`; the sandbox's customers by default. */
  users?: Record<string, string>;
  /** Options for the embedded sandbox (used when no MX_BASE_URL is configured). */
  sandbox?: Partial<Omit<SandboxOptions, 'publicUrl' | 'clientId' | 'clientSecret'>>;
  /** Where the consent ledger lives (`loadLedgerConfig`); an in-memory one when absent. */
  ledger?: LedgerConfig;
  /** Told of each change the ledger's worker settles. */
  onSettled?: (change: LedgerChange) => void;
}

export interface RunningDemo {
  url: string;
  server: Server;
  router: ConsentRouter;
  /** The embedded MX sandbox, mounted at `/mx`; absent against a real MX. */
  sandbox?: Sandbox;
  close(): Promise<void>;
}

const here = (p: string) => fileURLToPath(new URL(p, import.meta.url));
/** The element package's drop-in build (`npm run build`), found through its public package entry. */
const bundleDir = () => fileURLToPath(new URL('./dist/', import.meta.resolve('@consent-manager/element/package.json')));

/**
 * The demo bank: its login and page, the BFF at the mount path, and (without MX_BASE_URL) an MX sandbox
 * at `/mx` that the BFF reaches over real HTTP on loopback, with credentials made up at each start.
 */
export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const { server, url: ownUrl } = await listen(config.port, config.host, undefined, { maxConnections: config.maxConnections });
  const publicUrl = opts.publicUrl ?? ownUrl;

  let sandbox: Sandbox | undefined;
  let mx: MxEndpoint;
  if (config.mx.baseUrl) {
    mx = { baseUrl: config.mx.baseUrl, publicBaseUrl: config.mx.publicBaseUrl, clientId: config.mx.clientId!, clientSecret: config.mx.clientSecret! };
  } else {
    mx = { baseUrl: `${ownUrl}/mx`, publicBaseUrl: `${publicUrl}/mx`, clientId: 'demo-bank', clientSecret: randomBytes(24).toString('base64url') };
    sandbox = createSandbox({ ...opts.sandbox, clientId: mx.clientId, clientSecret: mx.clientSecret, publicUrl: `${publicUrl}/mx` });
  }

  // With Redis, several demo instances behind one load balancer act as one, given one MX (MX_BASE_URL).
  // An embedded sandbox is this process's own MX: tokens it signed mean nothing to another instance's sandbox,
  // nor to this one's after a restart, so its keys are kept apart.
  if (sandbox && config.redis) logger.warn('Redis with the embedded sandbox: set MX_BASE_URL to share state between instances');
  const redisPrefix = sandbox ? `${config.redisPrefix}sandbox-${randomBytes(6).toString('hex')}:` : config.redisPrefix;
  const shared = await openSharedStores({ ...config, redisPrefix }, logger);
  const fromConfig = routerOptionsFromConfig(config, mx);
  const allowedOrigins = [...config.allowedOrigins, new URL(publicUrl).origin];
  const ledgerConfig = opts.ledger ?? { dir: 'memory://', router: {} };
  const ledger = await openLedger(ledgerConfig);
  const router = createConsentRouter({
    ...fromConfig,
    allowedOrigins,
    logger,
    ledger: { ...ledgerConfig.router, store: ledger, onSettled: opts.onSettled },
    ...shared.router,
  });

  // The playground's fixture BFF mounts act as fixed sandbox customers: never in front of a real MX.
  const playground = sandbox
    ? createPlayground({
      upstream: { ...fromConfig.upstream, publicBaseUrl: undefined, singleUseTokens: undefined },
      allowedOrigins,
      logger,
    })
    : undefined;

  const stack = createBffStack({
    ...shared.app,
    config,
    // A secret made up per start: sessions end with the process, which is what a demo wants.
    sessionSecret: config.session.secret ?? randomBytes(32).toString('base64url'),
    logger,
    guard: router.guard,
  });

  const app = express();
  app.set('trust proxy', config.trustProxy);
  app.set('x-powered-by', false);
  if (sandbox) app.use('/mx', sandbox.handler);
  app.use(stack.before);
  if (ledgerConfig.admin) app.use(ledgerConfig.admin.path, createLedgerAdminRouter({ ledger, token: ledgerConfig.admin.token, logger }));
  // The bank's pages, unlike the BFF's JSON, load the element, its styles and app logos.
  app.use(helmet.contentSecurityPolicy({ directives: pageCsp(config) }));
  mountDemoSite(app, {
    users: opts.users ?? { ...DEMO_CUSTOMERS },
    router,
    mountPath: config.mountPath,
    modes: config.mode === 'both' ? ['proxy', 'direct'] : [config.mode],
    bundleDir: bundleDir(),
    staticDir: here('./public'),
    playground,
    allowedOrigins,
  });
  app.use(config.mountPath, router);
  app.use(stack.after);
  server.on('request', app);

  return {
    url: publicUrl,
    server,
    router,
    sandbox,
    async close() {
      await closeGracefully(server, 2_000);
      await router.close();
      await ledger.close();
      await playground?.close();
      await shared.close();
    },
  };
}

/** Strict: no inline script or style; direct mode may call the MX host the browser is given. */
function pageCsp(config: BffConfig): Record<string, string[] | null> {
  // The embedded sandbox is this origin's own /mx.
  const direct = config.mode !== 'proxy' ? config.mx.publicBaseUrl ?? config.mx.baseUrl : undefined;
  return {
    'upgrade-insecure-requests': config.session.secureCookie ? [] : null,
    'style-src': ["'self'"],
    'img-src': ["'self'", 'https:'],
    'connect-src': direct ? ["'self'", new URL(direct).origin] : ["'self'"],
  };
}
