import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import type { Measurement } from '../measurement.js';
import { repoRoot } from '../support/spawn.js';
import { spread } from '../stats.js';

/** Heap growth per logged-in session in the embedded store, measured in a child with a forced GC. */
export const sessionStore: Measurement = {
  name: 'session-store',
  keys: ['session_store_bytes_per_session'],
  async run() {
    const { stdout } = await promisify(execFile)(process.execPath,
      ['--expose-gc', '--import', 'tsx', 'bench/measure/session-store-child.ts'], { cwd: repoRoot, timeout: 120_000 });
    const { perSession, sessions, jsonBytes } = JSON.parse(stdout.trim().split('\n').pop()!) as
      { perSession: number[]; sessions: number; jsonBytes: number };
    const s = spread(perSession);
    return {
      figures: { session_store_bytes_per_session: Math.round(s.median) },
      spread: { session_store_bytes_per_session: s },
      extra: { session_json_bytes: jsonBytes },
      notes: {
        session_store_bytes_per_session:
          `heap growth after GC / ${sessions} sessions in BoundedMemoryStore (id + serialized session + expiry entry), ` +
          `median of ${perSession.length} fresh stores; one session serializes to ${jsonBytes} bytes of JSON`,
      },
    };
  },
};
