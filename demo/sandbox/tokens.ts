/**
 * Issues consent tokens and checks bearers. Remembers which tokens were used, so strict single-use
 * mode (MX's hosted dashboard behaviour, possibly the API's too) can be switched on at any time.
 */
import { issueToken, verifyToken } from './jwt.js';
import type { OffsetClock } from './clock.js';

export type BearerResult = { ok: true; customerId: string } | { ok: false; message: string };

const REASONS = {
  malformed: 'invalid access token',
  signature: 'invalid access token',
  expired: 'access token expired',
} as const;

export class TokenService {
  /** jti → exp (s), pruned once expired: an expired token fails before its jti matters. */
  private readonly used = new Map<string, number>();
  singleUse: boolean;

  constructor(
    private readonly cfg: { secret: string; institutionCode: string; ttlSeconds: number; singleUse: boolean },
    private readonly clock: OffsetClock,
  ) {
    this.singleUse = cfg.singleUse;
  }

  async issue(customerId: string): Promise<string> {
    const { token } = await issueToken({
      customerId,
      institutionCode: this.cfg.institutionCode,
      nowSeconds: this.clock.nowSeconds(),
      ttlSeconds: this.cfg.ttlSeconds,
      secret: this.cfg.secret,
    });
    return token;
  }

  async authenticate(authorization: string | undefined): Promise<BearerResult> {
    const match = /^Bearer +([^\s]+) *$/i.exec(authorization ?? '');
    if (!match) return { ok: false, message: 'missing bearer token' };
    const now = this.clock.nowSeconds();
    const result = await verifyToken(match[1]!, this.cfg.secret, now);
    // From here on synchronous: two requests bearing one single-use token cannot both pass the check below.
    if (!result.ok) return { ok: false, message: REASONS[result.reason] };
    const { jti, exp } = result.claims;
    if (this.singleUse && this.used.has(jti)) return { ok: false, message: 'access token already used' };
    this.prune(now);
    this.used.set(jti, exp);
    return { ok: true, customerId: result.claims.scopes['customer.modify_consent'] };
  }

  // Amortised: sweeping only when the map has doubled keeps each request O(1) on average.
  private pruneAt = 10_000;

  private prune(now: number): void {
    if (this.used.size < this.pruneAt) return;
    for (const [jti, exp] of this.used) if (exp <= now) this.used.delete(jti);
    this.pruneAt = Math.max(10_000, this.used.size * 2);
  }

  reset(): void {
    this.used.clear();
    this.pruneAt = 10_000;
    this.singleUse = this.cfg.singleUse;
  }
}
