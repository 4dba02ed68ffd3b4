import type { BffConfig } from './config.js';
import type { ConsentRouterOptions } from './router.js';
import { stepUpWithin } from './session.js';

/** Where the router reaches MX and with which credentials: the configured MX unless the caller names another. */
export interface MxEndpoint {
  baseUrl: string;
  publicBaseUrl?: string;
  clientId: string;
  clientSecret: string;
}

/**
 * The router options a loaded configuration implies (MX connection, mode, origins, limits, the bank's policy and
 * step-up): the one place that
 * maps `BffConfig` onto `createConsentRouter`. Callers add what only they know (logger, shared stores, customer).
 */
export function routerOptionsFromConfig(config: BffConfig, mx?: MxEndpoint): ConsentRouterOptions {
  const endpoint = mx ?? {
    baseUrl: config.mx.baseUrl!,
    publicBaseUrl: config.mx.publicBaseUrl,
    clientId: config.mx.clientId!,
    clientSecret: config.mx.clientSecret!,
  };
  return {
    upstream: {
      ...endpoint,
      version: config.mx.version,
      timeouts: config.mx.timeouts,
      maxResponseBytes: config.mx.maxResponseBytes,
      unknownCustomerStatuses: config.mx.unknownCustomerStatuses,
      singleUseTokens: config.mx.singleUseTokens,
    },
    mode: config.mode,
    allowedOrigins: config.allowedOrigins,
    limits: config.limits,
    policy: config.policy,
    // The bank's step-up writes its time into the session; a stop needs one recent enough.
    ...(config.stepUp ? { beforeStop: stepUpWithin(config.stepUp.key, config.stepUp.maxAgeMs) } : {}),
  };
}
