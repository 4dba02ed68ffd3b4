/** Runs a sandbox on its own HTTP server: what tests, benchmarks and `npm run sandbox` use. */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { createSandbox, type Sandbox, type SandboxOptions } from './app.js';

export type StartSandboxOptions = Omit<SandboxOptions, 'publicUrl'> & { port?: number; host?: string };

export interface StartedSandbox {
  /** e.g. `http://127.0.0.1:PORT`, no trailing slash. */
  url: string;
  /** `${url}/api/${version}`; version defaults to 'v4'. */
  apiBase(version?: string): string;
  sandbox: Sandbox;
  close(): Promise<void>;
}

/** A wildcard bind address is not somewhere a client can be sent. */
function reachableHost(host: string): string {
  if (host === '0.0.0.0') return '127.0.0.1';
  if (host === '::') return '[::1]';
  return host.includes(':') ? `[${host}]` : host;
}

export async function startSandbox(opts: StartSandboxOptions): Promise<StartedSandbox> {
  const { port = 0, host = '127.0.0.1', ...options } = opts;
  let url = '';
  const sandbox = createSandbox({ ...options, publicUrl: () => url });
  const server = createServer(sandbox.handler);
  // Idle connections are kept as long as a load balancer in front of an API keeps them (a minute or more), not Node's
  // 5 s: a client that closes its idle connections first, as the BFF does after 10 s, never sends on one being closed.
  server.keepAliveTimeout = 65_000;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  url = `http://${reachableHost(host)}:${(server.address() as AddressInfo).port}`;
  return {
    url,
    apiBase: (version = 'v4') => `${url}/api/${version}`,
    sandbox,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.close((err) => (err ? reject(err) : resolve()));
        server.closeAllConnections();
      }),
  };
}
