/**
 * `consent-ledger <command>`: the bank's tools for the ledger named by DATABASE_URL (or LEDGER_DIR).
 *   migrate                                   apply the schema migrations (instances also do this at start)
 *   export --from D --to D [--format csv|json] [--out FILE]
 *   lookup <openid_connect_user_id> [--limit N]   one customer's changes, newest first, as JSON
 *   prune [--days N]                          delete settled changes older than N days (LEDGER_RETENTION_DAYS)
 * Do not point it at the embedded LEDGER_DIR of a running BFF: only one process may open that directory.
 */
import { createWriteStream } from 'node:fs';
import { once } from 'node:events';
import { parseArgs } from 'node:util';
import { hashId } from './customer-hash.js';
import { loadLedgerConfig, openLedger, openLedgerClient } from './ledger-config.js';
import { lookUpCustomer, parseInstant, writeExport } from './ledger-export.js';
import { migrate } from './ledger-migrations.js';

const USAGE = 'usage: consent-ledger migrate | export --from YYYY-MM-DD --to YYYY-MM-DD [--format csv|json] [--out FILE]'
  + ' | lookup <customer-id> [--limit N] | prune [--days N]';

export class UsageError extends Error {}

export async function runLedgerCommand(argv: string[], env: NodeJS.ProcessEnv, stdout: NodeJS.WritableStream): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      from: { type: 'string' }, to: { type: 'string' }, format: { type: 'string', default: 'csv' }, out: { type: 'string' },
      limit: { type: 'string', default: '200' }, days: { type: 'string' },
    },
  });
  const [command, arg] = positionals;
  const config = loadLedgerConfig(env);
  if (command === 'migrate') {
    const sql = await openLedgerClient(config);
    try {
      const applied = await migrate(sql);
      stdout.write(applied.length ? `applied migrations ${applied.join(', ')}\n` : 'schema up to date\n');
    } finally {
      await sql.close();
    }
    return;
  }
  const ledger = await openLedger(config);
  try {
    switch (command) {
      case 'export': {
        const from = parseInstant(values.from);
        const to = parseInstant(values.to);
        if (!from || !to || to <= from) throw new UsageError('export needs --from and --to (YYYY-MM-DD or ISO), --to after --from');
        if (values.format !== 'csv' && values.format !== 'json') throw new UsageError('--format must be csv or json');
        const out = values.out ? createWriteStream(values.out) : stdout;
        await writeExport(ledger.exportRange(from, to), values.format, async (chunk) => {
          if (!out.write(chunk)) await once(out, 'drain');
        });
        if (values.out) await new Promise((r) => (out as ReturnType<typeof createWriteStream>).end(r));
        return;
      }
      case 'lookup': {
        if (!arg) throw new UsageError('lookup needs the customer\'s openid_connect_user_id');
        const limit = Number(values.limit);
        if (!Number.isInteger(limit) || limit < 1) throw new UsageError('--limit must be a positive integer');
        const customer = hashId(arg);
        stdout.write(`${JSON.stringify({ customer, changes: await lookUpCustomer(ledger, customer, limit) }, null, 2)}\n`);
        return;
      }
      case 'prune': {
        const days = values.days === undefined ? config.router.retentionDays : Number(values.days);
        if (!days || !Number.isInteger(days) || days < 1) throw new UsageError('prune needs --days N or LEDGER_RETENTION_DAYS');
        const deleted = await ledger.prune(new Date(Date.now() - days * 86_400_000));
        stdout.write(`deleted ${deleted} settled changes older than ${days} days\n`);
        return;
      }
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await ledger.close();
  }
}
