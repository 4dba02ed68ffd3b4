import { Pool, errors as undiciErrors } from 'undici';

export interface UpstreamTimeouts {
  /** TCP + TLS handshake. */
  connectMs: number;
  /** Until the response headers arrive. */
  headersMs: number;
  /** Between body chunks. */
  bodyMs: number;
}

export interface UpstreamOptions {
  /** `{baseurl}` of the MX host, e.g. `https://access.bank.example` (a path prefix is kept). */
  baseUrl: string;
  version: string;
  clientId: string;
  clientSecret: string;
  timeouts: UpstreamTimeouts;
  /** Extra attempts for calls that are safe to repeat (see `consent`). */
  retries?: number;
  retryDelayMs?: number;
  connections?: number;
}

export interface UpstreamResponse {
  status: number;
  body: unknown;
}

export type UpstreamFailure = 'timeout' | 'unavailable' | 'bad_response' | 'auth_rejected' | 'customer_unknown';

/** A failure talking to MX. Its message is written for logs and never includes credentials. */
export class UpstreamError extends Error {
  constructor(
    readonly kind: UpstreamFailure,
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = 'UpstreamError';
  }
}

export interface ConsentCall {
  method: 'GET' | 'PUT';
  /** Relative to the API base, built with `consentPaths`. */
  path: string;
  body?: unknown;
}

export interface UpstreamClient {
  /** `{baseurl}/api/{version}` as this server reaches it. */
  readonly apiBase: string;
  requestToken(customerId: string): Promise<string>;
  consent(call: ConsentCall, token: string): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

const RETRYABLE_STATUS = new Set([502, 503, 504]);
const RETRYABLE_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);

/** One keep-alive pool per MX origin, with timeouts in seconds rather than undici's minutes. */
export function createUpstreamClient(opts: UpstreamOptions): UpstreamClient {
  const base = new URL(opts.baseUrl);
  const prefix = `${base.pathname.replace(/\/+$/, '')}/api/${encodeURIComponent(opts.version)}`;
  const apiBase = `${base.origin}${prefix}`;
  const pool = new Pool(base.origin, {
    connect: { timeout: opts.timeouts.connectMs },
    headersTimeout: opts.timeouts.headersMs,
    bodyTimeout: opts.timeouts.bodyMs,
    keepAliveTimeout: 10_000,
    connections: opts.connections ?? 64,
  });
  const basic = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
  const retries = opts.retries ?? 2;
  const retryDelayMs = opts.retryDelayMs ?? 50;

  async function send(method: string, path: string, headers: Record<string, string>, body?: string) {
    try {
      const res = await pool.request({
        method: method as 'GET',
        path: `${prefix}${path}`,
        headers,
        body,
        headersTimeout: opts.timeouts.headersMs,
        bodyTimeout: opts.timeouts.bodyMs,
      });
      const text = await res.body.text();
      return { status: res.statusCode, text };
    } catch (err) {
      throw toUpstreamError(err);
    }
  }

  return {
    apiBase,

    // No retry here: a lost token response cannot be told apart from a failed request, and the broker
    // already retries once on a 401, which bounds the calls to MX's token endpoint per customer.
    async requestToken(customerId) {
      const { status, text } = await send('POST', '/token', {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: basic,
      }, JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${customerId}` }));
      if (status === 401 || status === 403) throw new UpstreamError('auth_rejected', `token request rejected (${status})`, status);
      if (status === 404) throw new UpstreamError('customer_unknown', 'token request: customer unknown upstream', status);
      if (status !== 200) throw new UpstreamError('unavailable', `token request failed (${status})`, status);
      const token = (parseJson(text) as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token !== 'string' || token === '') throw new UpstreamError('bad_response', 'token response without access_token');
      return token;
    },

    // Every consent call may be repeated after a lost response or a gateway error:
    // - GET list reads only.
    // - PUT accounts / accounts/{id} set an absolute value, so a second identical PUT leaves the same state.
    // - PUT disable_app_sharing is one-way: a repeat cannot undo the stop (MX answers 200 or an error the
    //   widget resolves by re-reading the list).
    // Timeouts are not retried, so a slow upstream is reported within the configured bound.
    async consent(call, token) {
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
      let body: string | undefined;
      if (call.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(call.body);
      }
      for (let attempt = 0; ; attempt++) {
        const last = attempt >= retries;
        try {
          const { status, text } = await send(call.method, call.path, headers, body);
          if (RETRYABLE_STATUS.has(status) && !last) {
            await delay(retryDelayMs * 2 ** attempt);
            continue;
          }
          const parsed = parseJson(text);
          if (parsed === undefined && status < 300) {
            if (!last) continue;
            throw new UpstreamError('bad_response', `consent ${call.method} answered ${status} with invalid JSON`, status);
          }
          return { status, body: parsed ?? null };
        } catch (err) {
          if (!(err instanceof UpstreamError) || err.kind !== 'unavailable' || last) throw err;
          await delay(retryDelayMs * 2 ** attempt);
        }
      }
    },

    close: () => pool.close(),
  };
}

function toUpstreamError(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError
    || err instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamError('timeout', `upstream timed out (${(err as Error).name})`);
  }
  const code = (err as { code?: string }).code ?? '';
  if (RETRYABLE_CODES.has(code) || err instanceof undiciErrors.SocketError) {
    return new UpstreamError('unavailable', `upstream connection failed (${code || 'socket'})`);
  }
  return new UpstreamError('unavailable', `upstream request failed (${code || (err as Error).name})`);
}

function parseJson(text: string): unknown {
  if (text === '') return undefined;
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
}

const delay = (ms: number) => new Promise((r) => setTimeout(r, ms + Math.random() * ms));
