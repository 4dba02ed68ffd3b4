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
