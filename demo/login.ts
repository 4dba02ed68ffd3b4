import type { Request } from 'express';

// The demo bank's own login; a bank has its own. It sets the session fields the BFF reads by default
// (`customerId`) and for the absolute lifetime (`loggedInAt`).

/** Starts a logged-in session under a new id, so an id known before login is worth nothing after it. */
export function logIn(req: Request, customerId: string): Promise<void> {
  return new Promise((resolve, reject) => {
    req.session.regenerate((err) => {
      if (err) return reject(err);
      req.session.customerId = customerId;
      req.session.loggedInAt = Date.now();
      req.session.save((saveErr) => (saveErr ? reject(saveErr) : resolve()));
    });
  });
}

export function logOut(req: Request): Promise<void> {
  return new Promise((resolve, reject) => {
    if (!req.session) return resolve();
    req.session.destroy((err) => (err ? reject(err) : resolve()));
  });
}

/**
 * Login CSRF: another site's form must not sign the customer in as someone else (nor out). The browser says where
 * a request comes from in `Sec-Fetch-Site`; without it, an `Origin` must be this server's own or an allowed one (the
 * login page's `no-referrer` policy makes Chromium send `Origin: null` with its own form, which `Sec-Fetch-Site:
 * same-origin` vouches for). Scripts and tests that send neither header are let through.
 */
export function fromOwnPage(allowedOrigins: readonly string[]): (req: Request) => boolean {
  const allowed = new Set(allowedOrigins);
  return (req) => {
    const site = req.get('sec-fetch-site');
    if (site === 'same-origin' || site === 'none') return true;
    const origin = req.get('origin');
    if (origin === undefined) return site === undefined;
    return origin === `${req.protocol}://${req.get('host') ?? ''}` || allowed.has(origin);
  };
}
