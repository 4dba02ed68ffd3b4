/**
 * App logos served by the sandbox itself, so the demo and tests never depend on an outside host
 * and a strict CSP (`img-src 'self'`-style) can be exercised. Plain shapes, no scripts, no links.
 */
import type { RequestHandler } from 'express';
import type { LOGOS } from './seed.js';

const svg = (title: string, bg: string, body: string) =>
  `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64" width="64" height="64" role="img">` +
  `<title>${title}</title><rect width="64" height="64" rx="14" fill="${bg}"/>${body}</svg>\n`;

export const LOGO_SVGS: Record<(typeof LOGOS)[number], string> = {
  ledgerleaf: svg('Ledgerleaf', '#1f7a4d',
    '<path d="M18 46C18 28 30 17 48 16c0 19-11 31-28 31z" fill="#c9f2d9"/>' +
    '<path d="M20 45L40 25" stroke="#1f7a4d" stroke-width="3" stroke-linecap="round"/>'),
  harborline: svg('Harborline', '#17365d',
    '<path d="M12 38q5-5 10 0t10 0t10 0t10 0" fill="none" stroke="#9cc9f5" stroke-width="4" stroke-linecap="round"/>' +
    '<path d="M12 48q5-5 10 0t10 0t10 0t10 0" fill="none" stroke="#5d9de0" stroke-width="4" stroke-linecap="round"/>' +
    '<path d="M32 12v20M24 22h16" stroke="#fff" stroke-width="4" stroke-linecap="round"/>'),
  quillfile: svg('Quillfile', '#5b3a8c',
    '<path d="M46 12C30 16 20 30 18 50l6-4c2-12 10-22 22-34z" fill="#eadcff"/>' +
    '<path d="M16 52h22" stroke="#eadcff" stroke-width="3" stroke-linecap="round"/>'),
  fernpay: svg('Fernpay', '#0f7c80',
    '<path d="M14 32L50 16L40 50L32 36z" fill="#d4f7f5"/><path d="M32 36L50 16" stroke="#0f7c80" stroke-width="3"/>'),
  brightpath: svg('Brightpath', '#d9622b',
    '<circle cx="40" cy="24" r="9" fill="#ffe3b3"/>' +
    '<path d="M12 52c10-2 14-10 24-12s12-4 16-8" fill="none" stroke="#fff" stroke-width="4" stroke-linecap="round"/>'),
  tallyhive: svg('Tallyhive', '#e0a100',
    '<path d="M24 14l9 5v10l-9 5-9-5V19z" fill="#fff6d6"/><path d="M41 24l9 5v10l-9 5-9-5V29z" fill="#fff6d6"/>' +
    '<path d="M24 34l9 5v10l-9 5-9-5V39z" fill="#fff6d6"/>'),
  nestward: svg('Nestward', '#8c3b2f',
    '<path d="M14 32L32 16l18 16v18H14z" fill="#ffe0d6"/><path d="M27 50V38h10v12" fill="#8c3b2f"/>'),
};

export const serveLogo: RequestHandler = (req, res, next) => {
  const name = /^([a-z]+)\.svg$/.exec(String(req.params.file ?? ''))?.[1];
  const body = name !== undefined && Object.hasOwn(LOGO_SVGS, name) ? LOGO_SVGS[name as keyof typeof LOGO_SVGS] : undefined;
  if (body === undefined) return next();
  res.setHeader('Content-Type', 'image/svg+xml');
  res.setHeader('Cache-Control', 'public, max-age=86400');
  // An SVG opened directly is a document: forbid it from running or loading anything.
  res.setHeader('Content-Security-Policy', "default-src 'none'; style-src 'unsafe-inline'");
  res.setHeader('Cross-Origin-Resource-Policy', 'cross-origin');
  res.send(body);
};
