/**
 * The MX sandbox as the package ships it (`consent-manager/sandbox`), for a bank's own tests and CI:
 * `startSandbox` on a port of its own, or `createSandbox(...).handler` mounted in an Express app.
 * On the command line: `npx consent-manager-sandbox` (same environment variables as `npm run sandbox`).
 */
export { createSandbox, type AnswerCheck, type IdStyle, type Sandbox, type SandboxAnswer, type SandboxConsent, type SandboxOptions } from './app.js';
export { startSandbox, type StartedSandbox, type StartSandboxOptions } from './server.js';
export { DEMO_CUSTOMERS } from './seed.js';
