import { consentPaths, CSRF_HEADER, ledgerPaths, IDEMPOTENCY_HEADER, readConsent, readConsents, STEP_UP_REQUIRED } from '@consent-manager/contract';
import type { Consent, ConsentMode, HistoryAnswer, TokenRequest, TokenResponse } from '@consent-manager/contract';
import { retry, retryBudget } from '@consent-manager/contract/retry';

/** Why a call failed, in a form the widget can act on and a page can log. */
export class ApiError extends Error {
  constructor(
    /** Stable: the BFF's error code, or `session_expired`, `network`, `malformed`, `http_<status>`. */
    readonly code: string,
    message: string,
    /** 0 when no HTTP answer arrived. */
    readonly status = 0,
  ) {
    super(message);
  }
}

export const SESSION_EXPIRED = 'session_expired';

/**
 * The customer's list as the widget can use it. `unreadable`: how many of MX's records could not be read (no id, an
 * account without its id, a field of the wrong type); the others are all here.
 */
export type ConsentList = Consent[] & { unreadable?: number };

export interface ApiClient {
  list(signal?: AbortSignal): Promise<ConsentList>;
  setAutoShare(consentId: string, enabled: boolean): Promise<Consent>;
  setAccount(consentId: string, accountId: string, enabled: boolean): Promise<Consent>;
  /**
   * A call to the BFF itself (`{bff}{path}`, e.g. the consent ledger's `/stops`), in either mode: with the session
   * cookie and the CSRF header, retried like the others; a write names its idempotency `key`.
   */
  bff(method: string, path: string, payload?: object, key?: string): Promise<unknown>;
  /** Drops all that belongs to the session so far (the held token, which session it was): `reload()` calls it. */
  forget(): void;
  /** The customer's changes across visits, newest first, from the BFF's ledger (either mode: the session, never a token). */
  changes(): Promise<HistoryAnswer>;
  /** Tells the BFF these outcomes were shown to the customer, so they are not said again. */
  seen(ids: string[]): Promise<unknown>;
}

/**
 * A visit of `<consent-manager>`: a new one whenever the page signs a customer in again; `at` is its start (epoch ms).
 * `first` is its first read of the ledger, which the stop queue (stops still pending) and the record with its notice
 * share, so that a page load asks for the customer's changes once.
 */
export interface Visit {
  at: number;
  first?: Promise<HistoryAnswer>;
}

/** The visit's first read of the customer's changes: made by whichever part asks first, then shared. */
export const firstChanges = (client: ApiClient, visit: Visit) => (visit.first ??= client.changes());

export interface ApiClientOptions {
  /** Where the BFF is mounted, e.g. `/consent`. */
  bff: string;
  mode: ConsentMode;
  /** Attempts per call when the network or the server fails (default 3), within the client's retry budget. */
  attempts?: number;
  /** First backoff delay in ms, doubled per attempt (default 250). */
  backoffMs?: number;
  /** Per-attempt timeout in ms, so a hung connection counts as a failure (default 20 s). */
  timeoutMs?: number;
}

interface Token {
  auth: string;
  /** The MX API base, absolute. */
  base: string;
}


const malformed = () => new ApiError('malformed', 'The server sent an unexpected answer.');

/** A write's answer: the one consent, read as the list's are (contract's `readConsent`). */
function consent(body: unknown): Consent {
  const read = readConsent(body);
  if ('unreadable' in read) throw malformed();
  return read;
}

/** Server failures another try cannot mend: MX refused the bank's credentials, or answered what cannot be used. */
const LASTING = new Set(['upstream_auth_failed', 'upstream_too_large', 'upstream_unexpected']);
/** Worth another attempt: no answer at all, a garbled one, or any other server-side failure. */
const transient = (e: unknown) => e instanceof ApiError && (e.status >= 500 || e.status == 0) && !LASTING.has(e.code);

/**
 * The widget's only HTTP code. Both modes share it: `proxy` calls `${bff}/api` with the session cookie,
 * `direct` calls the MX base the BFF names with a bearer token that lives in this closure only.
 *
 * In direct mode every call first asks the BFF for the session's token (the BFF answers from its cache), so a
 * bank logout or a change of customer shows on the very next call: the widget never uses a token, nor acts on a
 * list, from an earlier session. It is the one layer that retries (see contract/retry.ts), within a budget.
 */
export function createApiClient({ bff, mode, attempts = 3, backoffMs = 250, timeoutMs = 20_000 }: ApiClientOptions): ApiClient {
  bff = bff.replace(/\/+$/, '');
  /** The BFF's marker of the session this client's list came from (`TokenResponse.session`). */
  let session: string | undefined;
  let pending: Promise<Token> | undefined;
  let ended = false;
  const budget = retryBudget();

  function forget() {
    session = pending = undefined;
    ended = false;
  }

  /** The session ended (a 401 from the BFF, or another customer's token came): nothing is sent until `forget()`. */
  function end(): never {
    forget();
    ended = true;
    throw new ApiError(SESSION_EXPIRED, 'The session has ended.', 401);
  }

  async function http(url: string, init: RequestInit, signal?: AbortSignal): Promise<unknown> {
    let res: Response;
    try {
      res = await fetch(url, {
        ...init,
        headers: { Accept: 'application/json', ...(init.body ? { 'Content-Type': 'application/json' } : {}), ...init.headers },
        signal: signal ? AbortSignal.any([signal, AbortSignal.timeout(timeoutMs)]) : AbortSignal.timeout(timeoutMs),
        cache: 'no-store',
      });
    } catch (e) {
      if (signal?.aborted) throw e;
      throw new ApiError('network', 'The server could not be reached.');
    }
    let body: unknown;
    try {
      body = await res.json();
    } catch {
      body = undefined;
    }
    if (res.ok) {
      if (body === undefined) throw malformed();
      return body;
    }
    const err = (body as { error?: { code?: unknown; message?: unknown } })?.error;
    throw new ApiError(
      typeof err?.code == 'string' ? err.code : `http_${res.status}`,
      typeof err?.message == 'string' ? err.message : `HTTP ${res.status}`,
      res.status,
    );
  }

  /**
   * The BFF's 401 means the bank session is gone: nothing to retry, the page must sign the customer in. Except
   * `step_up_required`: the session stands, and the bank wants a fresh authentication before this stop.
   */
  function fromBff(e: unknown): never {
    if (e instanceof ApiError && e.status == 401 && e.code != STEP_UP_REQUIRED) end();
    throw e;
  }

  /**
   * The session's token, asked of the BFF for each call (calls in flight together share one ask). `stale` is a
   * token MX just refused: the BFF is told, so that it stops handing it out. A token of another session than the
   * one this client's list came from is not used: the list on screen is someone else's.
   */
  function getToken(stale?: Token): Promise<Token> {
    if (pending && !stale) return pending;
    const refused: TokenRequest | undefined = stale && { refused: stale.auth.slice(7) };
    const asked = http(`${bff}/token`, {
      method: 'POST',
      headers: { [CSRF_HEADER]: '1' },
      credentials: 'same-origin',
      body: refused && JSON.stringify(refused),
    })
      .then((body) => {
        const { access_token, api_base, session: marker } = body as TokenResponse;
        if (typeof access_token != 'string' || typeof api_base != 'string') throw malformed();
        if ((session ??= marker) != marker) end();
        return {
          auth: `Bearer ${access_token}`,
          base: new URL(api_base, document.baseURI).href.replace(/\/+$/, ''),
        };
      }, fromBff)
      .finally(() => (pending = undefined));
    return (pending = asked);
  }

  /** To the BFF, as the session: `${bff}/api` relays to MX in proxy mode; the ledger is the BFF's own in both. */
  const toBff = (url: string, method: string, body: string | undefined, signal?: AbortSignal, key?: string) =>
    http(url, { method, body, headers: { [CSRF_HEADER]: '1', ...(key ? { [IDEMPOTENCY_HEADER]: key } : {}) }, credentials: 'same-origin' }, signal).catch(fromBff);

  async function once(method: string, path: string, body: string | undefined, signal?: AbortSignal, key?: string) {
    if (ended) end();
    if (mode == 'proxy') return toBff(`${bff}/api${path}`, method, body, signal, key);
    const call = (t: Token) =>
      http(`${t.base}${path}`, { method, body, headers: { Authorization: t.auth }, credentials: 'omit' }, signal);
    const t = await getToken();
    try {
      return await call(t);
    } catch (e) {
      // Expired early, revoked, or single-use: a new token once. A 401 means nothing was applied, so resending is safe.
      if (!(e instanceof ApiError && e.status == 401)) throw e;
      return call(await getToken(t));
    }
  }

  /**
   * Every call here may be retried: the reads trivially, and each write sets an absolute value
   * (`enabled: true`, `automatic_access: false`, revoked) rather than toggling, so a second delivery of a
   * write that did land the first time changes nothing. The bound and the backoff keep a struggling
   * server from being hammered.
   */
  function send(method: string, path: string, payload?: object, signal?: AbortSignal, key?: string, own = false): Promise<unknown> {
    const body = payload && JSON.stringify(payload);
    const attempt = own ? () => (ended ? end() : toBff(`${bff}${path}`, method, body, signal, key)) : () => once(method, path, body, signal, key);
    return retry(attempt, { attempts, backoffMs, retryable: transient, budget, signal });
  }

  // One idempotency key per change, kept across its retries: the BFF's ledger applies it once (proxy mode). A bank's
  // page is a secure context (https), where `randomUUID` exists.
  const put = async (path: string, payload?: object) => consent(await send('PUT', path, payload, undefined, crypto.randomUUID()));
  /** The BFF's own routes (its ledger), in either mode: retried like the rest (reads, a mark that repeats harmlessly, and writes with a key). */
  const ownRoute = (method: string, path: string, payload?: object, key?: string) => send(method, path, payload, undefined, key, true);

  return {
    async list(signal) {
      const read = readConsents(await send('GET', consentPaths.list(), undefined, signal));
      if (!read) throw malformed();
      // One record that cannot be read never hides the others: they are shown, and the count said.
      return Object.assign(read.consents, read.unreadable.length ? { unreadable: read.unreadable.length } : {});
    },
    setAutoShare: (id, enabled) => put(consentPaths.autoShare(id), { automatic_access: enabled }),
    setAccount: (id, accountId, enabled) => put(consentPaths.account(id, accountId), { enabled }),
    bff: ownRoute,
    forget,
    async changes() {
      const body = (await ownRoute('GET', `${ledgerPaths.changes()}?limit=200`)) as HistoryAnswer;
      if (!Array.isArray(body?.changes)) throw malformed();
      return body;
    },
    seen: (ids) => ownRoute('POST', ledgerPaths.seen(), { ids }),
  };
}
