import { randomUUID } from 'node:crypto';
import type { RequestHandler } from 'express';
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

/** One line per request with an id the response echoes; query strings are never logged. */
export function requestLogger(log: Logger): RequestHandler {
  return (req, res, next) => {
    const incoming = req.get('x-request-id');
    const id = incoming && REQUEST_ID.test(incoming) ? incoming : randomUUID();
    res.locals.requestId = id;
    res.set('X-Request-Id', id);
    const started = process.hrtime.bigint();
    res.on('finish', () => {
      log.info({
        req_id: id,
        method: req.method,
        path: req.originalUrl.split('?')[0],
        status: res.statusCode,
        ms: Number(process.hrtime.bigint() - started) / 1e6,
      }, 'request');
    });
    next();
  };
}
