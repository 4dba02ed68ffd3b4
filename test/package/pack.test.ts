/**
 * The package as a bank installs it: `npm pack`, then `npm install <tarball>` into a fresh project (dependencies
 * from the npm cache or registry) and use of every entry point from there: the server entry and the bins in plain
 * Node (no tsx), the element entries bundled by Vite and run in Chromium, the drop-in files from a script tag,
 * and the typings under tsc with React 19 and Preact JSX.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { createServer, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { extname, join, normalize } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import type { Browser } from 'playwright-core';
import { build } from 'vite';
import { launchChromium } from '../support/browser.js';

const run = promisify(execFile);
const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const CONSUMER = fileURLToPath(new URL('./consumer/', import.meta.url));
const TSC = join(ROOT, 'node_modules/typescript/bin/tsc');
const NPM_QUIET = ['--no-audit', '--no-fund', '--loglevel=error'];

interface Packed { filename: string; size: number; unpackedSize: number; files: { path: string }[] }

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return stdout;
}

/** Serves the consumer project's files (bundles and node_modules) to the browser. */
function serveStatic(dir: string): Promise<{ server: Server; url: string }> {
  const types: Record<string, string> = { '.html': 'text/html', '.js': 'text/javascript', '.json': 'application/json', '.map': 'application/json' };
  const server = createServer(async (req, res) => {
    const path = normalize(decodeURIComponent(new URL(req.url ?? '/', 'http://x').pathname));
    try {
      const body = await readFile(join(dir, path));
      res.writeHead(200, { 'content-type': types[extname(path)] ?? 'application/octet-stream' }).end(body);
    } catch {
      res.writeHead(404, { 'content-type': 'application/json' }).end('{"error":{"code":"not_found","message":"No such file."}}');
    }
  });
  return new Promise((resolve) => server.listen(0, '127.0.0.1', () => {
    const { port } = server.address() as { port: number };
    resolve({ server, url: `http://127.0.0.1:${port}` });
  }));
}

describe('the packed tarball, installed into a fresh project', () => {
  let work: string;
  let project: string;
  let packed: Packed;
  // The library build is made for the tarball; a tree that had none is left without one.
  const hadLib = existsSync(join(ROOT, 'dist/lib'));

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'consent-manager-pack-'));
    project = join(work, 'bank-app');
    // The drop-in bundle comes from `npm run build` (run before this in `npm test`); the library build is fresh.
    if (!existsSync(join(ROOT, 'dist/consent-manager.js'))) await npm(['run', 'build'], ROOT);
    await npm(['run', 'build:lib'], ROOT);
    [packed] = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...NPM_QUIET], ROOT)) as Packed[];
    cpSync(CONSUMER, project, { recursive: true });
    writeFileSync(join(project, 'package.json'), JSON.stringify({ name: 'bank-app', private: true, type: 'module' }));
    await npm(['install', '--prefer-offline', '--ignore-scripts', '--no-package-lock', ...NPM_QUIET,
      join(work, packed!.filename), '@types/react@^19', 'preact@^10', '@types/express@^5', '@types/express-session@^1', '@types/node@^20'], project);
  }, { timeout: 120_000 });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
    if (!hadLib) rmSync(join(ROOT, 'dist/lib'), { recursive: true, force: true });
  });

  it('ships_the_builds_the_manifest_and_the_bins_but_no_sources_or_tests', (t) => {
    const files = packed.files.map((f) => f.path);
    for (const f of ['package.json', 'README.md', 'custom-elements.json', 'dist/consent-manager.js', 'dist/consent-manager.js.map',
      'dist/consent-manager.all.js', 'dist/lib/widget/index.js', 'dist/lib/widget/bundle.d.ts',
      'dist/lib/widget/index.d.ts', 'dist/lib/widget/define.js', 'dist/lib/widget/class.js', 'dist/lib/widget/react.d.ts',
      'dist/lib/widget/preact.d.ts', 'dist/lib/server/index.js', 'dist/lib/demo/sandbox/index.js', 'dist/lib/contract/consent.js',
      'bin/consent-manager-bff.js', 'bin/consent-manager-sandbox.js']) {
      assert.ok(files.includes(f), `${f} is packed`);
    }
    // The drop-in file's chunks travel with it: every one it imports, and nothing from an older build.
    const built = readdirSync(join(ROOT, 'dist')).filter((f) => /^consent-manager-.+\.js$/.test(f));
    assert.ok(built.length >= 2, 'the on-demand views and the Spanish words are chunks');
    assert.deepEqual(files.filter((f) => /^dist\/consent-manager-.+\.js$/.test(f)).sort(), built.map((f) => `dist/${f}`).sort());
    const strays = files.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || /^(test|widget|server|demo|bench|scripts)\//.test(f));
    assert.deepEqual(strays, []);
    t.diagnostic(`tarball ${packed.filename}: ${(packed.size / 1024).toFixed(1)} KB packed, ${(packed.unpackedSize / 1024).toFixed(1)} KB unpacked, ${files.length} files`);
  });

  it('the_server_entry_runs_in_plain_node_mounted_in_a_bank_app_with_its_own_session', async () => {
    const { stdout } = await run(process.execPath, ['server-check.mjs'], { cwd: project, timeout: 20_000 });
    const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
      status: number; apps: number; sandboxApps: number; withoutCsrf: number; badInput: { status: number; type: string; code: string };
    };
    assert.equal(result.status, 200);
    assert.equal(result.apps, result.sandboxApps);
    assert.equal(result.withoutCsrf, 403, 'the anti-forgery header is still required');
    assert.equal(result.badInput.status, 400);
    assert.match(result.badInput.type, /^application\/json/);
    assert.ok(result.badInput.code, 'a stable error code');
  });

  it('the_sandbox_and_bff_bins_start_from_the_installed_package', async () => {
    const sandbox = spawn(join(project, 'node_modules/.bin/consent-manager-sandbox'), [], {
      cwd: project, env: { ...process.env, SANDBOX_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
    });
    try {
      const url = await new Promise<string>((resolve, reject) => {
        let out = '';
        sandbox.stdout!.on('data', (chunk: Buffer) => {
          out += chunk.toString('utf8');
          const found = /listening on (http:\/\/\S+)/.exec(out);
          if (found) resolve(found[1]!);
        });
        sandbox.once('exit', (code) => reject(new Error(`sandbox exited with ${code}: ${out}`)));
      });
      const token = await fetch(`${url}/api/v4/token`, { method: 'POST' });
      assert.equal(token.status, 401, 'the sandbox answers, and wants the client credentials');
    } finally {
      sandbox.kill('SIGTERM');
    }
    // The standalone BFF refuses to start without its configuration, naming what is missing.
    const bff = await run(join(project, 'node_modules/.bin/consent-manager-bff'), [], { cwd: project, env: { PATH: process.env.PATH } })
      .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
    assert.equal(bff.code, 1);
    assert.match(bff.stderr, /MX_BASE_URL/);
  });

  describe('in Chromium', () => {
    let browser: Browser;
    let web: { server: Server; url: string };
    before(async () => {
      // A bundler user's build: Vite resolves the package's exports and bundles Lit from the project's node_modules.
      await build({
        root: project,
        configFile: false,
        logLevel: 'silent',
        build: {
          outDir: 'out',
          emptyOutDir: true,
          minify: false,
          rolldownOptions: {
            input: { registering: 'registering.js', 'class-only': 'class-only.js', 'define-only': 'define-only.js' },
            output: { entryFileNames: '[name].js' },
          },
        },
      });
      const page = (script: string) => `<!doctype html><html lang="en"><body><script type="module" src="${script}"></script></body></html>`;
      writeFileSync(join(project, 'registering.html'), page('/out/registering.js'));
      writeFileSync(join(project, 'class-only.html'), page('/out/class-only.js'));
      writeFileSync(join(project, 'define-only.html'), page('/out/define-only.js'));
      // Spanish pages: the split file renders nothing before its Spanish chunk is in, so words prove the chunk loaded.
      for (const [file, script] of [['drop-in.html', 'consent-manager.js'], ['drop-in-all.html', 'consent-manager.all.js']]) {
        writeFileSync(join(project, file!), `<!doctype html><html lang="es"><body>
<consent-manager bff="/no-bff-here"></consent-manager>
<script type="module" src="/node_modules/consent-manager/dist/${script}"></script></body></html>`);
      }
      [browser, web] = await Promise.all([launchChromium(), serveStatic(project)]);
    });
    after(async () => {
      await browser?.close();
      web?.server.close();
    });

    /** Opens a page, waits for its entry to report, and renders `tag` against a BFF that is not there. */
    async function open(file: string, tag: string) {
      const page = await browser.newPage();
      const errors: string[] = [];
      const scripts: string[] = [];
      page.on('pageerror', (e) => errors.push(e.message));
      page.on('requestfinished', (r) => r.resourceType() === 'script' && scripts.push(new URL(r.url()).pathname));
      await page.goto(`${web.url}/${file}`);
      const result = file.startsWith('drop-in') ? {} : await page.waitForFunction('window.entryResult').then((h) => h.jsonValue());
      await page.evaluate(`document.body.insertAdjacentHTML('beforeend', '<${tag} id="probe" bff="/no-bff-here"></${tag}>')`);
      // No BFF answers here (404): the element renders its error notice, so Lit ran from the installed package.
      const notice = page.locator(`#probe [part~="notice"]`);
      await notice.waitFor({ timeout: 10_000 });
      const text = await notice.textContent();
      await page.close();
      return { result, errors, scripts, text };
    }

    it('the_main_entry_registers_the_element_and_exports_its_class', async () => {
      const { result, errors } = await open('registering.html', 'consent-manager');
      assert.deepEqual(result, { registered: true });
      assert.deepEqual(errors, []);
    });

    it('the_class_entry_registers_nothing_so_the_page_can_choose_the_tag', async () => {
      const { result, errors } = await open('class-only.html', 'bank-consents');
      assert.deepEqual(result, { registeredBefore: false, ownTag: true });
      assert.deepEqual(errors, []);
    });

    it('the_define_entry_registers_once_even_when_imported_twice', async () => {
      const { result, errors } = await open('define-only.html', 'consent-manager');
      assert.deepEqual(result, { registered: true });
      assert.deepEqual(errors, []);
    });

    it('the_drop_in_file_works_from_a_script_tag_and_loads_its_chunks_from_beside_it', async () => {
      const { errors, scripts, text } = await open('drop-in.html', 'consent-manager');
      assert.deepEqual(errors, []);
      assert.match(text ?? '', /No pudimos cargar/, 'Spanish, from its chunk');
      assert.ok(scripts.some((p) => /^\/node_modules\/consent-manager\/dist\/consent-manager-strings-es-[\w-]+\.js$/.test(p)), scripts.join());
    });

    it('the_all_in_one_file_works_from_a_script_tag_alone', async () => {
      const { errors, scripts, text } = await open('drop-in-all.html', 'consent-manager');
      assert.deepEqual(errors, []);
      assert.match(text ?? '', /No pudimos cargar/);
      assert.deepEqual(scripts, ['/node_modules/consent-manager/dist/consent-manager.all.js']);
    });
  });

  it('typings_check_attributes_properties_and_events_in_react_19_preact_and_plain_dom', async () => {
    // tsc from this repository, resolving everything from the consumer project; @ts-expect-error lines prove misuse fails.
    for (const config of ['tsconfig.json', 'tsconfig.preact.json']) {
      const result = await run(process.execPath, [TSC, '-p', config], { cwd: project }).then(() => '', (e: { stdout: string }) => e.stdout);
      assert.equal(result, '', `tsc -p ${config} in the consumer project`);
    }
  });
});
