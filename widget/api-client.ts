import { consentPaths, CSRF_HEADER, IDEMPOTENCY_HEADER, STEP_UP_REQUIRED } from '@consent-manager/contract';
import type { Consent, ConsentAccount, ConsentMode, HistoryAnswer, TokenRequest, TokenResponse } from '@consent-manager/contract';
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

export interface ApiClient {
  list(signal?: AbortSignal): Promise<Consent[]>;
  setAutoShare(consentId: string, enabled: boolean): Promise<Consent>;
  setAccount(consentId: string, accountId: string, enabled: boolean): Promise<Consent>;
  stop(consentId: string): Promise<Consent>;
  /**
   * Sends a stop that must outlive the page (`fetch` with `keepalive`, e.g. on `pagehide`). No answer is
   * awaited: a stop is one-way and idempotent, so the next load shows whether it landed.
   */
  beacon(consentId: string): void;
  /** Direct mode: holds a token ready, since a page that is going away has no time to ask for one. */
  arm(): Promise<void>;
  /** Drops all that belongs to the session so far (the held token, which session it was): `reload()` calls it. */
  forget(): void;
  /** The customer's changes across visits, newest first, from the BFF's ledger (either mode: the session, never a token). */
  changes(): Promise<HistoryAnswer>;
  /** Tells the BFF these outcomes were shown to the customer, so they are not said again. */
  seen(ids: string[]): Promise<unknown>;
}

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
  /** Epoch ms after which the token is not used (the armed one only: every call asks for its own). */
  until: number;
}

/** An armed token is not used this close to `expires_at`, so it never expires in flight (or on a slow clock). */
const TOKEN_MARGIN_MS = 30_000;

const isAccount = (a: ConsentAccount) =>
  typeof a?.account_id == 'string' &&
  typeof a.nickname == 'string' &&
  typeof a.account_number_display == 'string' &&
  typeof a.enabled == 'boolean';

const isConsent = (c: Consent) =>
  typeof c?.id == 'string' &&
  typeof c.application_name == 'string' &&
  typeof c.auto_enable_future_accounts == 'boolean' &&
  typeof c.consented_on == 'string' &&
  Array.isArray(c.accounts) &&
  c.accounts.every(isAccount) &&
  [c.revoked_at, c.last_accessed, c.application_icon_url].every((v) => v === null || typeof v == 'string');

const malformed = () => new ApiError('malformed', 'The server sent an unexpected answer.');

function consent(body: unknown): Consent {
  if (!isConsent(body as Consent)) throw malformed();
  return body as Consent;
}

/** Worth another attempt: no answer at all, a garbled one, or a server-side failure. */
const transient = (e: unknown) => e instanceof ApiError && (e.status >= 500 || e.status == 0);

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
  let spare: Token | undefined;
  let ended = false;
  const budget = retryBudget();

  function forget() {
    session = spare = pending = undefined;
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
        const { access_token, expires_at, api_base, single_use, session: marker } = body as TokenResponse;
        if (typeof access_token != 'string' || typeof api_base != 'string') throw malformed();
        if ((session ??= marker) != marker) end();
        return {
          auth: `Bearer ${access_token}`,
          base: new URL(api_base, document.baseURI).href.replace(/\/+$/, ''),
          // A single-use token serves the call that fetched it and no other.
          until: single_use ? 0 : Date.parse(expires_at) - TOKEN_MARGIN_MS,
        };
      }, fromBff)
      .finally(() => (pending = undefined));
    return (pending = asked);
  }

  async function once(method: string, path: string, body: string | undefined, signal?: AbortSignal, key?: string) {
    if (ended) end();
    if (mode == 'proxy') {
      const headers = { [CSRF_HEADER]: '1', ...(key ? { [IDEMPOTENCY_HEADER]: key } : {}) };
      return http(`${bff}/api${path}`, { method, body, headers, credentials: 'same-origin' }, signal).catch(
        fromBff,
      );
    }
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
  function send(method: string, path: string, payload?: object, signal?: AbortSignal, key?: string): Promise<unknown> {
    const body = payload && JSON.stringify(payload);
    return retry(() => once(method, path, body, signal, key), { attempts, backoffMs, retryable: transient, budget, signal });
  }

  // One idempotency key per change, kept across its retries: the BFF's ledger applies it once (proxy mode). A bank's
  // page is a secure context (https), where `randomUUID` exists.
  const put = async (path: string, payload?: object) => consent(await send('PUT', path, payload, undefined, crypto.randomUUID()));

  /** The BFF's own routes (its ledger), in either mode; retried like the rest (a read, and a mark that repeats harmlessly). */
  const ledger = (method: string, path: string, payload?: object) =>
    retry(
      () =>
        ended
          ? end()
          : http(`${bff}${path}`, { method, body: payload && JSON.stringify(payload), headers: { [CSRF_HEADER]: '1' }, credentials: 'same-origin' }).catch(fromBff),
      { attempts, backoffMs, retryable: transient, budget },
    );

  return {
    async list(signal) {
      const body = await send('GET', consentPaths.list(), undefined, signal);
      if (!Array.isArray(body)) throw malformed();
      return body.map(consent);
    },
    setAutoShare: (id, enabled) => put(consentPaths.autoShare(id), { automatic_access: enabled }),
    setAccount: (id, accountId, enabled) => put(consentPaths.account(id, accountId), { enabled }),
    stop: (id) => put(consentPaths.stop(id)),
    beacon(id) {
      const t = spare;
      // A reusable armed token serves until it is near expiry; a single-use one (until 0), one request.
      if (ended || (mode == 'direct' && !(t && (t.until == 0 || t.until > Date.now())))) return;
      if (t?.until == 0) spare = undefined;
      fetch(`${t ? t.base : `${bff}/api`}${consentPaths.stop(id)}`, {
        method: 'PUT',
        keepalive: true,
        headers: t ? { Authorization: t.auth } : { [CSRF_HEADER]: '1' },
        credentials: t ? 'omit' : 'same-origin',
      }).catch(() => {});
    },
    async arm() {
      if (mode == 'direct') spare = await getToken();
    },
    forget,
    async changes() {
      const body = (await ledger('GET', '/changes?limit=200')) as HistoryAnswer;
      if (!Array.isArray(body?.changes)) throw malformed();
      return body;
    },
    seen: (ids) => ledger('POST', '/changes/seen', { ids }),
  };
}
