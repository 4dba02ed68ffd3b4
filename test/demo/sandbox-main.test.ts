/** `npm run sandbox` as a real process: starts from env, answers, and stops cleanly on SIGTERM. */
import assert from 'node:assert/strict';
import { spawn, type ChildProcess } from 'node:child_process';
import { once } from 'node:events';
import { after, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { DEMO_CUSTOMERS } from '../../demo/sandbox/seed.js';
import { basic, tokenBody } from './sandbox-helpers.js';

const root = fileURLToPath(new URL('../../', import.meta.url));
let child: ChildProcess | undefined;

after(() => {
  // Only if a failed test left it running; a passing run has already stopped it.
  if (child && child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function waitForLine(proc: ChildProcess, pattern: RegExp): Promise<RegExpExecArray> {
  return new Promise((resolve, reject) => {
    let out = '';
    // A cold `node --import tsx` start compiles the sandbox first: seconds on a loaded machine.
    const timer = setTimeout(() => reject(new Error(`no ${pattern} in output:\n${out}`)), 180_000);
    proc.stdout!.setEncoding('utf8');
    proc.stdout!.on('data', (chunk: string) => {
      out += chunk;
      const match = pattern.exec(out);
      if (match) {
        clearTimeout(timer);
        resolve(match);
      }
    });
    proc.once('exit', (code) => reject(new Error(`exited with ${code} before printing ${pattern}:\n${out}`)));
  });
}

describe('demo/sandbox/main.ts', () => {
  it('starts from env, prints what a developer needs, serves, and exits 0 on SIGTERM', async () => {
    child = spawn(process.execPath, ['--import', 'tsx', 'demo/sandbox/main.ts'], {
      cwd: root,
      env: { ...process.env, SANDBOX_PORT: '0', SANDBOX_CLIENT_ID: 'ci-client', SANDBOX_CLIENT_SECRET: 'ci-secret', SANDBOX_SINGLE_USE: '1',
        SANDBOX_CORS_ORIGINS: 'https://bank.example, http://localhost:5173', SANDBOX_OMIT_EMPTY: '1', SANDBOX_ID_STYLE: 'mx' },
      stdio: ['ignore', 'pipe', 'inherit'],
    });
    const [printed, url] = await waitForLine(child, /listening on (http:\/\/127\.0\.0\.1:\d+)\n[\s\S]*controls:/);
    assert.ok(printed.includes(`${url}/api/v4`));
    assert.ok(printed.includes('ci-client') && printed.includes('ci-secret'));
    for (const id of Object.values(DEMO_CUSTOMERS)) assert.ok(printed.includes(id), id);

    const res = await fetch(`${url}/api/v4/token`, {
      method: 'POST',
      headers: { Authorization: basic('ci-client', 'ci-secret'), 'Content-Type': 'application/json', Origin: 'https://bank.example' },
      body: tokenBody(DEMO_CUSTOMERS.alex),
    });
    assert.equal(res.status, 200);
    assert.equal(res.headers.get('access-control-allow-origin'), 'https://bank.example');
    const { access_token: token } = (await res.json()) as { access_token: string };
    const list = (t: string) => fetch(`${url}/api/v4/consent_management`, { headers: { Authorization: `Bearer ${t}` } });
    const first = await list(token);
    assert.equal(first.status, 200);
    const consents = (await first.json()) as Record<string, unknown>[];
    assert.ok(consents.every((c) => /^_[A-Za-z0-9]{20}$/.test(String(c.id))), 'SANDBOX_ID_STYLE=mx took effect');
    assert.ok(consents.every((c) => !Object.values(c).includes(null)), 'SANDBOX_OMIT_EMPTY=1 took effect');
    assert.ok(printed.includes('null and empty fields left out; mx ids'));
    assert.equal((await list(token)).status, 401, 'SANDBOX_SINGLE_USE=1 took effect');

    child.kill('SIGTERM');
    const [code] = (await once(child, 'exit')) as [number | null];
    assert.equal(code, 0);
  });
});
