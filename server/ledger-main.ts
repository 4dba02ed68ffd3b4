// The `consent-ledger` command (see ledger-cli.ts for what it does).
import { ConfigError } from './config.js';
import { runLedgerCommand, UsageError } from './ledger-cli.js';

runLedgerCommand(process.argv.slice(2), process.env, process.stdout).catch((err: unknown) => {
  console.error(err instanceof UsageError || err instanceof ConfigError ? err.message : err);
  process.exit(err instanceof UsageError ? 2 : 1);
});
