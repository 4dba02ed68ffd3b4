import { isIP } from 'node:net';
import { z } from 'zod';
import { readRedisSettings, type RedisConnectionSettings } from './redis-config.js';
import type { ConsentPolicy } from '@consent-manager/contract';
import { estimatedSecretBits } from './secret-strength.js';

/** Secrets that appear in tutorials and sample configs; a production start refuses them. */
const KNOWN_DEFAULT_SECRETS = new Set([
  'secret', 'changeme', 'change-me', 'keyboard cat', 'session-secret', 'dev-secret', 'development',
  'sandbox-secret', 'password', 'test', 'default', 'example',
]);

/** Below this many estimated bits a production session secret is refused (see secret-strength.ts). */
export const MIN_SECRET_BITS = 112;

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => ['1', 'true', 'yes'].includes(v));
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
const positiveInt = z.coerce.number().int().positive();
const policy = z.enum(['editable', 'read-only', 'hidden'] satisfies ConsentPolicy[]);

const envSchema = z.object({
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  HOST: z.string().default('127.0.0.1'),
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HTTP_MAX_CONNECTIONS: positiveInt.default(1_024),
  CONSENT_MOUNT_PATH: z.string().regex(/^\/[\w/-]*$/, 'must be a path like /consent').default('/consent'),
  MX_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  MX_PUBLIC_BASE_URL: z.url({ protocol: /^https?$/ }).optional(),
  MX_API_VERSION: z.string().regex(/^v\d+$/, 'must look like v4').default('v4'),
  MX_CLIENT_ID: z.string().min(1).optional(),
  MX_CLIENT_SECRET: z.string().min(1).optional(),
  MX_SINGLE_USE_TOKENS: bool.default(false),
  MX_CONNECT_TIMEOUT_MS: positiveInt.default(2_000),
  MX_HEADERS_TIMEOUT_MS: positiveInt.default(5_000),
  MX_BODY_TIMEOUT_MS: positiveInt.default(5_000),
  MX_DEADLINE_MS: positiveInt.default(10_000),
  MX_MAX_RESPONSE_BYTES: positiveInt.default(1024 * 1024),
  // MX documents no error of its token call: which status means "unknown customer" is the bank's evidence to give.
  MX_UNKNOWN_CUSTOMER_STATUS: z.string().default('404').transform((v, ctx) => {
    const codes = v.split(',').map((s) => s.trim()).filter(Boolean).map(Number);
    if (codes.some((c) => !Number.isInteger(c) || c < 400 || c > 499 || c === 401 || c === 429)) {
      ctx.addIssue({ code: 'custom', message: 'must be comma-separated 4xx statuses (not 401 or 429), or empty for none' });
      return z.NEVER;
    }
    return codes;
  }),
  // Direct mode hands MX tokens to browsers, each valid at MX until its exp: a bank opts into it.
  CONSENT_MODE: z.enum(['direct', 'proxy', 'both']).default('proxy'),
  ALLOWED_ORIGINS: list.default([]),
  SESSION_SECRET: z.string().optional(),
  SESSION_CUSTOMER_KEY: z.string().min(1).default('customerId'),
  SESSION_IDLE_MINUTES: positiveInt.default(15),
  SESSION_ABSOLUTE_MINUTES: positiveInt.default(12 * 60),
  SESSION_LOGIN_TIME_KEY: z.string().min(1).default('loggedInAt'),
  CONSENT_STEP_UP_KEY: z.string().min(1).optional(),
  CONSENT_STEP_UP_MINUTES: positiveInt.default(5),
  CONSENT_ACCOUNT_POLICY: policy.default('editable'),
  CONSENT_AUTO_SHARE_POLICY: policy.default('editable'),
  COOKIE_SECURE: bool.optional(),
  TRUST_PROXY: z.string().default('loopback'),
  RATE_LIMIT_TOKEN_PER_MINUTE: positiveInt.default(30),
  RATE_LIMIT_WRITES_PER_MINUTE: positiveInt.default(60),
  RATE_LIMIT_READS_PER_MINUTE: positiveInt.default(120),
  RATE_LIMIT_IN_FLIGHT_PER_CUSTOMER: positiveInt.default(4),
  // Instances that share sessions must agree on it; a second deployment on the same Redis picks its own.
  REDIS_PREFIX: z.string().regex(/^[\w:.-]{1,64}$/, 'must be 1-64 letters, digits, or _ : . -').default('consent:'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
});

export interface BffConfig {
  env: 'development' | 'production' | 'test';
  host: string;
  port: number;
  /** Connections the HTTP server holds at once; more are refused. */
  maxConnections: number;
  mountPath: string;
  mx: {
    /** Absent only where the caller provides an embedded sandbox (the demo). */
    baseUrl?: string;
    /** The MX base the browser calls in direct mode, when it differs from the one this server uses. */
    publicBaseUrl?: string;
    version: string;
    clientId?: string;
    clientSecret?: string;
    singleUseTokens: boolean;
    timeouts: { connectMs: number; headersMs: number; bodyMs: number; deadlineMs: number };
    maxResponseBytes: number;
    /** The token call's statuses read as "MX does not know this customer". */
    unknownCustomerStatuses: number[];
  };
  mode: 'direct' | 'proxy' | 'both';
  allowedOrigins: string[];
  session: {
    secret?: string;
    customerKey: string;
    idleMs: number;
    absoluteMs: number;
    /** The session field holding when the customer logged in; stamped on first sight when the bank's login sets none. */
    loginTimeKey: string;
    secureCookie: boolean;
  };
  /** What the BFF lets a customer change (and the widget should show): enforced on every write. */
  policy: { accounts: ConsentPolicy; autoShare: ConsentPolicy };
  /** Standalone BFF: a stop needs the bank's step-up time in this session field, no older than `maxAgeMs`. */
  stepUp?: { key: string; maxAgeMs: number };
  /** Express's `trust proxy`: a hop count, or the addresses and subnets of the proxies in front. */
  trustProxy: boolean | number | string[];
  limits: { tokenPerMinute: number; readsPerMinute: number; writesPerMinute: number; inFlightPerCustomer: number };
  /** Absent without REDIS_URL, REDIS_SENTINELS or REDIS_CLUSTER_NODES: the in-memory stores serve one machine. */
  redis?: RedisConnectionSettings;
  /** Starts every key this BFF writes to Redis (sessions, tokens, locks, rate limits). */
  redisPrefix: string;
  logLevel: string;
}

export class ConfigError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration:\n${problems.map((p) => `  - ${p}`).join('\n')}`);
    this.name = 'ConfigError';
  }
}

export interface LoadOptions {
  /** The demo runs an embedded sandbox when MX_BASE_URL is unset; the standalone BFF requires it. */
  requireUpstream: boolean;
}

/** Reads and checks the environment once at start; every problem is reported, not just the first. */
export function loadConfig(env: NodeJS.ProcessEnv, { requireUpstream }: LoadOptions): BffConfig {
  const parsed = envSchema.safeParse(env);
  const redis = readRedisSettings(env);
  if (!parsed.success) {
    throw new ConfigError([...parsed.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`), ...redis.problems]);
  }
  const e = parsed.data;
  const problems: string[] = [...redis.problems];
  const production = e.NODE_ENV === 'production';

  if (requireUpstream || e.MX_BASE_URL) {
    if (!e.MX_BASE_URL) problems.push('MX_BASE_URL: required (the MX Data Access host, e.g. https://access.bank.example)');
    if (!e.MX_CLIENT_ID) problems.push('MX_CLIENT_ID: required with MX_BASE_URL');
    if (!e.MX_CLIENT_SECRET) problems.push('MX_CLIENT_SECRET: required with MX_BASE_URL');
  }
  const trustProxy = parseTrustProxy(e.TRUST_PROXY);
  if (typeof trustProxy === 'string') problems.push(`TRUST_PROXY: ${trustProxy}`);
  const badOrigins = e.ALLOWED_ORIGINS.filter((o) => !isOrigin(o));
  if (badOrigins.length) {
    problems.push(`ALLOWED_ORIGINS: ${badOrigins.map((o) => JSON.stringify(o)).join(', ')} not an origin like https://bank.example (no "*", "null" or path)`);
  }
  const restricted = e.CONSENT_ACCOUNT_POLICY !== 'editable' || e.CONSENT_AUTO_SHARE_POLICY !== 'editable' || e.CONSENT_STEP_UP_KEY;
  if (restricted && e.CONSENT_MODE !== 'proxy') {
    problems.push(`CONSENT_MODE: must be proxy with CONSENT_STEP_UP_KEY or a CONSENT_ACCOUNT_POLICY or CONSENT_AUTO_SHARE_POLICY other than editable (a direct-mode token writes to MX past the BFF's checks)`);
  }
  if (production) {
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET: required in production');
    else if (KNOWN_DEFAULT_SECRETS.has(e.SESSION_SECRET.toLowerCase())) {
      problems.push('SESSION_SECRET: is a well-known default; generate a random one');
    } else if (estimatedSecretBits(e.SESSION_SECRET) < MIN_SECRET_BITS) {
      problems.push(`SESSION_SECRET: too guessable (about ${Math.floor(estimatedSecretBits(e.SESSION_SECRET))} bits, at least ${MIN_SECRET_BITS} needed in production); generate one with \`openssl rand -base64 32\``);
    }
    if (e.MX_CLIENT_SECRET && KNOWN_DEFAULT_SECRETS.has(e.MX_CLIENT_SECRET.toLowerCase())) {
      problems.push('MX_CLIENT_SECRET: is a well-known default, not the credential MX issued');
    }
    if (!e.MX_BASE_URL) problems.push('MX_BASE_URL: required in production (the embedded sandbox is for development only)');
    else if (!e.MX_BASE_URL.startsWith('https:')) problems.push('MX_BASE_URL: must be https in production');
    if (e.MX_PUBLIC_BASE_URL && !e.MX_PUBLIC_BASE_URL.startsWith('https:')) {
      problems.push('MX_PUBLIC_BASE_URL: must be https in production (browsers send bearer tokens to it)');
    }
    if (e.COOKIE_SECURE === false) problems.push('COOKIE_SECURE: cannot be false in production (the session cookie would travel over plain HTTP)');
    const plain = e.ALLOWED_ORIGINS.filter((o) => isOrigin(o) && !o.startsWith('https:'));
    if (plain.length) problems.push(`ALLOWED_ORIGINS: ${plain.join(', ')} must be https in production`);
    if (trustProxy === true) {
      problems.push('TRUST_PROXY: cannot be true in production (any client could set its own address); give the hop count or the proxies\' addresses');
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);

  return {
    env: e.NODE_ENV,
    host: e.HOST,
    port: e.PORT,
    maxConnections: e.HTTP_MAX_CONNECTIONS,
    mountPath: e.CONSENT_MOUNT_PATH.replace(/\/+$/, '') || '/consent',
    mx: {
      baseUrl: e.MX_BASE_URL,
      publicBaseUrl: e.MX_PUBLIC_BASE_URL,
      version: e.MX_API_VERSION,
      clientId: e.MX_CLIENT_ID,
      clientSecret: e.MX_CLIENT_SECRET,
      singleUseTokens: e.MX_SINGLE_USE_TOKENS,
      timeouts: {
        connectMs: e.MX_CONNECT_TIMEOUT_MS, headersMs: e.MX_HEADERS_TIMEOUT_MS, bodyMs: e.MX_BODY_TIMEOUT_MS, deadlineMs: e.MX_DEADLINE_MS,
      },
      maxResponseBytes: e.MX_MAX_RESPONSE_BYTES,
      unknownCustomerStatuses: e.MX_UNKNOWN_CUSTOMER_STATUS,
    },
    mode: e.CONSENT_MODE,
    allowedOrigins: e.ALLOWED_ORIGINS,
    session: {
      secret: e.SESSION_SECRET,
      customerKey: e.SESSION_CUSTOMER_KEY,
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_MINUTES * 60_000,
      loginTimeKey: e.SESSION_LOGIN_TIME_KEY,
      secureCookie: e.COOKIE_SECURE ?? production,
    },
    policy: { accounts: e.CONSENT_ACCOUNT_POLICY, autoShare: e.CONSENT_AUTO_SHARE_POLICY },
    ...(e.CONSENT_STEP_UP_KEY ? { stepUp: { key: e.CONSENT_STEP_UP_KEY, maxAgeMs: e.CONSENT_STEP_UP_MINUTES * 60_000 } } : {}),
    trustProxy: trustProxy as boolean | number | string[],
    limits: {
      tokenPerMinute: e.RATE_LIMIT_TOKEN_PER_MINUTE,
      readsPerMinute: e.RATE_LIMIT_READS_PER_MINUTE,
      writesPerMinute: e.RATE_LIMIT_WRITES_PER_MINUTE,
      inFlightPerCustomer: e.RATE_LIMIT_IN_FLIGHT_PER_CUSTOMER,
    },
    redis: redis.settings,
    redisPrefix: e.REDIS_PREFIX,
    logLevel: e.LOG_LEVEL,
  };
}

/** Express's own names for address ranges, allowed beside addresses and subnets. */
const NAMED_RANGES = new Set(['loopback', 'linklocal', 'uniquelocal']);

/**
 * A hop count, `false` (none), `true` (every hop: development only), or a comma list of proxy addresses, subnets
 * (`10.0.0.0/8`) and Express's named ranges. Anything else comes back as a string describing the problem.
 */
function parseTrustProxy(value: string): boolean | number | string[] | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  const entries = value.split(',').map((s) => s.trim()).filter(Boolean);
  const bad = entries.filter((entry) => !NAMED_RANGES.has(entry) && !isSubnet(entry));
  if (bad.length || entries.length === 0) {
    return `${JSON.stringify(value)} is neither a hop count nor a list of addresses, subnets or loopback/linklocal/uniquelocal`;
  }
  return entries;
}

function isSubnet(entry: string): boolean {
  const [address, bits, ...rest] = entry.split('/');
  const family = isIP(address ?? '');
  if (!family || rest.length) return false;
  return bits === undefined || (/^\d+$/.test(bits) && Number(bits) <= (family === 4 ? 32 : 128));
}

function isOrigin(value: string): boolean {
  try {
    const url = new URL(value);
    return /^https?:$/.test(url.protocol) && url.origin === value.replace(/\/+$/, '');
  } catch {
    return false;
  }
}
