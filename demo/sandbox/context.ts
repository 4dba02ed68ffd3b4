/** What the route modules share: the sandbox's state and its resolved options. */
import type { OffsetClock } from './clock.js';
import type { Faults } from './faults.js';
import type { AnswerCheck } from './respond.js';
import type { IdStyle } from './seed.js';
import type { RequestLog, StatsRecorder } from './stats.js';
import type { ConsentStore } from './store.js';
import type { TokenService } from './tokens.js';

export interface SandboxContext {
  clientId: string;
  clientSecret: string;
  autoProvision: boolean;
  /** How the API answers now: settable at runtime (`PUT /__sandbox/config`), restored by reset. */
  answers: { omitEmpty: boolean; idStyle: IdStyle };
  /** Reseeds the data with ids of this style. */
  setIdStyle(style: IdStyle): void;
  checkAnswer?: AnswerCheck;
  publicUrl: () => string;
  clock: OffsetClock;
  store: ConsentStore;
  stats: StatsRecorder;
  requests: RequestLog;
  faults: Faults;
  tokens: TokenService;
  reset(): void;
}
