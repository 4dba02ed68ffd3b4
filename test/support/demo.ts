import './keep-alive.js';
import type { Writable } from 'node:stream';
import type { LedgerChange } from '@consent-manager/bff';
import { createLogger, loadConfig, loadLedgerConfig } from '@consent-manager/bff/standalone';
import { startDemo, type DemoOptions, type RunningDemo } from '@consent-manager/demo';
import { checkMxAnswer } from './mx-contract.js';

export interface TestDemoOptions {
  env?: Record<string, string>;
  publicUrl?: string;
  sandbox?: DemoOptions['sandbox'];
  /** Demo login name → customer id; DEMO_CUSTOMERS by default (load tests pass thousands). */
  users?: DemoOptions['users'];
  /** Receives every log line (tests assert no secret is ever logged). */
  logStream?: Writable;
  onSettled?: (change: LedgerChange) => void;
}

export interface TestDemo extends RunningDemo {
  /** The server's own address (the public URL may be a proxy in front of it). */
  ownUrl: string;
}

/** The demo bank exactly as `npm start` builds it (both modes on), on a free loopback port, logs silenced unless captured. */
export async function startTestDemo(opts: TestDemoOptions = {}): Promise<TestDemo> {
  const config = loadConfig({ PORT: '0', NODE_ENV: 'test', CONSENT_MODE: 'both', ...opts.env }, { requireUpstream: false });
  const logger = createLogger(opts.logStream ? 'info' : 'silent', opts.logStream);
  // The ledger in memory unless the test names one (LEDGER_DIR, DATABASE_URL).
  const ledger = loadLedgerConfig({ LEDGER_DIR: 'memory://', ...opts.env });
  const demo = await startDemo({
    // Every answer of the embedded sandbox is held to MX's description (mx-contract.ts).
    config, logger, publicUrl: opts.publicUrl, sandbox: { checkAnswer: checkMxAnswer, ...opts.sandbox }, users: opts.users, ledger, onSettled: opts.onSettled,
  });
  const address = demo.server.address();
  const ownUrl = typeof address === 'object' && address ? `http://127.0.0.1:${address.port}` : demo.url;
  return { ...demo, ownUrl };
}
