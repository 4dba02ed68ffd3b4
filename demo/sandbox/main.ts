/**
 * `npm run sandbox`: the simulator on its own. The default credentials are fine here: it holds
 * only invented data and is meant for developer machines and CI.
 */
import { parseFaults, type FaultInput } from './faults.js';
import { DEMO_CUSTOMERS, ID_STYLES, type IdStyle } from './seed.js';
import { startSandbox } from './server.js';

const env = process.env;
const port = Number(env.SANDBOX_PORT ?? 4010);
if (!Number.isInteger(port) || port < 0 || port > 65_535) {
  console.error(`SANDBOX_PORT must be a port number, got ${JSON.stringify(env.SANDBOX_PORT)}`);
  process.exit(1);
}
const clientId = env.SANDBOX_CLIENT_ID || 'sandbox-client';
const clientSecret = env.SANDBOX_CLIENT_SECRET || 'sandbox-secret';
const corsOrigins = (env.SANDBOX_CORS_ORIGINS ?? '').split(',').map((o) => o.trim()).filter(Boolean);
let faults: FaultInput | undefined;
try {
  faults = env.SANDBOX_FAULTS ? (JSON.parse(env.SANDBOX_FAULTS) as FaultInput) : undefined;
  if (faults !== undefined) parseFaults(faults);
} catch (err) {
  console.error(`SANDBOX_FAULTS must be faults as PUT /__sandbox/faults takes them: ${(err as Error).message}`);
  process.exit(1);
}
const faultSeed = env.SANDBOX_FAULT_SEED ? Number(env.SANDBOX_FAULT_SEED) : undefined;
if (faultSeed !== undefined && !Number.isInteger(faultSeed)) {
  console.error(`SANDBOX_FAULT_SEED must be an integer, got ${JSON.stringify(env.SANDBOX_FAULT_SEED)}`);
  process.exit(1);
}

const idStyle = env.SANDBOX_ID_STYLE || 'sandbox';
if (!ID_STYLES.includes(idStyle as IdStyle)) {
  console.error(`SANDBOX_ID_STYLE must be one of ${ID_STYLES.join(', ')}, got ${JSON.stringify(env.SANDBOX_ID_STYLE)}`);
  process.exit(1);
}

const running = await startSandbox({
  port,
  host: env.SANDBOX_HOST || '127.0.0.1',
  clientId,
  clientSecret,
  singleUse: env.SANDBOX_SINGLE_USE === '1',
  corsOrigins,
  autoProvision: env.SANDBOX_AUTO_PROVISION === '1',
  faults,
  faultSeed,
  omitEmpty: env.SANDBOX_OMIT_EMPTY === '1',
  idStyle: idStyle as IdStyle,
});

console.log(`MX consent sandbox listening on ${running.url}`);
console.log(`  API base:       ${running.apiBase()}  (v4, v5, v6 accepted)`);
console.log(`  client id:      ${clientId}`);
console.log(`  client secret:  ${clientSecret}`);
console.log(`  single-use:     ${env.SANDBOX_SINGLE_USE === '1' ? 'on' : 'off'}`);
console.log(`  answers:        ${env.SANDBOX_OMIT_EMPTY === '1' ? 'null and empty fields left out' : 'every field, null where empty'}; ${idStyle} ids`);
console.log(`  CORS origins:   ${corsOrigins.length ? corsOrigins.join(', ') : '(none)'}`);
console.log(`  faults:         ${faults === undefined ? '(none)' : JSON.stringify(running.sandbox.faults.list())}${faultSeed === undefined ? '' : ` (seed ${faultSeed})`}`);
console.log('  demo customers (openid_connect_user_id):');
for (const [name, id] of Object.entries(DEMO_CUSTOMERS)) console.log(`    ${name.padEnd(8)} ${id}`);
console.log(`  controls:       ${running.url}/__sandbox/stats (loopback only)`);

let closing = false;
async function shutdown(signal: string): Promise<void> {
  if (closing) return;
  closing = true;
  console.log(`${signal}: closing sandbox`);
  await running.close();
  process.exit(0);
}
process.on('SIGTERM', () => void shutdown('SIGTERM'));
process.on('SIGINT', () => void shutdown('SIGINT'));
