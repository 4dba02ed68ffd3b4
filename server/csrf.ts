import type { Request, RequestHandler } from 'express';
import { CSRF_HEADER } from '@consent-manager/contract';
import { sendError } from './errors.js';

/**
 * Duende.BFF's anti-forgery rule: a static custom header cannot be sent cross-origin without a CORS
 * preflight, which we never grant, so a forged form post or `no-cors` fetch is refused here, before
 * the session is read or anything reaches MX. An `Origin`, when the browser sends one, must be ours.
 */
export function csrfGuard(allowedOrigins: readonly string[]): RequestHandler {
  const allowed = new Set(allowedOrigins.map((o) => o.replace(/\/+$/, '')));
  return (req, res, next) => {
    if (req.get(CSRF_HEADER) !== '1') {
      return sendError(res, 403, 'csrf_header_missing', `The ${CSRF_HEADER}: 1 header is required.`);
    }
    const origin = req.get('origin');
    if (origin !== undefined && origin !== ownOrigin(req) && !allowed.has(origin)) {
      return sendError(res, 403, 'origin_forbidden', 'Requests from this origin are not allowed.');
    }
    next();
  };
}

function ownOrigin(req: Request): string {
  return `${req.protocol}://${req.get('host') ?? ''}`;
}
