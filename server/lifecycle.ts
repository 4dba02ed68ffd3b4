import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

/** How long and how many: Node's defaults let a slow request body hold a socket for five minutes. */
export interface ServerLimits {
  /** Until the request's headers are in. */
  headersTimeoutMs: number;
  /** Until the whole request, body included, is in (our bodies are a few hundred bytes). */
  requestTimeoutMs: number;
  /** An idle keep-alive connection is closed after this. */
  keepAliveTimeoutMs: number;
  /** Connections beyond this are refused at once. */
  maxConnections: number;
}

export const SERVER_LIMITS: ServerLimits = {
  headersTimeoutMs: 10_000,
  requestTimeoutMs: 15_000,
  keepAliveTimeoutMs: 5_000,
  maxConnections: 1_024,
};

export async function listen(
  port: number,
  host: string,
  handler?: RequestListener,
  limits: Partial<ServerLimits> = {},
): Promise<{ server: Server; url: string }> {
  const l = { ...SERVER_LIMITS, ...limits };
  const server = createServer({
    headersTimeout: l.headersTimeoutMs,
    requestTimeout: l.requestTimeoutMs,
    keepAliveTimeout: l.keepAliveTimeoutMs,
    // Node checks the two timeouts above every 30 s by default, which would let a slow request run 30 s over.
    connectionsCheckingInterval: Math.min(1_000, l.headersTimeoutMs),
  }, handler);
  server.maxConnections = l.maxConnections;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, host, () => resolve());
  });
  const { port: actual } = server.address() as AddressInfo;
  const shownHost = host.includes(':') ? `[${host}]` : host;
  return { server, url: `http://${shownHost}:${actual}` };
}

/** Stops accepting, lets in-flight requests finish (bounded), then drops what is left. */
export async function closeGracefully(server: Server, graceMs = 10_000): Promise<void> {
  // Answers given while draining close their connection, so no client sends its next request into a closing socket.
  server.prependListener('request', (_req, res: ServerResponse) => { res.shouldKeepAlive = false; });
  const closed = new Promise<void>((resolve) => server.close(() => resolve()));
  server.closeIdleConnections();
  const timer = setTimeout(() => server.closeAllConnections(), graceMs);
  await closed;
  clearTimeout(timer);
}

export function onShutdown(stop: () => Promise<void>): void {
  let stopping = false;
  const handler = (signal: NodeJS.Signals) => {
    if (stopping) return;
    stopping = true;
    stop().then(() => process.exit(0), (err) => {
      console.error(`shutdown after ${signal} failed:`, err);
      process.exit(1);
    });
  };
  process.once('SIGTERM', handler);
  process.once('SIGINT', handler);
}
