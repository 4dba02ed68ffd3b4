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

const REQUEST_ID = /^[\w.-]{1,64}$/;

/**
 * One line per request (pino-http) with an id the response echoes: `req_id`, `req.method`, `req.path` (never the
 * query string, nor any header), `res.status`, `ms`. The id comes from a well-formed `X-Request-Id` or is made up;
 * `res.locals.requestId` carries it to the audit lines.
 */
export function requestLogger(log: Logger): RequestHandler {
  return pinoHttp<Request, Response>({
    logger: log,
    genReqId: (req, res) => {
      const incoming = req.get('x-request-id');
      const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
      res.locals.requestId = id;
      res.set('X-Request-Id', id);
      return id;
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
