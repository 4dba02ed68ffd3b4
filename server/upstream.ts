import { Pool, errors as undiciErrors } from 'undici';

export interface UpstreamTimeouts {
  /** TCP + TLS handshake. */
  connectMs: number;
  /** Until the response headers arrive. */
  headersMs: number;
  /** Between body chunks. */
  bodyMs: number;
  /** The whole call, from sending to the last byte of the answer (default 10 s): a dripping answer ends here. */
  deadlineMs?: number;
}

export interface UpstreamOptions {
  /** `{baseurl}` of the MX host, e.g. `https://access.bank.example` (a path prefix is kept). */
  baseUrl: string;
  version: string;
  clientId: string;
  clientSecret: string;
  timeouts: UpstreamTimeouts;
  /** Connections for the consent calls (default 64). */
  connections?: number;
  /** Connections kept apart for token requests, so consent calls cannot starve them (default 8). */
  tokenConnections?: number;
  /** An answer larger than this is refused unread (default 1 MB). */
  maxResponseBytes?: number;
  /**
   * The token call's statuses that mean "MX does not know this customer" (default `[404]`, what the sandbox answers).
   * MX documents no error of the token call: any other 4xx but 401/403 is reported as an unexpected answer.
   */
  unknownCustomerStatuses?: readonly number[];
}

export interface UpstreamResponse {
  status: number;
  body: unknown;
  /** The answer's bytes as MX sent them, so a relay can pass them on without serialising `body` again. */
  raw?: Buffer;
}

export type UpstreamFailure =
  | 'timeout' | 'unavailable' | 'bad_response' | 'too_large' | 'aborted' | 'auth_rejected' | 'customer_unknown'
  /** A 4xx MX's description does not define: what we know is its status. */
  | 'unexpected';

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
  /** `signal` ends the call early (the browser went away); the deadline ends it anyway. */
  consent(call: ConsentCall, token: string, signal?: AbortSignal): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

const FAILED_CONNECTION_CODES = new Set([
  'ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'UND_ERR_SOCKET', 'UND_ERR_CLOSED',
]);

/**
 * Two keep-alive pools per MX origin, one for token requests and one for consent calls, with timeouts in seconds
 * rather than undici's minutes. It never repeats a call: the widget is the one layer that retries (contract/retry.ts).
 */
export function createUpstreamClient(opts: UpstreamOptions): UpstreamClient {
  const base = new URL(opts.baseUrl);
  const prefix = `${base.pathname.replace(/\/+$/, '')}/api/${encodeURIComponent(opts.version)}`;
  const apiBase = `${base.origin}${prefix}`;
  const pool = (connections: number) => new Pool(base.origin, {
    connect: { timeout: opts.timeouts.connectMs },
    headersTimeout: opts.timeouts.headersMs,
    bodyTimeout: opts.timeouts.bodyMs,
    // Idle connections are closed by us after 10 s, however long MX's Keep-Alive hint allows, so that a call is not
    // sent on a connection MX is closing (ECONNRESET, and no layer here retries it).
    keepAliveTimeout: 10_000,
    keepAliveMaxTimeout: 10_000,
    connections,
  });
  const consentPool = pool(opts.connections ?? 64);
  const tokenPool = pool(opts.tokenConnections ?? 8);
  const basic = `Basic ${Buffer.from(`${opts.clientId}:${opts.clientSecret}`).toString('base64')}`;
  const deadlineMs = opts.timeouts.deadlineMs ?? 10_000;
  const maxBytes = opts.maxResponseBytes ?? 1024 * 1024;
  const unknownCustomer = new Set(opts.unknownCustomerStatuses ?? [404]);

  async function send(via: Pool, method: string, path: string, headers: Record<string, string>, body?: string, signal?: AbortSignal) {
    if (signal?.aborted) throw new UpstreamError('aborted', 'upstream call abandoned before it was sent: the client went away');
    const deadline = AbortSignal.timeout(deadlineMs);
    try {
      const res = await via.request({
        method: method as 'GET',
        path: `${prefix}${path}`,
        headers,
        body,
        signal: signal ? AbortSignal.any([signal, deadline]) : deadline,
      });
      const raw = await readCapped(res.body, res.headers['content-length'], maxBytes);
      return { status: res.statusCode, text: raw.toString('utf8'), raw };
    } catch (err) {
      if (signal?.aborted) throw new UpstreamError('aborted', 'upstream call abandoned: the client went away');
      if (deadline.aborted) throw new UpstreamError('timeout', `upstream call exceeded its ${deadlineMs} ms deadline`);
      throw toUpstreamError(err);
    }
  }

  return {
    apiBase,

    async requestToken(customerId) {
      const { status, text } = await send(tokenPool, 'POST', '/token', {
        accept: 'application/json',
        'content-type': 'application/json',
        authorization: basic,
      }, JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${customerId}` }));
      // MX documents no error here. A configured status means an unknown customer; 401 and 403 are HTTP's own refusal
      // of the Basic credentials; any other 4xx is reported as what it is, not guessed at.
      if (unknownCustomer.has(status)) throw new UpstreamError('customer_unknown', `token request: customer unknown upstream (${status})`, status);
      if (status === 401 || status === 403) throw new UpstreamError('auth_rejected', `token request rejected (${status})`, status);
      if (status >= 400 && status < 500 && status !== 429) {
        throw new UpstreamError('unexpected', `token request: unexpected answer (${status})`, status);
      }
      if (status !== 200) throw new UpstreamError('unavailable', `token request failed (${status})`, status);
      const token = (parseJson(text) as { access_token?: unknown } | undefined)?.access_token;
      if (typeof token !== 'string' || token === '') throw new UpstreamError('bad_response', 'token response without access_token');
      return token;
    },

    async consent(call, token, signal) {
      const headers: Record<string, string> = { accept: 'application/json', authorization: `Bearer ${token}` };
      let body: string | undefined;
      if (call.body !== undefined) {
        headers['content-type'] = 'application/json';
        body = JSON.stringify(call.body);
      }
      const { status, text, raw } = await send(consentPool, call.method, call.path, headers, body, signal);
      const parsed = parseJson(text);
      if (parsed === undefined && status < 300) {
        throw new UpstreamError('bad_response', `consent ${call.method} answered ${status} with invalid JSON`, status);
      }
      return { status, body: parsed ?? null, raw };
    },

    close: async () => {
      await Promise.all([consentPool.close(), tokenPool.close()]);
    },
  };
}

/** Reads the answer up to `max` bytes; a larger one is dropped (its connection closed) rather than buffered. */
async function readCapped(body: AsyncIterable<Buffer> & { destroy(): unknown }, length: unknown, max: number): Promise<Buffer> {
  const tooLarge = () => new UpstreamError('too_large', `upstream answer larger than ${max} bytes`);
  if (Number(length) > max) {
    body.destroy();
    throw tooLarge();
  }
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of body) {
    size += chunk.length;
    if (size > max) {
      body.destroy();
      throw tooLarge();
    }
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

function toUpstreamError(err: unknown): UpstreamError {
  if (err instanceof UpstreamError) return err;
  if (err instanceof undiciErrors.HeadersTimeoutError || err instanceof undiciErrors.BodyTimeoutError
    || err instanceof undiciErrors.ConnectTimeoutError) {
    return new UpstreamError('timeout', `upstream timed out (${(err as Error).name})`);
  }
  const code = (err as { code?: string }).code ?? '';
  if (FAILED_CONNECTION_CODES.has(code) || err instanceof undiciErrors.SocketError) {
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

