import './keep-alive.js';

/** A browser stand-in for server tests: keeps the session cookie and sends the BFF's CSRF header. */
export class Customer {
  cookie = '';
  lastSetCookie: string[] = [];

  constructor(readonly baseUrl: string) {}

  async login(username: string, password = 'demo'): Promise<Response> {
    return this.request('POST', '/demo/login', { json: { username, password }, csrf: false });
  }

  async logout(): Promise<Response> {
    return this.request('POST', '/demo/logout', { json: {}, csrf: false });
  }

  token(extra: RequestOptions = {}): Promise<Response> {
    return this.request('POST', '/consent/token', extra);
  }

  async request(method: string, path: string, opts: RequestOptions = {}): Promise<Response> {
    const headers: Record<string, string> = { ...opts.headers };
    if (opts.csrf !== false) headers['X-CSRF'] ??= '1';
    if (this.cookie && opts.cookie !== false) headers.cookie = this.cookie;
    let body = opts.body;
    if (opts.json !== undefined) {
      headers['content-type'] ??= 'application/json';
      body = JSON.stringify(opts.json);
    }
    const res = await fetch(new URL(path, this.baseUrl), { method, headers, body, redirect: 'manual' });
    this.lastSetCookie = res.headers.getSetCookie();
    const session = this.lastSetCookie.find((c) => c.includes('consent.sid='));
    if (session) this.cookie = session.split(';')[0]!;
    return res;
  }
}

export interface RequestOptions {
  headers?: Record<string, string>;
  json?: unknown;
  body?: string;
  /** Send `X-CSRF: 1` (default true). */
  csrf?: boolean;
  /** Send the session cookie (default true). */
  cookie?: boolean;
}

export function decodeJwt(token: string): { header: Record<string, unknown>; payload: Record<string, unknown> } {
  const [h, p] = token.split('.');
  const parse = (s: string) => JSON.parse(Buffer.from(s, 'base64url').toString('utf8')) as Record<string, unknown>;
  return { header: parse(h!), payload: parse(p!) };
}
