import type { Request, RequestHandler } from 'express';
import session, { Store, type SessionData } from 'express-session';
import type { LRUCache } from 'lru-cache';
import { boundedTtlCache } from './token-store.js';

declare module 'express-session' {
  interface SessionData {
    /** The customer's `openid_connect_user_id`, set by the bank's login. */
    customerId?: string;
    /** Epoch ms of login, for the absolute session lifetime. */
    loggedInAt?: number;
  }
}

export interface SessionOptions {
  secret: string | string[];
  /** HTTPS deployments: `Secure` cookie with the `__Host-` prefix. */
  secureCookie: boolean;
  idleMs: number;
  absoluteMs: number;
  /**
   * The session field with the customer's login time (epoch ms or s, or a date string), default `loggedInAt`. A
   * logged-in session without one is stamped the first time this middleware sees it, so the absolute lifetime
   * holds behind a bank's login that records none (counted from then, at the latest from the first consent call).
   */
  loginTimeKey?: string;
  /** The session field that marks it logged in (the customer id), default `customerId`. */
  customerKey?: string;
  /** The clock the absolute lifetime is measured on (tests). */
  now?: () => number;
  store?: Store;
  /** Embedded store bound (sessions); the oldest are dropped first when full. */
  maxSessions?: number;
}

export const cookieName = (secure: boolean) => (secure ? '__Host-consent.sid' : 'consent.sid');

export function createSessionMiddleware(opts: SessionOptions): RequestHandler[] {
  const handler = session({
    name: cookieName(opts.secureCookie),
    secret: opts.secret,
    store: opts.store ?? new BoundedMemoryStore(opts.maxSessions ?? 50_000, opts.idleMs),
    resave: false,
    saveUninitialized: false,
    rolling: true,
    // Not `unset: 'destroy'`: express-session then deletes the stored session of any request whose session
    // failed to load, so one Redis timeout would log the customer out once Redis answers again.
    unset: 'keep',
    cookie: { httpOnly: true, sameSite: 'lax', secure: opts.secureCookie, path: '/', maxAge: opts.idleMs },
  });
  // express-session reports a store failure while saving at the end of a response by calling `next` again,
  // after the answer went out; passed on, it would reach Express's final handler, which drops the connection.
  const loaded: RequestHandler = (req, res, next) => handler(req, res, (err?: unknown) => {
    if (err !== undefined && res.headersSent) return;
    next(err);
  });
  const loginTimeKey = opts.loginTimeKey ?? 'loggedInAt';
  const customerKey = opts.customerKey ?? 'customerId';
  const now = opts.now ?? Date.now;
  const absolute: RequestHandler = (req, _res, next) => {
    const fields = req.session as unknown as Record<string, unknown> | undefined;
    if (fields?.[customerKey] === undefined) return next();
    const recorded = fields[loginTimeKey];
    if (recorded === undefined) {
      fields[loginTimeKey] = now();
      return next();
    }
    const at = sessionTime(recorded);
    // A login time that cannot be read ends the session rather than making it last for ever.
    if (at === undefined || now() - at > opts.absoluteMs) {
      // A fresh, empty session rather than none: code after this still finds `req.session`.
      req.session.regenerate((err) => next(err));
      return;
    }
    next();
  };
  return [loaded, absolute];
}

/** Epoch ms from a number of ms or s (a bank's own field may hold either) or a date string. */
export function sessionTime(value: unknown): number | undefined {
  const ms = typeof value === 'number' ? (value < 1e11 ? value * 1000 : value) : typeof value === 'string' ? Date.parse(value) : NaN;
  return Number.isFinite(ms) ? ms : undefined;
}

/**
 * A `beforeStop` hook for the consent router: allows a stop when the session field `key` holds a step-up (a fresh
 * authentication the bank's own flow recorded) at most `maxAgeMs` old.
 */
export function stepUpWithin(key: string, maxAgeMs: number, now: () => number = Date.now): (req: Request) => boolean {
  return (req) => {
    const at = sessionTime((req.session as unknown as Record<string, unknown> | undefined)?.[key]);
    return at !== undefined && now() - at <= maxAgeMs;
  };
}

/**
 * express-session's MemoryStore never bounds itself; this one caps entries and expires idle sessions. (memorystore,
 * the usual replacement, bounds by an lru-cache of 2016 (v4) and sweeps on a timer of its own; this is the same
 * idea on the maintained lru-cache, in the dozen lines express-session's `Store` asks for.)
 */
export class BoundedMemoryStore extends Store {
  private readonly sessions: LRUCache<string, string>;

  constructor(maxSessions: number, private readonly defaultTtlMs: number) {
    super();
    this.sessions = boundedTtlCache<string>(maxSessions);
  }

  override get(sid: string, cb: (err: unknown, session?: SessionData | null) => void): void {
    const raw = this.sessions.get(sid);
    cb(null, raw ? (JSON.parse(raw) as SessionData) : null);
  }

  override set(sid: string, data: SessionData, cb?: (err?: unknown) => void): void {
    this.sessions.set(sid, JSON.stringify(data), { ttl: this.ttl(data) });
    cb?.();
  }

  override touch(sid: string, data: SessionData, cb?: () => void): void {
    const raw = this.sessions.get(sid);
    if (raw) this.sessions.set(sid, raw, { ttl: this.ttl(data) });
    cb?.();
  }

  override destroy(sid: string, cb?: (err?: unknown) => void): void {
    this.sessions.delete(sid);
    cb?.();
  }

  get size(): number {
    return this.sessions.size;
  }

  private ttl(data: SessionData): number {
    const expires = data.cookie?.expires ? new Date(data.cookie.expires).getTime() - Date.now() : NaN;
    return Number.isFinite(expires) && expires > 0 ? expires : this.defaultTtlMs;
  }
}
