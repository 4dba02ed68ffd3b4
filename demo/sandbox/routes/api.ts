/** The five MX endpoints under `/api/{version}` (upstream-mx-api.md). */
import { createHash, timingSafeEqual } from 'node:crypto';
import { setTimeout as delay } from 'node:timers/promises';
import express, { Router, type Request, type RequestHandler, type Response } from 'express';
import type { SandboxContext } from '../context.js';
import { checkAnswers, sendError, sendJson, setAnswerMode } from '../respond.js';
import { generatedCustomer, PROVISIONED_ACCOUNTS, PROVISIONED_APPS } from '../seed.js';
import type { EndpointKey } from '../stats.js';
import { renderConsent, type StoreResult } from '../store.js';

export const API_VERSIONS = ['v4', 'v5', 'v6'] as const;
export const BODY_LIMIT_BYTES = 16 * 1024;
/** Cap on auto-provisioned customers, so a runaway load test cannot exhaust memory. */
export const MAX_PROVISIONED = 20_000;

const SCOPES = /^customer\.modify_consent:([\x21-\x7e]{1,255})$/;

// Every body is read raw and parsed here, whatever its Content-Type, so bad JSON gets our 400 and not a parser's.
const readBody = express.raw({ type: () => true, limit: BODY_LIMIT_BYTES });

type Parsed<T> = { ok: true; value: T } | { ok: false; message: string };

function jsonObject(req: Request): Parsed<Record<string, unknown>> {
  const raw: unknown = req.body;
  if (!Buffer.isBuffer(raw) || raw.length === 0) return { ok: false, message: 'request body is required' };
  let value: unknown;
  try {
    value = JSON.parse(raw.toString('utf8'));
  } catch {
    return { ok: false, message: 'request body is not valid JSON' };
  }
  if (typeof value !== 'object' || value === null || Array.isArray(value)) {
    return { ok: false, message: 'request body must be a JSON object' };
  }
  return { ok: true, value: value as Record<string, unknown> };
}

function booleanField(req: Request, field: string): Parsed<boolean> {
  const body = jsonObject(req);
  if (!body.ok) return body;
  const value = body.value[field];
  return typeof value === 'boolean' ? { ok: true, value } : { ok: false, message: `"${field}" must be a boolean` };
}

function tokenRequest(req: Request): Parsed<string> {
  const body = jsonObject(req);
  if (!body.ok) return body;
  const { type, scopes } = body.value;
  if (typeof type !== 'string') return { ok: false, message: '"type" is required' };
  if (type !== 'consent_management') return { ok: false, message: '"type" must be "consent_management"' };
  if (typeof scopes !== 'string') return { ok: false, message: '"scopes" is required' };
  const match = SCOPES.exec(scopes);
  if (!match) return { ok: false, message: '"scopes" must be "customer.modify_consent:{customer_id}"' };
  return { ok: true, value: match[1]! };
}

const sha256 = (s: string) => createHash('sha256').update(s).digest();

function basicCredentialsMatch(header: string | undefined, clientId: string, clientSecret: string): boolean {
  const match = /^Basic +([A-Za-z0-9+/=]+) *$/i.exec(header ?? '');
  if (!match) return false;
  const decoded = Buffer.from(match[1]!, 'base64').toString('utf8');
  const colon = decoded.indexOf(':');
  if (colon < 0) return false;
  // Digests first, so the comparison takes the same time whatever the lengths.
  const idOk = timingSafeEqual(sha256(decoded.slice(0, colon)), sha256(clientId));
  const secretOk = timingSafeEqual(sha256(decoded.slice(colon + 1)), sha256(clientSecret));
  return idOk && secretOk;
}

/** Counts the request, then lets an armed fault delay, fail, drop or taint it. */
function endpoint(ctx: SandboxContext, key: EndpointKey): RequestHandler {
  return async (req, res, next) => {
    ctx.stats.hit(key);
    checkAnswers(res, key, ctx.checkAnswer);
    res.setHeader('Cache-Control', 'no-store');
    const fault = ctx.faults.take(key);
    if (!fault) return next();
    if (fault.latency_ms) await delay(fault.latency_ms);
    switch (fault.kind) {
      case 'latency':
        return next();
      case 'error': {
        const status = fault.status ?? 500;
        if (status === 429 || status === 503) res.setHeader('Retry-After', '1');
        return sendError(res, status, 'injected fault');
      }
      case 'drop':
        req.socket.destroy();
        return;
      case 'malformed':
        setAnswerMode(res, 'malformed');
        return next();
      case 'apply_then_drop':
        setAnswerMode(res, 'drop');
        return next();
      case 'bad_record':
        setAnswerMode(res, { record: fault.record ?? 0, change: fault.field ?? 'account_id' });
        return next();
      case 'sparse_record':
        setAnswerMode(res, { record: fault.record ?? 0, change: 'sparse' });
        return next();
    }
  };
}

function bearer(ctx: SandboxContext, key: EndpointKey): RequestHandler {
  return async (req, res, next) => {
    const result = await ctx.tokens.authenticate(req.headers.authorization);
    if (!result.ok) {
      res.setHeader('WWW-Authenticate', 'Bearer error="invalid_token"');
      return sendError(res, 401, result.message);
    }
    if (ctx.store.has(result.customerId)) ctx.stats.attribute(key, result.customerId);
    res.locals.customerId = result.customerId;
    next();
  };
}

const customerOf = (res: Response) => res.locals.customerId as string;

function answer(ctx: SandboxContext, res: Response, result: StoreResult): void {
  if (!result.ok) return sendError(res, result.status, result.message);
  sendJson(res, 200, renderConsent(result.consent, ctx.publicUrl(), ctx.answers.omitEmpty));
}

function requestToken(ctx: SandboxContext): RequestHandler {
  return async (req, res) => {
    const parsed = tokenRequest(req);
    if (parsed.ok && ctx.store.has(parsed.value)) ctx.stats.attribute('token', parsed.value);
    if (!basicCredentialsMatch(req.headers.authorization, ctx.clientId, ctx.clientSecret)) {
      res.setHeader('WWW-Authenticate', 'Basic realm="consent sandbox"');
      return sendError(res, 401, 'invalid client credentials');
    }
    if (!parsed.ok) return sendError(res, 400, parsed.message);
    const customerId = parsed.value;
    if (!ctx.store.has(customerId)) {
      if (!ctx.autoProvision || ctx.store.size >= MAX_PROVISIONED) return sendError(res, 404, 'customer not found');
      ctx.store.add(customerId, generatedCustomer(customerId, PROVISIONED_APPS, PROVISIONED_ACCOUNTS, ctx.clock.now(), ctx.answers.idStyle));
      ctx.stats.attribute('token', customerId);
    }
    const accessToken = await ctx.tokens.issue(customerId);
    ctx.stats.tokenIssued(customerId);
    sendJson(res, 200, { access_token: accessToken });
  };
}

export function apiRouter(ctx: SandboxContext): Router {
  const router = Router({ mergeParams: true, caseSensitive: true });
  const versions = new Set<string>(API_VERSIONS);
  router.use((req, _res, next) => next(versions.has(String(req.params.version)) ? undefined : 'router'));

  router.post('/token', endpoint(ctx, 'token'), readBody, requestToken(ctx));

  router.get('/consent_management', endpoint(ctx, 'list'), bearer(ctx, 'list'), (_req, res) => {
    sendJson(res, 200, ctx.store.list(customerOf(res)).map((c) => renderConsent(c, ctx.publicUrl(), ctx.answers.omitEmpty)));
  });

  router.put('/consent_management/:consentId/accounts', endpoint(ctx, 'auto_share'), readBody, bearer(ctx, 'auto_share'),
    (req, res) => {
      const body = booleanField(req, 'automatic_access');
      if (!body.ok) return sendError(res, 400, body.message);
      answer(ctx, res, ctx.store.setAutoShare(customerOf(res), String(req.params.consentId), body.value));
    });

  router.put('/consent_management/:consentId/accounts/:accountId', endpoint(ctx, 'account'), readBody, bearer(ctx, 'account'),
    (req, res) => {
      const body = booleanField(req, 'enabled');
      if (!body.ok) return sendError(res, 400, body.message);
      const { consentId, accountId } = req.params;
      answer(ctx, res, ctx.store.setAccount(customerOf(res), String(consentId), String(accountId), body.value));
    });

  // MX documents no body here; whatever is sent is read (for the size limit) and ignored.
  router.put('/consent_management/:consentId/disable_app_sharing', endpoint(ctx, 'revoke'), readBody, bearer(ctx, 'revoke'),
    (req, res) => {
      answer(ctx, res, ctx.store.revoke(customerOf(res), String(req.params.consentId), ctx.clock.iso()));
    });

  return router;
}
