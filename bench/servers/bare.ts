// A bench child: the floor for the BFF's figures. Express with no middleware at all, in a process of the same
// shape as the BFF's (node --import tsx, NODE_ENV=production, started by the same helper):
//   POST /token                 the BFF token answer's JSON shape, from memory (BENCH_BARE_TOKEN_BODY), or, with an
//                               `x-customer` header, that customer's own token, fetched once from the sandbox
//   GET|PUT /api/consent_management[...]
//                               the four consent calls passed to the sandbox (BENCH_MX_URL) with the customer's token:
//                               the same upstream calls as the BFF makes, without sessions, CSRF, logs, limits,
//                               validation or error mapping; request and answer bodies are relayed as bytes
import { Buffer } from 'node:buffer';
import express, { type Request, type Response } from 'express';
import { Pool } from 'undici';

const fixed = JSON.parse(process.env.BENCH_BARE_TOKEN_BODY ?? '{}') as Record<string, unknown>;
const mxUrl = process.env.BENCH_MX_URL;
const basic = `Basic ${Buffer.from(`${process.env.BENCH_CLIENT_ID ?? 'bench-bank'}:${process.env.BENCH_CLIENT_SECRET ?? ''}`).toString('base64')}`;
const pool = mxUrl ? new Pool(mxUrl, { connections: 64, keepAliveTimeout: 10_000 }) : undefined;
const tokens = new Map<string, Promise<string>>();

function tokenFor(customer: string): Promise<string> {
  let token = tokens.get(customer);
  if (!token) {
    token = pool!.request({
      method: 'POST', path: '/api/v4/token',
      headers: { authorization: basic, 'content-type': 'application/json', accept: 'application/json' },
      body: JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${customer}` }),
    }).then(async (res) => ((await res.body.json()) as { access_token: string }).access_token);
    token.catch(() => tokens.delete(customer));
    tokens.set(customer, token);
  }
  return token;
}

async function relay(req: Request, res: Response) {
  const token = await tokenFor(String(req.headers['x-customer']));
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const upstream = await pool!.request({
    method: req.method as 'GET' | 'PUT',
    path: `/api/v4${req.path.slice('/api'.length)}`,
    headers: { authorization: `Bearer ${token}`, accept: 'application/json', ...(chunks.length ? { 'content-type': 'application/json' } : {}) },
    body: chunks.length ? Buffer.concat(chunks) : undefined,
  });
  const body = Buffer.from(await upstream.body.arrayBuffer());
  res.status(upstream.statusCode).type('application/json').send(body);
}

const app = express();
app.post('/token', async (req, res) => {
  const customer = req.headers['x-customer'];
  if (typeof customer !== 'string') return res.set('Cache-Control', 'no-store').json(fixed);
  res.set('Cache-Control', 'no-store').json({ access_token: await tokenFor(customer), expires_at: new Date().toISOString(), api_base: `${mxUrl}/api/v4` });
});
app.get('/api/consent_management', relay);
app.put('/api/consent_management/{*rest}', relay);

const server = app.listen(0, '127.0.0.1', () => {
  const { port } = server.address() as { port: number };
  console.log(JSON.stringify({ url: `http://127.0.0.1:${port}` }));
});
process.once('SIGTERM', () => {
  server.closeAllConnections();
  server.close(() => void (pool?.close() ?? Promise.resolve()).then(() => process.exit(0)));
});
