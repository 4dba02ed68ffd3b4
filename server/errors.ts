import type { ErrorRequestHandler, Response } from 'express';
import type { ErrorBody } from '@consent-manager/contract';

/** An error whose status and stable code are safe to show to the browser. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly headers: Record<string, string> = {},
  ) {
    super(message);
    this.name = 'HttpError';
  }
}

export function sendError(res: Response, status: number, code: string, message: string): void {
  const body: ErrorBody = { error: { code, message } };
  res.status(status).set('Cache-Control', 'no-store').json(body);
}

interface BodyParserError {
  type?: string;
  status?: number;
}

/**
 * Turns anything thrown into the JSON error shape. Only HttpError messages reach the browser:
 * any other error may carry upstream details or secrets, so it is logged and answered generically.
 * `storeUnavailable` recognises a shared store's outage (Redis), which is answered 503 and not logged
 * per request: the store's own connection logs the outage once.
 */
export function errorHandler(
  log: (err: unknown, req: Parameters<ErrorRequestHandler>[1]) => void,
  storeUnavailable?: (err: unknown) => boolean,
): ErrorRequestHandler {
  return (err, req, res, next) => {
    if (res.headersSent) return next(err);
    if (err instanceof HttpError) {
      res.set(err.headers);
      return sendError(res, err.status, err.code, err.message);
    }
    if (storeUnavailable?.(err)) {
      res.set('Retry-After', '1');
      return sendError(res, 503, 'session_store_unavailable', 'Sessions are unavailable for a moment; try again shortly.');
    }
    // Express's router rejects an undecodable `%` escape in a path with a URIError marked 400.
    if (err instanceof URIError && (err as BodyParserError).status === 400) {
      return sendError(res, 400, 'invalid_path', 'The request path is not valid.');
    }
    const parserType = (err as BodyParserError | null)?.type;
    if (parserType === 'entity.too.large') return sendError(res, 413, 'body_too_large', 'The request body is too large.');
    if (parserType === 'entity.parse.failed') return sendError(res, 400, 'malformed_json', 'The request body is not valid JSON.');
    if (parserType === 'encoding.unsupported' || parserType === 'charset.unsupported') {
      return sendError(res, 415, 'unsupported_encoding', 'The request body encoding is not supported.');
    }
    log(err, req);
    sendError(res, 500, 'internal_error', 'Something went wrong on our side.');
  };
}
