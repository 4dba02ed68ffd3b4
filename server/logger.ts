import { randomUUID } from 'node:crypto';
import type { Request, RequestHandler, Response } from 'express';
import { pinoHttp } from 'pino-http';
import { pino, type DestinationStream, type Logger } from 'pino';

export type { Logger };

/** Paths pino blanks wherever they appear in a log object. */
export const REDACT_PATHS = [
  'authorization', 'cookie', 'password', 'token', 'access_token', 'client_secret', 'clientSecret', 'secret',
  '*.authorization', '*.cookie', '*.password', '*.token', '*.access_token', '*.client_secret', '*.clientSecret',
  '*.secret', 'headers.authorization', 'headers.cookie', 'headers["set-cookie"]', '*.headers.authorization',
  '*.headers.cookie', '*.headers["set-cookie"]',
];

export function createLogger(level: string, destination?: DestinationStream): Logger {
  return pino({ level, redact: { paths: REDACT_PATHS, censor: '[redacted]' }, base: undefined }, destination);
}

/** What a caller's `X-Request-Id` may look like to be kept, as a correlation field only. */
const CORRELATION_ID = /^[\w.:-]{1,64}$/;

/**
 * The request's ids for log lines: `req_id`, made here once per request (a client cannot choose it, so it cannot
 * collide with or impersonate another request's lines), and the caller's own `X-Request-Id` as `correlation_id`
 * when it is a plain token of at most 64 characters.
 */
export function requestIds(req: Request, res: Response): { req_id: string; correlation_id?: string } {
  res.locals.requestId ??= randomUUID();
  if (res.locals.correlationId === undefined) {
    const incoming = req.get('x-request-id');
    res.locals.correlationId = incoming !== undefined && CORRELATION_ID.test(incoming) ? incoming : null;
  }
  const correlation = res.locals.correlationId as string | null;
  return { req_id: res.locals.requestId as string, ...(correlation ? { correlation_id: correlation } : {}) };
}

/**
 * One line per request (pino-http) with the id the response echoes: `req_id`, `correlation_id` when the caller sent
 * a well-formed `X-Request-Id`, `req.method`, `req.path` (never the query string, nor any header), `res.status`,
 * `ms`. `res.locals.requestId` carries the id to the audit lines.
 */
export function requestLogger(log: Logger): RequestHandler {
  return pinoHttp<Request, Response>({
    logger: log,
    genReqId: (req, res) => {
      const { req_id } = requestIds(req, res);
      res.set('X-Request-Id', req_id);
      return req_id;
    },
    customProps: (req, res) => {
      const { correlation_id } = requestIds(req, res);
      return correlation_id ? { correlation_id } : {};
    },
    quietReqLogger: true,
    customAttributeKeys: { reqId: 'req_id', responseTime: 'ms' },
    wrapSerializers: false,
    serializers: {
      req: (req: Request) => ({ method: req.method, path: req.originalUrl.split('?')[0] }),
      res: (res: Response) => ({ status: res.statusCode }),
    },
    customSuccessMessage: () => 'request',
    customErrorMessage: () => 'request failed',
  }) as unknown as RequestHandler;
}
