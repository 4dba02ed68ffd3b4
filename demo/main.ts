// Composition root of the demo: `npm start`. No configuration needed; MX_BASE_URL and friends switch
// the same server from the embedded sandbox to a real MX.
import { ConfigError, describeLedger, loadConfig, loadLedgerConfig, onShutdown } from '@consent-manager/bff/standalone';
import { startDemo } from './server.js';

async function main(): Promise<void> {
  // The demo shows both ways the widget can work; a bank's own BFF relays only (proxy) unless it opts in.
  const config = loadConfig({ CONSENT_MODE: 'both', ...process.env }, { requireUpstream: false });
  const ledger = loadLedgerConfig(process.env);
  const demo = await startDemo({ config, ledger });
  const users = ['alex (8 apps, 2 stopped)', 'sam (1 app)', 'new (no apps)', 'many50', 'many200', 'mallory (hostile data)'];
  console.log([
    '',
    `  Northwind Bank demo: ${demo.url}`,
    `  Upstream: ${demo.sandbox ? `embedded MX sandbox at ${demo.url}/mx` : config.mx.baseUrl}`,
    `  Consent ledger: ${describeLedger(ledger)}${ledger.admin ? `; bank's admin routes at ${demo.url}${ledger.admin.path}` : ''}`,
    `  Log in as ${users.join(', ')}; the password is "demo".`,
    ...(demo.sandbox ? [`  Every state of the widget, no login: ${demo.url}/playground`] : []),
    '',
  ].join('\n'));
  onShutdown(() => demo.close());
}

main().catch((err: unknown) => {
  console.error(err instanceof ConfigError ? err.message : err);
  process.exit(1);
});
