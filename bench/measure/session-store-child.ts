// Run as `node --expose-gc --import tsx bench/measure/session-store-child.ts`: heap figures need a forced GC
// before each reading, and a process of their own so nothing else allocates in between.
import { randomBytes } from 'node:crypto';
import type { SessionData } from 'express-session';
import { BoundedMemoryStore } from '@consent-manager/bff/standalone';

const SESSIONS = 10_000;
const ROUNDS = 5;
const IDLE_MS = 15 * 60_000;

const gc = (globalThis as { gc?: () => void }).gc;
if (!gc) throw new Error('run with --expose-gc');

async function heapAfterGc(): Promise<number> {
  for (let i = 0; i < 3; i++) {
    gc!();
    await new Promise((resolve) => setImmediate(resolve));
  }
  return process.memoryUsage().heapUsed;
}

/** What express-session hands the store after a demo login: its cookie record plus our two fields. */
function loggedInSession(): SessionData {
  const expires = new Date(Date.now() + IDLE_MS);
  return {
    cookie: { originalMaxAge: IDLE_MS, expires, secure: false, httpOnly: true, path: '/', sameSite: 'lax' },
    // A 22-character id, the length of MX's openid_connect_user_id.
    customerId: randomBytes(16).toString('base64url'),
    loggedInAt: Date.now(),
  } as SessionData;
}

/** A fresh store per round; it is unreachable once the round returns, so rounds do not add up. */
async function bytesPerSession(): Promise<number> {
  const store = new BoundedMemoryStore(50_000, IDLE_MS);
  const before = await heapAfterGc();
  // express-session's own id: uid-safe over 24 random bytes.
  for (let i = 0; i < SESSIONS; i++) store.set(randomBytes(24).toString('base64url'), loggedInSession());
  const after = await heapAfterGc();
  if (store.size !== SESSIONS) throw new Error(`store holds ${store.size} sessions, expected ${SESSIONS}`);
  return (after - before) / SESSIONS;
}

const perSession: number[] = [];
for (let round = 0; round < ROUNDS; round++) perSession.push(await bytesPerSession());
console.log(JSON.stringify({ perSession, sessions: SESSIONS, jsonBytes: JSON.stringify(loggedInSession()).length }));
