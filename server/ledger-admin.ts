/**
 * The bank's side of the ledger over HTTP: export a date range, look up one customer's changes. Not mounted by
 * default, and behind its own credential (not the customer's session):
 * `app.use('/consent-admin', createLedgerAdminRouter({ ledger, token: process.env.LEDGER_ADMIN_TOKEN }))`.
 * Put it where only the bank's staff tools can reach it.
 */
import { createHash, timingSafeEqual } from 'node:crypto';
import { once } from 'node:events';
import express, { type Router } from 'express';
import { hashId } from './customer-hash.js';
import { errorHandler, HttpError, sendError } from './errors.js';
import type { Ledger } from './ledger.js';
import { lookUpCustomer, parseInstant, writeExport, type ExportFormat } from './ledger-export.js';
import type { Logger } from './logger.js';

export interface LedgerAdminOptions {
  ledger: Ledger;
  /** A random secret of at least 32 characters, sent as `Authorization: Bearer <token>`. */
  token: string;
  logger?: Logger;
}

const digest = (s: string) => createHash('sha256').update(s).digest();

export function createLedgerAdminRouter(opts: LedgerAdminOptions): Router {
  if (typeof opts.token !== 'string' || opts.token.length < 32) {
    throw new TypeError('createLedgerAdminRouter: token must be a secret of at least 32 characters');
  }
  const expected = digest(opts.token);
  const router = express.Router();

  router.use((req, res, next) => {
    const match = /^Bearer ([\x21-\x7e]{1,512})$/.exec(req.get('authorization') ?? '');
    // Digests first, so the comparison takes the same time whatever the length of what was sent.
    if (!match || !timingSafeEqual(digest(match[1]!), expected)) {
      res.set('WWW-Authenticate', 'Bearer realm="consent ledger"');
      return sendError(res, 401, 'unauthorized', 'A valid ledger admin token is required.');
    }
    res.set('Cache-Control', 'no-store');
    next();
  });

  router.get('/changes', async (req, res) => {
    const from = parseInstant(req.query.from);
    const to = parseInstant(req.query.to);
    const format = (req.query.format ?? 'json') as ExportFormat;
    if (!from || !to) throw new HttpError(400, 'invalid_range', 'Give "from" and "to" as YYYY-MM-DD or ISO-8601 times.');
    if (to <= from) throw new HttpError(400, 'invalid_range', '"to" must be after "from".');
    if (format !== 'csv' && format !== 'json') throw new HttpError(400, 'invalid_format', '"format" must be csv or json.');
    const name = `consent-ledger-${from.toISOString().slice(0, 10)}-${to.toISOString().slice(0, 10)}.${format}`;
    res.type(format === 'csv' ? 'text/csv; charset=utf-8' : 'application/json');
    res.set('Content-Disposition', `attachment; filename="${name}"`);
    const count = await writeExport(opts.ledger.exportRange(from, to), format, async (chunk) => {
      if (!res.write(chunk)) await once(res, 'drain');
    });
    res.end();
    opts.logger?.info({ event: 'ledger_export', from: from.toISOString(), to: to.toISOString(), format, rows: count }, 'ledger exported');
  });

  router.get('/customers/:customerId/changes', async (req, res) => {
    const customerId = String(req.params.customerId);
    const limit = req.query.limit === undefined ? 200 : Number(req.query.limit);
    if (!Number.isInteger(limit) || limit < 1 || limit > 5000) throw new HttpError(400, 'invalid_limit', '"limit" must be 1 to 5000.');
    const customer = hashId(customerId);
    res.json({ customer, changes: await lookUpCustomer(opts.ledger, customer, limit) });
    opts.logger?.info({ event: 'ledger_lookup', customer }, 'ledger customer lookup');
  });

  router.use((_req, res) => sendError(res, 404, 'not_found', 'No such route.'));
  router.use(errorHandler((err) => opts.logger?.error({ err: (err as Error).message }, 'ledger admin error')));
  return router;
}
