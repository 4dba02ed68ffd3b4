import { Agent } from 'undici';
import type { Consent } from '@consent-manager/contract';
import { Customer } from '@consent-manager/test-support/client';
import { call, highestRate, type RateOptions, type Send, type StepResult } from '../load.js';
import type { Measurement } from '../measurement.js';
import { startStack, type Stack } from '../support/stack.js';
import { round, spread } from '../stats.js';

const SESSIONS = 1_000;
const ROUNDS = 3;
const RATE: RateOptions = { p99Ms: 100, stepSeconds: 2, startRate: 50, factor: 1.5, maxRate: 20_000, refinements: 2, maxInFlight: 512 };

const customerId = (i: number) => `load-customer-${String(i).padStart(5, '0')}`;
const username = (i: number) => `load${i}`;

interface Shopper {
  id: string;
  cookie: string;
  consent: string;
  accounts: string[];
}

/**
 * The customer journey as the widget drives it (list, switch an account, auto-share, switch an account, token), for
 * 1,000 logged-in customers in turn, sent open-loop at a stepped rate to the BFF (the demo's standalone app) and to a
 * bare Express app that makes the same upstream calls to the same sandbox; each in its own process. The figure: the
 * highest rate with p99 < 100 ms and no error, BFF ÷ bare. Also the BFF's heap for 1,000 logged-in customers.
 */
export const journey: Measurement = {
  name: 'journey',
  keys: ['journey_rate_ratio', 'memory_mb_per_1000_sessions'],
  async run() {
    const users = Object.fromEntries(Array.from({ length: SESSIONS }, (_, i) => [username(i), customerId(i)]));
    const stack = await startStack({ autoProvision: true, users, bffExecArgv: ['--expose-gc'], bare: {} });
    try {
      const heapBefore = await heapUsed(stack);
      const shoppers = await logInAll(stack);
      const heapAfter = await heapUsed(stack);
      const sends = { bff: bffJourney(stack.bffUrl, shoppers), bare: bareJourney(stack.bareUrl!, shoppers) };
      // Every customer once through both, so that each side holds every token before the clock starts.
      await warm(sends.bff, shoppers.length);
      await warm(sends.bare, shoppers.length);

      const rates: Record<'bff' | 'bare', number[]> = { bff: [], bare: [] };
      const steps: Record<string, StepResult[]> = {};
      const ratios: number[] = [];
      for (let r = 0; r < ROUNDS; r++) {
        const order = r % 2 ? (['bare', 'bff'] as const) : (['bff', 'bare'] as const);
        for (const side of order) {
          const found = await highestRate(sends[side], RATE);
          rates[side].push(found.rate);
          steps[`${side}_round_${r + 1}`] = found.steps.map((s) => ({ ...s, p50: round(s.p50, 1), p99: round(s.p99, 1) }));
        }
        ratios.push(rates.bff[r]! / rates.bare[r]!);
      }
      const perThousand = ((heapAfter - heapBefore) / SESSIONS) * 1000 / 1024 / 1024;
      return {
        figures: {
          journey_rate_ratio: round(spread(ratios).median, 3),
          memory_mb_per_1000_sessions: round(perThousand, 2),
        },
        spread: { journey_rate_ratio: spread(ratios) },
        baseline: {
          journey_rate_ratio: 'bare Express app (no middleware) making the same upstream calls to the same sandbox, own process',
          memory_mb_per_1000_sessions: 'the BFF process\'s own heap after gc before the logins',
        },
        extra: {
          journey_rate_bff_per_s: spread(rates.bff),
          journey_rate_bare_per_s: spread(rates.bare),
          journey_steps: steps,
          memory_heap_mb_before_logins: round(heapBefore / 1024 / 1024, 1),
          memory_heap_mb_after_logins: round(heapAfter / 1024 / 1024, 1),
        },
        notes: {
          journey_rate_ratio:
            `open-loop, requests due at a fixed rate whatever the answers do, latency from when each was due; ${SESSIONS} ` +
            'customers in turn, each request one step of list → account switch → auto-share → account switch → token ' +
            `(one upstream call per consent call, none for a cached token on either side); ${RATE.stepSeconds} s steps from ` +
            `${RATE.startRate}/s × ${RATE.factor} until one fails (p99 ≥ ${RATE.p99Ms} ms, an error, or over ${RATE.maxInFlight} ` +
            `in flight), then ${RATE.refinements} halvings; ${ROUNDS} rounds, order alternating, median of the rounds' ratios`,
          memory_mb_per_1000_sessions:
            `BFF heap in use after a forced gc, after − before ${SESSIONS} customers logged in and listed once (sessions, ` +
            'cached tokens, rate-limit windows), per 1,000',
        },
      };
    } finally {
      await stack.stop();
    }
  },
};

async function heapUsed(stack: Stack): Promise<number> {
  const res = await fetch(`${stack.bffUrl}/bench/memory`);
  const memory = (await res.json()) as { heapUsed: number; gc: boolean };
  if (!memory.gc) throw new Error('the BFF process runs without --expose-gc: its heap figures would include garbage');
  return memory.heapUsed;
}

/** Logs every customer in through the demo's login and reads their list once through the BFF. */
async function logInAll(stack: Stack): Promise<Shopper[]> {
  const shoppers: Shopper[] = [];
  for (let start = 0; start < SESSIONS; start += 50) {
    const batch = await Promise.all(Array.from({ length: Math.min(50, SESSIONS - start) }, async (_, k) => {
      const i = start + k;
      const customer = new Customer(stack.bffUrl);
      const login = await customer.login(username(i));
      if (!login.ok) throw new Error(`login as ${username(i)}: HTTP ${login.status}`);
      const list = await customer.request('GET', '/consent/api/consent_management');
      if (!list.ok) throw new Error(`list of ${username(i)}: HTTP ${list.status}`);
      const first = ((await list.json()) as Consent[]).find((c) => !c.revoked_at && c.accounts.length);
      if (!first) throw new Error(`${username(i)} has no active app with accounts`);
      return { id: customerId(i), cookie: customer.cookie, consent: first.id, accounts: first.accounts.map((a) => a.account_id) };
    }));
    shoppers.push(...batch);
  }
  return shoppers;
}

type Step = { method: 'GET' | 'PUT' | 'POST'; path: string; body?: unknown };

/**
 * The i-th request: customer i mod N, step i mod 5 of the journey, so that every stretch of requests has the same mix
 * and no customer has two requests in flight at any rate a step can pass at.
 */
function journeyStep(shoppers: Shopper[], i: number): { shopper: Shopper; step: Step } {
  const shopper = shoppers[i % shoppers.length]!;
  const round = Math.floor(i / shoppers.length);
  const on = round % 2 === 0;
  const account = shopper.accounts[round % shopper.accounts.length]!;
  const list = '/consent_management';
  const steps: Step[] = [
    { method: 'GET', path: list },
    { method: 'PUT', path: `${list}/${shopper.consent}/accounts/${account}`, body: { enabled: on } },
    { method: 'PUT', path: `${list}/${shopper.consent}/accounts`, body: { automatic_access: on } },
    { method: 'PUT', path: `${list}/${shopper.consent}/accounts/${account}`, body: { enabled: !on } },
    { method: 'POST', path: 'token' },
  ];
  return { shopper, step: steps[i % steps.length]! };
}

function bffJourney(url: string, shoppers: Shopper[]): Send {
  return (i, dispatcher) => {
    const { shopper, step } = journeyStep(shoppers, i);
    const path = step.path === 'token' ? '/consent/token' : `/consent/api${step.path}`;
    return call(dispatcher, `${url}${path}`, step.method, { cookie: shopper.cookie, 'x-csrf': '1', accept: 'application/json' }, step.body);
  };
}

function bareJourney(url: string, shoppers: Shopper[]): Send {
  return (i, dispatcher) => {
    const { shopper, step } = journeyStep(shoppers, i);
    const path = step.path === 'token' ? '/token' : `/api${step.path}`;
    return call(dispatcher, `${url}${path}`, step.method, { 'x-customer': shopper.id, accept: 'application/json' }, step.body);
  };
}

/** Runs requests 0..count-1 in order, 50 at a time; every one must succeed. */
async function warm(send: Send, count: number): Promise<void> {
  const dispatcher = new Agent({ connections: 50 });
  try {
    for (let start = 0; start < count; start += 50) {
      await Promise.all(Array.from({ length: Math.min(50, count - start) }, (_, k) => send(start + k, dispatcher)));
    }
  } finally {
    await dispatcher.close();
  }
}
