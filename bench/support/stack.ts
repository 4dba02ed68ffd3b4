import { randomBytes } from 'node:crypto';
import { spawnServer, type Spawned, type SpawnOptions } from './spawn.js';

export interface StackOptions {
  /** Give every well-formed unknown customer a generated set (the load's synthetic customers). */
  autoProvision?: boolean;
  /** Demo login name → customer id, when not the sandbox's own customers. */
  users?: Record<string, string>;
  /** Node flags for the BFF process (`--expose-gc` for memory figures). */
  bffExecArgv?: string[];
  /** Also start the bare Express app (the floor) against the same sandbox, with this token answer for POST /token. */
  bare?: { tokenBody?: unknown };
}

export interface Stack {
  mxUrl: string;
  bffUrl: string;
  bareUrl?: string;
  /** Starts the bare app now (when it needs something only the running BFF can tell, like a token's length). */
  startBare(tokenBody?: unknown): Promise<string>;
  stop(): Promise<void>;
}

/**
 * The deployed shape: the MX sandbox in one process, the BFF (the demo's standalone app, logging at info level to
 * /dev/null, rate limits lifted so that their bookkeeping is measured but never trips) in another.
 */
export async function startStack(opts: StackOptions = {}): Promise<Stack> {
  const clientId = 'bench-bank';
  const clientSecret = randomBytes(24).toString('base64url');
  const children: Spawned<{ url: string }>[] = [];
  const stop = async () => {
    for (const child of children.reverse()) await child.stop();
  };
  try {
    const mx = await spawnServer<{ url: string }>('sandbox', {
      BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret, BENCH_SANDBOX_AUTO_PROVISION: opts.autoProvision ? '1' : '0',
    });
    children.push(mx);
    const bffEnv = {
      MX_BASE_URL: mx.info.url, MX_CLIENT_ID: clientId, MX_CLIENT_SECRET: clientSecret,
      RATE_LIMIT_TOKEN_PER_MINUTE: '1000000000', RATE_LIMIT_READS_PER_MINUTE: '1000000000', RATE_LIMIT_IN_FLIGHT_PER_CUSTOMER: '1000000', RATE_LIMIT_WRITES_PER_MINUTE: '1000000000', SESSION_IDLE_MINUTES: '60',
    };
    const spawnOptions: SpawnOptions = { execArgv: opts.bffExecArgv };
    const bff = await spawnServer<{ url: string }>('demo', {
      BENCH_DEMO_ENV: JSON.stringify(bffEnv), BENCH_LOG_TO_DEVNULL: '1',
      ...(opts.users ? { BENCH_DEMO_USERS: JSON.stringify(opts.users) } : {}),
    }, spawnOptions);
    children.push(bff);
    const stack: Stack = {
      mxUrl: mx.info.url,
      bffUrl: bff.info.url,
      async startBare(tokenBody) {
        const bare = await spawnServer<{ url: string }>('bare', {
          BENCH_MX_URL: mx.info.url, BENCH_CLIENT_ID: clientId, BENCH_CLIENT_SECRET: clientSecret,
          BENCH_BARE_TOKEN_BODY: JSON.stringify(tokenBody ?? {}),
        });
        children.push(bare);
        stack.bareUrl = bare.info.url;
        return bare.info.url;
      },
      stop,
    };
    if (opts.bare) await stack.startBare(opts.bare.tokenBody);
    return stack;
  } catch (err) {
    await stop();
    throw err;
  }
}
