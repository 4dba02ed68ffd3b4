import autocannon from 'autocannon';
import { Customer } from '@consent-manager/test-support/client';
import type { Measurement } from '../measurement.js';
import { startStack } from '../support/stack.js';
import { round, spread } from '../stats.js';

// Many short pairs rather than a few long runs: other work on a shared machine comes in bursts, and a
// burst then spoils a pair or two, which the median sets aside, instead of a large share of one run.
const ROUNDS = 10;
const SECONDS = 1;
const CONNECTIONS = 10;

/**
 * `POST /consent/token` answered from the broker's cache, through the whole standalone BFF (helmet, request log,
 * session, CSRF, rate limiter), against `POST /token` of the bare app: Express with no middleware sending JSON of the
 * same shape and length. Each runs in its own process of the same shape; the two alternate within each round, so
 * the ratio of a round is taken under the same machine load.
 */
export const tokenRps: Measurement = {
  name: 'token-rps',
  keys: ['token_rps_ratio'],
  async run() {
    const stack = await startStack();
    try {
      const customer = new Customer(stack.bffUrl);
      const login = await customer.login('alex');
      if (!login.ok) throw new Error(`login failed: HTTP ${login.status}`);
      const answer = await customer.token();
      if (!answer.ok) throw new Error(`POST /consent/token: HTTP ${answer.status}`);
      const real = (await answer.json()) as { access_token: string; expires_at: string; api_base: string };
      // Same shape and length as the real answer, so neither side sends more bytes.
      const sameShape = { ...real, access_token: 'x'.repeat(real.access_token.length) };
      const bareUrl = await stack.startBare(sameShape);
      const headers = { cookie: customer.cookie, 'x-csrf': '1' };
      const token = () => hammer(`${stack.bffUrl}/consent/token`, headers, SECONDS);
      const bare = () => hammer(`${bareUrl}/token`, headers, SECONDS);

      await token();
      await bare();
      const ratios: number[] = [];
      const tokenRates: number[] = [];
      const bareRates: number[] = [];
      for (let i = 0; i < ROUNDS; i++) {
        let t: number;
        let b: number;
        if (i % 2) {
          t = await token();
          b = await bare();
        } else {
          b = await bare();
          t = await token();
        }
        tokenRates.push(t);
        bareRates.push(b);
        ratios.push(t / b);
      }
      return {
        figures: { token_rps_ratio: round(spread(ratios).median, 3) },
        spread: { token_rps_ratio: spread(ratios) },
        baseline: { token_rps_ratio: 'bare Express POST route, no middleware, same JSON, own process' },
        extra: { token_rps: round(spread(tokenRates).median, 0), bare_rps: round(spread(bareRates).median, 0) },
        notes: {
          token_rps_ratio:
            'requests/s of POST /consent/token (whole standalone BFF: helmet, request log at info to /dev/null, session, ' +
            'CSRF, customer, rate limiter, cached token) ÷ requests/s of POST /token on a bare Express app (no middleware, ' +
            `JSON of the same shape and length); each in its own process, sandbox in a third; autocannon, ${CONNECTIONS} ` +
            `connections, ${ROUNDS} pairs of ${SECONDS} s runs, order alternating, median of the pairs' ratios`,
        },
      };
    } finally {
      await stack.stop();
    }
  },
};

async function hammer(url: string, headers: Record<string, string>, seconds: number): Promise<number> {
  const result = await autocannon({ url, method: 'POST', headers, connections: CONNECTIONS, duration: seconds });
  if (result.non2xx > 0 || result.errors > 0) {
    throw new Error(`${url}: ${result.non2xx} non-2xx answers and ${result.errors} errors under load`);
  }
  return result['2xx'] / result.duration;
}
