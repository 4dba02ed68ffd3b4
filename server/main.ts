// Composition root of the standalone BFF: it shares the bank's session store (REDIS_URL) and secret,
// reads the customer id the bank's login stored under SESSION_CUSTOMER_KEY, and serves the consent router.
import { createBffApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { closeGracefully, listen, onShutdown } from './lifecycle.js';
import { createLogger } from './logger.js';
import { createConsentRouter } from './router.js';
import { openSharedStores } from './shared-stores.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireUpstream: true });
  const logger = createLogger(config.logLevel);
  if (!config.session.secret) throw new ConfigError(['SESSION_SECRET: required (the secret your online banking signs sessions with)']);
  const customerKey = config.session.customerKey;
  const shared = await openSharedStores(config, logger);
  const router = createConsentRouter({
    upstream: {
      baseUrl: config.mx.baseUrl!,
      publicBaseUrl: config.mx.publicBaseUrl,
      version: config.mx.version,
      clientId: config.mx.clientId!,
      clientSecret: config.mx.clientSecret!,
      timeouts: config.mx.timeouts,
      singleUseTokens: config.mx.singleUseTokens,
    },
    getCustomerId: (req) => (req.session as unknown as Record<string, unknown> | undefined)?.[customerKey] as string | undefined,
    mode: config.mode,
    allowedOrigins: config.allowedOrigins,
    limits: config.limits,
    logger,
    ...shared.router,
  });
  const app = createBffApp({ config, sessionSecret: config.session.secret, logger, router, ...shared.app });
  const { server, url } = await listen(config.port, config.host, app);
  logger.info({ url, mount: config.mountPath, mode: config.mode }, 'consent BFF listening');
  onShutdown(async () => {
    await closeGracefully(server);
    await router.close();
    await shared.close();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
