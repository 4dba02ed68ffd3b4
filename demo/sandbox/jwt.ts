/**
 * HS256 tokens shaped exactly like MX's consent token (upstream-mx-api.md §1, decoded sample), signed and verified
 * by jose. The protected header is given as `{"alg":"HS256"}` alone (jose adds no `typ` of its own), and the claims
 * are serialised in the order they are built, so the header and payload segments equal MX's byte for byte.
 */
import { randomUUID } from 'node:crypto';
import { errors, jwtVerify, SignJWT } from 'jose';

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
const BASE64URL = /^[A-Za-z0-9_-]+$/;
const key = (secret: string) => new TextEncoder().encode(secret);

export function encodeToken(claims: ConsentTokenClaims, secret: string): Promise<string> {
  return new SignJWT({ ...claims }).setProtectedHeader({ alg: 'HS256' }).sign(key(secret));
}

export async function issueToken(args: {
  customerId: string;
  institutionCode: string;
  nowSeconds: number;
  ttlSeconds: number;
  secret: string;
}): Promise<{ token: string; claims: ConsentTokenClaims }> {
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
  return { token: await encodeToken(claims, args.secret), claims };
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

export async function verifyToken(token: string, secret: string, nowSeconds: number): Promise<VerifyResult> {
  const parts = token.split('.');
  if (parts.length !== 3 || !parts.every((p) => BASE64URL.test(p))) return { ok: false, reason: 'malformed' };
  // Only our exact header is accepted (jose would take a `typ` or other members): this also closes the
  // `alg: none` and algorithm-swap doors, as does `algorithms` below.
  if (Buffer.from(parts[0]!, 'base64url').toString('utf8') !== HEADER_JSON) return { ok: false, reason: 'malformed' };
  try {
    const { payload } = await jwtVerify(token, key(secret), { algorithms: ['HS256'], currentDate: new Date(nowSeconds * 1000) });
    return isClaims(payload) ? { ok: true, claims: payload } : { ok: false, reason: 'malformed' };
  } catch (err) {
    if (err instanceof errors.JWSSignatureVerificationFailed) return { ok: false, reason: 'signature' };
    if (err instanceof errors.JWTExpired) return { ok: false, reason: 'expired' };
    return { ok: false, reason: 'malformed' };
  }
}
