/** Shared plumbing for the sandbox tests: real HTTP against a sandbox started on an ephemeral port. */
import { request as httpRequest } from 'node:http';
import type { StartedSandbox } from '../../demo/sandbox/server.js';

export const CREDENTIALS = { clientId: 'test-client', clientSecret: 'test-secret-7f3a9c' } as const;

export const basic = (id: string, secret: string) => `Basic ${Buffer.from(`${id}:${secret}`).toString('base64')}`;

export const tokenBody = (customerId: string) =>
  JSON.stringify({ type: 'consent_management', scopes: `customer.modify_consent:${customerId}` });

export interface Reply<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

async function reply<T>(res: Response): Promise<Reply<T>> {
  const text = await res.text();
  let json: unknown;
  try {
    json = JSON.parse(text);
  } catch {
    json = undefined;
  }
  return { status: res.status, headers: res.headers, text, json: json as T };
}

export async function postToken(
  s: StartedSandbox,
  body: string | undefined,
  opts: { authorization?: string | null; version?: string } = {},
): Promise<Reply<{ access_token?: string; error?: { status: number; message: string } }>> {
  const headers: Record<string, string> = { Accept: 'application/json', 'Content-Type': 'application/json' };
  const authorization = opts.authorization === undefined ? basic(CREDENTIALS.clientId, CREDENTIALS.clientSecret) : opts.authorization;
  if (authorization !== null) headers.Authorization = authorization;
  return reply(await fetch(`${s.apiBase(opts.version)}/token`, { method: 'POST', headers, body }));
}

export async function tokenFor(s: StartedSandbox, customerId: string): Promise<string> {
  const res = await postToken(s, tokenBody(customerId));
  if (res.status !== 200 || !res.json.access_token) throw new Error(`token request failed: ${res.status} ${res.text}`);
  return res.json.access_token;
}

export async function api<T = unknown>(
  s: StartedSandbox,
  method: 'GET' | 'PUT' | 'POST',
  path: string,
  opts: { token?: string; body?: unknown; rawBody?: string; version?: string; headers?: Record<string, string> } = {},
): Promise<Reply<T>> {
  const headers: Record<string, string> = { Accept: 'application/json', ...opts.headers };
  if (opts.token !== undefined) headers.Authorization = `Bearer ${opts.token}`;
  let body: string | undefined = opts.rawBody;
  if (opts.body !== undefined) body = JSON.stringify(opts.body);
  if (body !== undefined) headers['Content-Type'] ??= 'application/json';
  return reply<T>(await fetch(`${s.apiBase(opts.version)}${path}`, { method, headers, body }));
}

export async function control<T = unknown>(s: StartedSandbox, method: 'GET' | 'PUT' | 'POST', path: string, body?: unknown): Promise<Reply<T>> {
  const init: RequestInit = { method, headers: { 'Content-Type': 'application/json' } };
  if (body !== undefined) init.body = JSON.stringify(body);
  return reply<T>(await fetch(`${s.url}/__sandbox${path}`, init));
}

export function decodeJwt(token: string): { header: string; payload: string; parts: string[] } {
  const parts = token.split('.');
  const text = (p: string | undefined) => Buffer.from(p ?? '', 'base64url').toString('utf8');
  return { header: text(parts[0]), payload: text(parts[1]), parts };
}

/** A GET from a chosen local address, to look like a non-loopback peer (Linux routes all of 127/8 locally). */
export function getFrom(localAddress: string, url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = httpRequest(url, { localAddress, agent: false }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (chunk: string) => (body += chunk));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('error', reject);
    req.end();
  });
}
