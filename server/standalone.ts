/**
 * `@consent-manager/bff/standalone`: the BFF as a server of its own (the `consent-manager-bff` command), and the
 * parts it is made of for a host that composes its own: configuration from the environment, security headers,
 * request logs, health, sessions, graceful shutdown.
 */
export { createBffApp, createBffStack, type BffAppOptions, type BffStack, type ReadinessCheck } from './app.js';
export { ConfigError, loadConfig, type BffConfig, type LoadOptions } from './config.js';
export { routerOptionsFromConfig, type MxEndpoint } from './from-config.js';
export { closeGracefully, listen, onShutdown } from './lifecycle.js';
export { createLogger, requestLogger, type Logger } from './logger.js';
export { BoundedMemoryStore, cookieName, createSessionMiddleware, type SessionOptions } from './session.js';
export { openSharedStores, type SharedStores } from './shared-stores.js';
/** The consent ledger from the environment: DATABASE_URL (PostgreSQL) or LEDGER_DIR (embedded), undo window, retention, admin. */
export { describeLedger, loadLedgerConfig, openLedger, type LedgerConfig } from './ledger-config.js';
