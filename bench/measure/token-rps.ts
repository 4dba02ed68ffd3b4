import autocannon from 'autocannon';
import { Customer } from '@consent-manager/test-support/client';
import type { Measurement } from '../measurement.js';
import { spawnServer } from '../support/spawn.js';
import { round, spread } from '../stats.js';

// Many short pairs rather than a few long runs: other work on a shared machine comes in bursts, and a
// burst then spoils a pair or two, which the median sets aside, instead of a large share of one run.
const ROUNDS = 10;
const SECONDS = 1;
const CONNECTIONS = 10;

interface Bff {
  url: string;
}

/**
 * `POST /consent/token` answered from the broker's cache against `POST /bench/bare`, a handler that only
 * sends JSON of the same shape, in the same app behind the same helmet, request log and session middleware,
 * with the same session cookie. The two alternate within each round, so the ratio of a round is taken
 * under the same machine load.
 */
export const tokenRps: Measurement = {
  name: 'token-rps',
  keys: ['token_rps_ratio'],
  async run() {
    const bff = await spawnServer<Bff>('bff');
    try {
      const customer = new Customer(bff.info.url);
      const login = await customer.request('POST', '/bench/login', { json: { username: 'alex' }, csrf: false });
      if (!login.ok) throw new Error(`bench login failed: HTTP ${login.status}`);
      const headers = { cookie: customer.cookie, 'x-csrf': '1' };
      const token = () => hammer(`${bff.info.url}/consent/token`, headers, SECONDS);
      const bare = () => hammer(`${bff.info.url}/bench/bare`, headers, SECONDS);

      const warm = (url: string) => autocannon({ url, method: 'POST', headers, connections: CONNECTIONS, duration: 1 });
      await warm(`${bff.info.url}/consent/token`);
      await warm(`${bff.info.url}/bench/bare`);
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
        extra: { token_rps: round(spread(tokenRates).median, 0), bare_rps: round(spread(bareRates).median, 0) },
        notes: {
          token_rps_ratio:
            `POST /consent/token (CSRF check, session → customer, rate limiter, cached token) ÷ POST /bench/bare ` +
            `(same JSON shape) in one app behind helmet + request log (info, to /dev/null) + session; ` +
            `autocannon, ${CONNECTIONS} connections, ${ROUNDS} pairs of ${SECONDS} s runs, order alternating, median of the pairs' ratios; ` +
            'NODE_ENV=production',
        },
      };
    } finally {
      await bff.stop();
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
