// Composition root of the standalone BFF: it shares the bank's session store (REDIS_URL) and secret,
// reads the customer id the bank's login stored under SESSION_CUSTOMER_KEY, and serves the consent router.
import { createBffApp } from './app.js';
import { ConfigError, loadConfig } from './config.js';
import { createLedgerAdminRouter } from './ledger-admin.js';
import { describeLedger, loadLedgerConfig, openLedger } from './ledger-config.js';
import { closeGracefully, listen, onShutdown } from './lifecycle.js';
import { routerOptionsFromConfig } from './from-config.js';
import { createLogger } from './logger.js';
import { createConsentRouter } from './router.js';
import { openSharedStores } from './shared-stores.js';

async function main(): Promise<void> {
  const config = loadConfig(process.env, { requireUpstream: true });
  const logger = createLogger(config.logLevel);
  if (!config.session.secret) throw new ConfigError(['SESSION_SECRET: required (the secret your online banking signs sessions with)']);
  const customerKey = config.session.customerKey;
  const ledgerConfig = loadLedgerConfig(process.env);
  const shared = await openSharedStores(config, logger);
  const ledger = await openLedger(ledgerConfig);
  const router = createConsentRouter({
    ...routerOptionsFromConfig(config),
    getCustomerId: (req) => (req.session as unknown as Record<string, unknown> | undefined)?.[customerKey] as string | undefined,
    logger,
    ledger: { ...ledgerConfig.router, store: ledger },
    ...shared.router,
  });
  const app = createBffApp({
    config, sessionSecret: config.session.secret, logger, router, ...shared.app,
    // The bank's export and lookup routes: only with their own credential, LEDGER_ADMIN_TOKEN.
    mounts: ledgerConfig.admin
      ? { [ledgerConfig.admin.path]: createLedgerAdminRouter({ ledger, token: ledgerConfig.admin.token, logger }) }
      : undefined,
  });
  const { server, url } = await listen(config.port, config.host, app, { maxConnections: config.maxConnections });
  logger.info({ url, mount: config.mountPath, mode: config.mode, ledger: describeLedger(ledgerConfig) }, 'consent BFF listening');
  onShutdown(async () => {
    await closeGracefully(server);
    await router.close();
    await ledger.close();
    await shared.close();
  });
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
