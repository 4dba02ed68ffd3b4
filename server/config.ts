import { z } from 'zod';
import { readRedisSettings, type RedisConnectionSettings } from './redis-config.js';

/** Secrets that appear in tutorials and sample configs; a production start refuses them. */
const KNOWN_DEFAULT_SECRETS = new Set([
  'secret', 'changeme', 'change-me', 'keyboard cat', 'session-secret', 'dev-secret', 'development',
  'sandbox-secret', 'password', 'test', 'default', 'example',
]);

const bool = z.enum(['1', '0', 'true', 'false', 'yes', 'no']).transform((v) => ['1', 'true', 'yes'].includes(v));
const list = z.string().transform((v) => v.split(',').map((s) => s.trim()).filter(Boolean));
const positiveInt = z.coerce.number().int().positive();

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
  // Direct mode hands MX tokens to browsers, each valid at MX until its exp: a bank opts into it.
  CONSENT_MODE: z.enum(['direct', 'proxy', 'both']).default('proxy'),
  ALLOWED_ORIGINS: list.default([]),
  SESSION_SECRET: z.string().optional(),
  SESSION_CUSTOMER_KEY: z.string().min(1).default('customerId'),
  SESSION_IDLE_MINUTES: positiveInt.default(15),
  SESSION_ABSOLUTE_MINUTES: positiveInt.default(12 * 60),
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
  };
  mode: 'direct' | 'proxy' | 'both';
  allowedOrigins: string[];
  session: {
    secret?: string;
    customerKey: string;
    idleMs: number;
    absoluteMs: number;
    secureCookie: boolean;
  };
  trustProxy: boolean | number | string;
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
  if (production) {
    if (!e.SESSION_SECRET) problems.push('SESSION_SECRET: required in production');
    else if (e.SESSION_SECRET.length < 32) problems.push('SESSION_SECRET: must be at least 32 characters in production');
    if (e.SESSION_SECRET && KNOWN_DEFAULT_SECRETS.has(e.SESSION_SECRET.toLowerCase())) {
      problems.push('SESSION_SECRET: is a well-known default; generate a random one');
    }
    if (e.MX_CLIENT_SECRET && KNOWN_DEFAULT_SECRETS.has(e.MX_CLIENT_SECRET.toLowerCase())) {
      problems.push('MX_CLIENT_SECRET: is a well-known default, not the credential MX issued');
    }
    if (!e.MX_BASE_URL) problems.push('MX_BASE_URL: required in production (the embedded sandbox is for development only)');
    else if (!e.MX_BASE_URL.startsWith('https:')) problems.push('MX_BASE_URL: must be https in production');
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
    },
    mode: e.CONSENT_MODE,
    allowedOrigins: e.ALLOWED_ORIGINS,
    session: {
      secret: e.SESSION_SECRET,
      customerKey: e.SESSION_CUSTOMER_KEY,
      idleMs: e.SESSION_IDLE_MINUTES * 60_000,
      absoluteMs: e.SESSION_ABSOLUTE_MINUTES * 60_000,
      secureCookie: e.COOKIE_SECURE ?? production,
    },
    trustProxy: parseTrustProxy(e.TRUST_PROXY),
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

function parseTrustProxy(value: string): boolean | number | string {
  if (value === 'true') return true;
  if (value === 'false') return false;
  if (/^\d+$/.test(value)) return Number(value);
  return value;
}
