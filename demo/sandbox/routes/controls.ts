/**
 * `/__sandbox/*`: test and benchmark controls. Answered only to loopback peers, so a sandbox
 * reachable from a network cannot be reset or faulted by anyone on it, and never to a browser page of another
 * origin, so a site open in a developer's browser cannot reach them through loopback either.
 */
import express, { Router, type Request } from 'express';
import { z } from 'zod';
import type { SandboxContext } from '../context.js';
import { FaultValidationError, type FaultTarget } from '../faults.js';
import { ID_STYLES } from '../seed.js';
import { ENDPOINTS } from '../stats.js';
import { sendError, sendJson } from '../respond.js';

const LOOPBACK = new Set(['127.0.0.1', '::1', '::ffff:127.0.0.1']);

const clockBody = z.object({ advance_seconds: z.number().min(0).max(10 * 365 * 86_400) });
const configBody = z.object({
  single_use: z.boolean().optional(),
  omit_empty: z.boolean().optional(),
  id_style: z.enum(ID_STYLES).optional(),
});
const outageBody = z.strictObject({
  kind: z.enum(['error', 'drop']).optional(),
  status: z.number().int().min(400).max(599).optional(),
});
const outageTargets = new Set<string>([...ENDPOINTS, '*']);

/**
 * A browser's request made by a page of another origin: `Sec-Fetch-Site` says so where the browser sends it (a
 * same-site page on another port included), else an `Origin` other than this server's. Scripts and test runners
 * send neither.
 */
function crossSite(req: Request): boolean {
  const site = req.get('sec-fetch-site');
  if (site !== undefined) return site !== 'same-origin' && site !== 'none';
  const origin = req.get('origin');
  return origin !== undefined && origin !== `${req.protocol}://${req.get('host') ?? ''}`;
}

export function controlsRouter(ctx: SandboxContext): Router {
  const router = Router({ caseSensitive: true });
  router.use((req, _res, next) => next(LOOPBACK.has(req.socket.remoteAddress ?? '') ? undefined : 'router'));
  router.use((req, res, next) => (crossSite(req) ? sendError(res, 403, 'the sandbox controls refuse requests from other sites') : next()));
  router.use(express.json({ type: () => true, limit: '64kb' }));

  router.get('/stats', (_req, res) => sendJson(res, 200, ctx.stats.snapshot()));
  router.get('/requests', (_req, res) => sendJson(res, 200, ctx.requests.list()));

  router.post('/reset', (_req, res) => {
    ctx.reset();
    sendJson(res, 200, { reset: true, now: ctx.clock.iso() });
  });

  router.get('/faults', (_req, res) => sendJson(res, 200, ctx.faults.list()));
  router.put('/faults', (req, res) => {
    try {
      ctx.faults.set(req.body ?? []);
    } catch (err) {
      if (err instanceof FaultValidationError) return sendError(res, 400, err.message);
      throw err;
    }
    sendJson(res, 200, ctx.faults.list());
  });

  // An endpoint down until it is brought back: `PUT /outage/token` (503s), `{"kind":"drop"}` (connection resets).
  router.put('/outage/:endpoint', (req, res) => {
    const endpoint = req.params.endpoint!;
    if (!outageTargets.has(endpoint)) return sendError(res, 404, `no endpoint "${endpoint}"; use ${[...outageTargets].join(', ')}`);
    const body = outageBody.safeParse(req.body ?? {});
    if (!body.success) return sendError(res, 400, 'body: optional "kind" ("error" or "drop") and "status" (400..599)');
    ctx.faults.outage(endpoint as FaultTarget, body.data);
    sendJson(res, 200, ctx.faults.list());
  });
  router.delete('/outage/:endpoint', (req, res) => {
    const endpoint = req.params.endpoint!;
    if (!outageTargets.has(endpoint)) return sendError(res, 404, `no endpoint "${endpoint}"; use ${[...outageTargets].join(', ')}`);
    ctx.faults.endOutage(endpoint as FaultTarget);
    sendJson(res, 200, ctx.faults.list());
  });

  router.get('/clock', (_req, res) => sendJson(res, 200, { now: ctx.clock.iso() }));
  router.post('/clock', (req, res) => {
    const body = clockBody.safeParse(req.body);
    if (!body.success) return sendError(res, 400, '"advance_seconds" must be a non-negative number');
    ctx.clock.advance(body.data.advance_seconds);
    sendJson(res, 200, { now: ctx.clock.iso() });
  });

  const config = () => ({ single_use: ctx.tokens.singleUse, omit_empty: ctx.answers.omitEmpty, id_style: ctx.answers.idStyle });
  router.get('/config', (_req, res) => sendJson(res, 200, config()));
  router.put('/config', (req, res) => {
    const body = configBody.safeParse(req.body);
    if (!body.success) {
      return sendError(res, 400, `"single_use" and "omit_empty" must be booleans, "id_style" one of ${ID_STYLES.join(', ')}`);
    }
    const { single_use, omit_empty, id_style } = body.data;
    if (single_use !== undefined) ctx.tokens.singleUse = single_use;
    if (omit_empty !== undefined) ctx.answers.omitEmpty = omit_empty;
    // A new id style reseeds the data: ids are what every test holds on to, so only an actual change does.
    if (id_style !== undefined && id_style !== ctx.answers.idStyle) ctx.setIdStyle(id_style);
    sendJson(res, 200, config());
  });

  return router;
}
