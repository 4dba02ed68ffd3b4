/** The token codec against MX's published sample token (shared/seeds/request-token.md). */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { encodeToken, verifyToken, type ConsentTokenClaims } from '../../demo/sandbox/jwt.js';

const MX_SAMPLE =
  'eyJhbGciOiJIUzI1NiJ9.eyJuYW1lIjoiY29uc2VudF9tYW5hZ2VtZW50Iiwic2NvcGVzIjp7ImN1c3RvbWVyLm1vZGlmeV9jb25zZW50IjoiZk43U3NJTWZKdkpKY05qS0JtQjZLZyJ9LCJleHAiOjE3NDYxNDM1MTMsImlhdCI6MTc0NjE0MzIxMywianRpIjoiYmQ0MWY3N2UtNjg4NC00MThjLTg2ZTAtM2JiMGRiYzEyYTc3IiwiX3R5cGUiOiJJbnN0aXR1dGlvbiIsIl9pZCI6ImJrdSJ9.q9dvdMTW9kiKOSAeSNICoSWWKsmsCW4MEk85JQA9OWY';

describe('jwt', () => {
  it('encodes the sample claims to the very same header and payload segments as MX', async () => {
    const [header, payload] = MX_SAMPLE.split('.');
    const claims = JSON.parse(Buffer.from(payload!, 'base64url').toString('utf8')) as ConsentTokenClaims;
    const ours = (await encodeToken(claims, 'any-secret')).split('.');
    assert.equal(ours[0], header);
    assert.equal(ours[1], payload);
  });

  it('verifies its own tokens and reports why others fail', async () => {
    const claims: ConsentTokenClaims = {
      name: 'consent_management', scopes: { 'customer.modify_consent': 'abc' }, exp: 1_000_300, iat: 1_000_000,
      jti: 'bd41f77e-6884-418c-86e0-3bb0dbc12a77', _type: 'Institution', _id: 'bku',
    };
    const token = await encodeToken(claims, 'k');
    assert.deepEqual(await verifyToken(token, 'k', 1_000_299), { ok: true, claims });
    assert.deepEqual(await verifyToken(token, 'k', 1_000_300), { ok: false, reason: 'expired' });
    assert.deepEqual(await verifyToken(token, 'other', 1_000_000), { ok: false, reason: 'signature' });
    assert.deepEqual(await verifyToken(MX_SAMPLE, 'k', 1_746_143_300), { ok: false, reason: 'signature' });
    assert.deepEqual(await verifyToken(`${token}.extra`, 'k', 1_000_000), { ok: false, reason: 'malformed' });
    assert.deepEqual(await verifyToken(token.replace(/^[^.]+/, Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url')), 'k', 1_000_000),
      { ok: false, reason: 'malformed' });
    const noJti = await encodeToken({ ...claims, jti: undefined } as unknown as ConsentTokenClaims, 'k');
    assert.deepEqual(await verifyToken(noJti, 'k', 1_000_000), { ok: false, reason: 'malformed' });
  });
});
