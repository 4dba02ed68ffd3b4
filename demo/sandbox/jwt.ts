/**
 * HS256 tokens shaped exactly like MX's consent token (upstream-mx-api.md §1, decoded sample).
 * Hand-rolled on node:crypto so that the header stays `{"alg":"HS256"}` with no `typ`,
 * which JWT libraries tend to add.
 */
import { createHmac, randomUUID, timingSafeEqual } from 'node:crypto';

export const TOKEN_SCOPE = 'customer.modify_consent';

export interface ConsentTokenClaims {
  name: 'consent_management';
  scopes: { [TOKEN_SCOPE]: string };
  exp: number;
  iat: number;
  jti: string;
  _type: 'Institution';
  _id: string;
}

export type VerifyResult =
  | { ok: true; claims: ConsentTokenClaims }
  | { ok: false; reason: 'malformed' | 'signature' | 'expired' };

const HEADER_JSON = '{"alg":"HS256"}';
const ENCODED_HEADER = Buffer.from(HEADER_JSON).toString('base64url');
const BASE64URL = /^[A-Za-z0-9_-]+$/;

function sign(signingInput: string, secret: string): Buffer {
  return createHmac('sha256', secret).update(signingInput).digest();
}

export function encodeToken(claims: ConsentTokenClaims, secret: string): string {
  const payload = Buffer.from(JSON.stringify(claims)).toString('base64url');
  const input = `${ENCODED_HEADER}.${payload}`;
  return `${input}.${sign(input, secret).toString('base64url')}`;
}

export function issueToken(args: {
  customerId: string;
  institutionCode: string;
  nowSeconds: number;
  ttlSeconds: number;
  secret: string;
}): { token: string; claims: ConsentTokenClaims } {
  // Key order matters to clients that compare against MX's decoded sample, so it is spelled out.
  const claims: ConsentTokenClaims = {
    name: 'consent_management',
    scopes: { [TOKEN_SCOPE]: args.customerId },
    exp: args.nowSeconds + args.ttlSeconds,
    iat: args.nowSeconds,
    jti: randomUUID(),
    _type: 'Institution',
    _id: args.institutionCode,
  };
  return { token: encodeToken(claims, args.secret), claims };
}

function decodeJson(part: string): unknown {
  try {
    return JSON.parse(Buffer.from(part, 'base64url').toString('utf8'));
  } catch {
    return undefined;
  }
}

function isClaims(value: unknown): value is ConsentTokenClaims {
  if (typeof value !== 'object' || value === null) return false;
  const v = value as Record<string, unknown>;
  const scopes = v.scopes as Record<string, unknown> | null | undefined;
  return (
    v.name === 'consent_management' &&
    typeof scopes === 'object' &&
    scopes !== null &&
    typeof scopes[TOKEN_SCOPE] === 'string' &&
    Number.isInteger(v.exp) &&
    Number.isInteger(v.iat) &&
    typeof v.jti === 'string'
  );
}

export function verifyToken(token: string, secret: string, nowSeconds: number): VerifyResult {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return { ok: false, reason: 'malformed' };
  const [header, payload, signature] = parts as [string, string, string];
  // Only our exact header is accepted: this closes the `alg: none` and algorithm-swap doors.
  if (Buffer.from(header, 'base64url').toString('utf8') !== HEADER_JSON) return { ok: false, reason: 'malformed' };
  const expected = sign(`${header}.${payload}`, secret);
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return { ok: false, reason: 'signature' };
  const claims = decodeJson(payload);
  if (!isClaims(claims)) return { ok: false, reason: 'malformed' };
  if (claims.exp <= nowSeconds) return { ok: false, reason: 'expired' };
  return { ok: true, claims };
}
