import { randomBytes } from 'node:crypto';
import type { Server } from 'node:http';
import { fileURLToPath } from 'node:url';
import express from 'express';
import { createBffApp } from '../server/app.js';
import type { BffConfig } from '../server/config.js';
import { closeGracefully, listen } from '../server/lifecycle.js';
import { createLogger, type Logger } from '../server/logger.js';
import { createConsentRouter, type ConsentRouter } from '../server/router.js';
import { openSharedStores } from '../server/shared-stores.js';
import { createSandbox, type Sandbox, type SandboxOptions } from './sandbox/app.js';
import { DEMO_CUSTOMERS } from './sandbox/seed.js';
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

/**
 * The demo bank: its login and page, the BFF at the mount path, and (without MX_BASE_URL) an MX sandbox
 * at `/mx` that the BFF reaches over real HTTP on loopback, with credentials made up at each start.
 */
export async function startDemo(opts: DemoOptions): Promise<RunningDemo> {
  const { config } = opts;
  const logger = opts.logger ?? createLogger(config.logLevel);
  const { server, url: ownUrl } = await listen(config.port, config.host);
  const publicUrl = opts.publicUrl ?? ownUrl;

  let sandbox: Sandbox | undefined;
  let mx: { baseUrl: string; publicBaseUrl?: string; clientId: string; clientSecret: string };
  if (config.mx.baseUrl) {
    mx = { baseUrl: config.mx.baseUrl, publicBaseUrl: config.mx.publicBaseUrl, clientId: config.mx.clientId!, clientSecret: config.mx.clientSecret! };
  } else {
    mx = { baseUrl: `${ownUrl}/mx`, publicBaseUrl: `${publicUrl}/mx`, clientId: 'demo-bank', clientSecret: randomBytes(24).toString('base64url') };
    sandbox = createSandbox({ ...opts.sandbox, clientId: mx.clientId, clientSecret: mx.clientSecret, publicUrl: `${publicUrl}/mx` });
  }

  // With REDIS_URL, several demo instances behind one load balancer act as one, given one MX (MX_BASE_URL).
  // An embedded sandbox is this process's own MX: tokens it signed mean nothing to another instance's sandbox,
  // nor to this one's after a restart, so its keys are kept apart.
  if (sandbox && config.redisUrl) logger.warn('REDIS_URL with the embedded sandbox: set MX_BASE_URL to share state between instances');
  const redisPrefix = sandbox ? `${config.redisPrefix}sandbox-${randomBytes(6).toString('hex')}:` : config.redisPrefix;
  const shared = await openSharedStores({ ...config, redisPrefix }, logger);
  const router = createConsentRouter({
    upstream: {
      baseUrl: mx.baseUrl,
      publicBaseUrl: mx.publicBaseUrl,
      version: config.mx.version,
      clientId: mx.clientId,
      clientSecret: mx.clientSecret,
      timeouts: config.mx.timeouts,
      singleUseTokens: config.mx.singleUseTokens,
    },
    mode: config.mode,
    allowedOrigins: [...config.allowedOrigins, new URL(publicUrl).origin],
    limits: config.limits,
    logger,
    ...shared.router,
  });

  // The playground's fixture BFF mounts act as fixed sandbox customers: never in front of a real MX.
  const playground = sandbox
    ? createPlayground({
      upstream: { baseUrl: mx.baseUrl, version: config.mx.version, clientId: mx.clientId, clientSecret: mx.clientSecret, timeouts: config.mx.timeouts },
      allowedOrigins: [...config.allowedOrigins, new URL(publicUrl).origin],
      logger,
    })
    : undefined;

  const bff = createBffApp({
    ...shared.app,
    config,
    // A secret made up per start: sessions end with the process, which is what a demo wants.
    sessionSecret: config.session.secret ?? randomBytes(32).toString('base64url'),
    logger,
    router,
    extend: (app) => mountDemoSite(app, {
      users: opts.users ?? { ...DEMO_CUSTOMERS },
      router,
      mountPath: config.mountPath,
      modes: config.mode === 'both' ? ['proxy', 'direct'] : [config.mode],
      bundleDir: here('../dist'),
      staticDir: here('./public'),
      playground,
    }),
  });

  const app = express();
  app.set('x-powered-by', false);
  if (sandbox) app.use('/mx', sandbox.handler);
  app.use(bff);
  server.on('request', app);

  return {
    url: publicUrl,
    server,
    router,
    sandbox,
    async close() {
      await closeGracefully(server, 2_000);
      await router.close();
      await playground?.close();
      await shared.close();
    },
  };
}
