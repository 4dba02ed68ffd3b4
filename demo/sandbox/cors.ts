/**
 * CORS for the widget's direct mode, where the browser calls the API itself. Only configured
 * origins get headers; every other origin gets none, so the browser blocks it.
 */
import type { RequestHandler } from 'express';

export function cors(origins: readonly string[] | (() => readonly string[])): RequestHandler {
  const fixed = typeof origins === 'function' ? undefined : new Set(origins);
  return (req, res, next) => {
    const allowed = fixed ?? new Set((origins as () => readonly string[])());
    if (allowed.size === 0) return next();
    // The answer depends on Origin whether or not this one is allowed, so caches must key on it.
    res.vary('Origin');
    const origin = req.headers.origin;
    if (origin === undefined || !allowed.has(origin)) return next();
    res.setHeader('Access-Control-Allow-Origin', origin);
    if (req.method === 'OPTIONS' && req.headers['access-control-request-method'] !== undefined) {
      res.setHeader('Access-Control-Allow-Methods', 'GET, PUT, POST, OPTIONS');
      res.setHeader('Access-Control-Allow-Headers', 'Authorization, Content-Type, Accept');
      res.setHeader('Access-Control-Max-Age', '600');
      res.status(204).end();
      return;
    }
    next();
  };
}
