/**
 * `@consent-manager/bff`: what a bank needs to mount the BFF in its own Express app. Its CSRF and Origin guard goes
 * before the bank's session middleware, so that a forged request is refused before the session store is read; the
 * router itself after it:
 *
 *     const consent = createConsentRouter({ upstream, getCustomerId: (req) => req.session.user?.sub });
 *     app.use('/consent', consent.guard);
 *     app.use(session({ ... }));
 *     app.use('/consent', consent, errorHandler(log));
 *
 * Shared Redis stores: `@consent-manager/bff/redis`. The standalone server: `@consent-manager/bff/standalone`.
 */
export { createConsentRouter, type ConsentRouter, type ConsentRouterOptions } from './router.js';
/**
 * Answers what the router throws (bad input, upstream failures) as its JSON error shape. Mount it right after the
 * router, on the same path, so the bank's own error pages stay as they are:
 * `app.use('/consent', createConsentRouter(opts), errorHandler((err) => log.error(err)))`.
 */
export { errorHandler, sendError } from './errors.js';
export type { UpstreamOptions, UpstreamTimeouts } from './upstream.js';
export { createMemoryTokenStore, type CachedToken, type TokenStore } from './token-store.js';
/** pino, with authorization, cookies, tokens and secrets redacted: for the router's `logger` option. */
export { createLogger, type Logger } from './logger.js';
/**
 * The consent ledger: pass `ledger: { store, undoSeconds, ... }` to the router. PostgreSQL needs the optional
 * peer `pg`; the embedded default (PGlite) needs nothing. A bank's own store implements `Ledger`.
 */
export type { ClaimedChange, Ledger, LedgerChange, NewChange, RetryPlan, Settlement } from './ledger.js';
export type { LedgerOptions } from './ledger-setup.js';
export { createSqlLedger, type SqlClient } from './ledger-sql.js';
export { createPostgresLedger, type PgPool, type PostgresLedgerOptions } from './ledger-postgres.js';
export { createEmbeddedLedger, type EmbeddedLedgerOptions } from './ledger-pglite.js';
export { MIGRATIONS, migrate, type Migration } from './ledger-migrations.js';
export { createLedgerAdminRouter, type LedgerAdminOptions } from './ledger-admin.js';
export type { ChangeRecord, ErrorBody, StopAllProgress, TokenResponse } from '@consent-manager/contract';
