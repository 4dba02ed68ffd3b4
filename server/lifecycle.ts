import { createServer, type RequestListener, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';

export async function listen(port: number, host: string, handler?: RequestListener): Promise<{ server: Server; url: string }> {
  const server = createServer(handler);
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
