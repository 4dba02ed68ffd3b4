import { Writable } from 'node:stream';
import type { StartSandboxOptions, StartedSandbox } from '@consent-manager/mx-sandbox';
import { startSandbox } from './mx-contract.js';
import { startTestDemo, type TestDemo } from './demo.js';

export const CLIENT_ID = 'test-bank';
/** Made up per run, so a leak check can search for it everywhere. */
export const CLIENT_SECRET = `cs-${crypto.randomUUID()}`;

export interface Stack {
  mx: StartedSandbox;
  bff: TestDemo;
  logs: string[];
  /** Requests the sandbox saw per endpoint since the last reset. */
  upstreamCount(endpoint: 'token' | 'list' | 'auto_share' | 'account' | 'revoke'): number;
  close(): Promise<void>;
}

/** An MX sandbox on its own port and the demo BFF pointed at it with known credentials, logs captured. */
export async function startStack(
  env: Record<string, string> = {},
  sandbox: Partial<Omit<StartSandboxOptions, 'clientId' | 'clientSecret'>> = {},
): Promise<Stack> {
  const mx = await startSandbox({ clientId: CLIENT_ID, clientSecret: CLIENT_SECRET, ...sandbox });
  const logs: string[] = [];
  const logStream = new Writable({
    write(chunk: Buffer, _enc, cb) {
      logs.push(...chunk.toString('utf8').split('\n').filter(Boolean));
      cb();
    },
  });
  const bff = await startTestDemo({
    env: { MX_BASE_URL: mx.url, MX_CLIENT_ID: CLIENT_ID, MX_CLIENT_SECRET: CLIENT_SECRET, ...env },
    logStream,
  });
  return {
    mx,
    bff,
    logs,
    upstreamCount: (endpoint) => mx.sandbox.stats()[endpoint],
    async close() {
      await bff.close();
      await mx.close();
    },
  };
}
