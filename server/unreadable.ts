import type { Request, Response } from 'express';
import type { UnreadableConsent } from '@consent-manager/contract';
import { hashId } from './customer-hash.js';
import { requestIds, type Logger } from './logger.js';

/** Records named per log line: an upstream whose every record went bad would otherwise write the whole list. */
const LOGGED_RECORDS = 20;

/**
 * One warning per answer of MX that held records no client can act on (contract's `readConsents`): the support desk
 * finds the customer's records by id, and nothing is sent to MX for them. `where`: which call read the list.
 */
export function logUnreadable(
  log: Logger | undefined, req: Request, res: Response, customerId: string, where: string, unreadable: UnreadableConsent[],
): void {
  if (!log || unreadable.length === 0) return;
  log.warn({
    event: 'upstream_unreadable_consents', customer: hashId(customerId), where, count: unreadable.length,
    records: unreadable.slice(0, LOGGED_RECORDS).map(({ id, index, reason }) => ({ consent_id: id, index, reason })),
    ...requestIds(req, res),
  }, 'consent records MX sent could not be read; the others were used');
}
