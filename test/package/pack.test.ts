/**
 * The packages as banks install them: `npm pack` in each publishable workspace, then `npm install <tarballs>` into
 * fresh projects (dependencies from the npm cache or registry): a frontend team's (the element), a backend team's
 * (the BFF, with `express` as the app's own dependency) and a CI's (the sandbox's command). Each install is checked
 * for what it must not drag in, measured (packages, bytes on disk), and used through its public entries only: the
 * server entries and the bins in plain Node (no tsx), the element entries bundled by Vite and run in Chromium, the
 * drop-in files from a script tag, and the typings under tsc with React 19 and Preact JSX.
 */
import assert from 'node:assert/strict';
import { execFile, spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
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
/** Publishable package → its workspace folder. */
const PACKAGES = {
  '@consent-manager/contract': 'contract',
  '@consent-manager/element': 'widget',
  '@consent-manager/bff': 'server',
  '@consent-manager/mx-sandbox': 'demo/sandbox',
} as const;
type Name = keyof typeof PACKAGES;
/** What a page's element must never pull in: server frameworks, Redis, the HTTP client, logging, validation. */
const SERVER_ONLY = ['express', 'redis', 'undici', 'pino', 'zod', 'helmet'];

interface Packed { name: string; filename: string; size: number; unpackedSize: number; files: { path: string }[] }

async function npm(args: string[], cwd: string): Promise<string> {
  const { stdout } = await run('npm', args, { cwd, maxBuffer: 16 * 1024 * 1024, env: { ...process.env, npm_config_update_notifier: 'false' } });
  return stdout;
}

/** A fresh project with `specs` installed (tarball paths or registry specs). */
async function project(dir: string, specs: string[]): Promise<string> {
  mkdirSync(dir, { recursive: true });
  writeFileSync(join(dir, 'package.json'), JSON.stringify({ name: 'bank-app', private: true, type: 'module' }));
  await npm(['install', '--prefer-offline', '--ignore-scripts', '--no-package-lock', ...NPM_QUIET, ...specs], dir);
  return dir;
}

interface Tree { version?: string; dependencies?: Record<string, Tree> }

/** Every package name in `npm ls --all --omit=dev` of the project (its own dependencies and theirs, deduplicated). */
async function installedNames(dir: string): Promise<Set<string>> {
  const tree = JSON.parse(await npm(['ls', '--all', '--omit=dev', '--json'], dir)) as Tree;
  const names = new Set<string>();
  const walk = (deps: Record<string, Tree> = {}) => {
    for (const [name, sub] of Object.entries(deps)) {
      // An optional peer nobody installed is listed without a version.
      if (sub.version) names.add(name);
      walk(sub.dependencies);
    }
  };
  walk(tree.dependencies);
  return names;
}

/** Installed packages (each folder with a package.json under node_modules) and node_modules' size on disk (du). */
async function footprint(dir: string): Promise<{ packages: number; kib: number; apparentKib: number }> {
  const parseable = await npm(['ls', '--all', '--omit=dev', '--parseable'], dir);
  const packages = new Set(parseable.trim().split('\n').slice(1)).size;
  const du = async (...flags: string[]) => Number((await run('du', ['-sk', ...flags, join(dir, 'node_modules')])).stdout.split('\t')[0]);
  // On disk (blocks) and the bytes themselves (--apparent-size): small files make the two differ by half.
  return { packages, kib: await du(), apparentKib: await du('--apparent-size') };
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

describe('the packed packages, installed into fresh projects', () => {
  let work: string;
  const packed = {} as Record<Name, Packed>;
  const tarball = (name: Name) => join(work, packed[name].filename);
  /** The frontend team's project: the element (and the contract it depends on), nothing else. */
  let frontend: string;
  /** The backend team's project: the BFF (and the contract) beside the app's own `express`. */
  let backend: string;
  let frontendSize: Awaited<ReturnType<typeof footprint>>;
  let backendSize: Awaited<ReturnType<typeof footprint>>;

  before(async () => {
    work = mkdtempSync(join(tmpdir(), 'consent-manager-pack-'));
    // The drop-in bundle comes from `npm run build` (run before this in `npm test`); the library builds are fresh.
    if (!existsSync(join(ROOT, 'widget/dist/consent-manager.js'))) await npm(['run', 'build'], ROOT);
    await npm(['run', 'build:lib'], ROOT);
    for (const [name, dir] of Object.entries(PACKAGES) as [Name, string][]) {
      [packed[name]] = JSON.parse(await npm(['pack', '--json', '--ignore-scripts', '--pack-destination', work, ...NPM_QUIET], join(ROOT, dir))) as Packed[];
    }
    // Not yet published: the contract comes as a tarball beside the package that depends on it.
    frontend = await project(join(work, 'frontend'), [tarball('@consent-manager/element'), tarball('@consent-manager/contract')]);
    backend = await project(join(work, 'backend'), [tarball('@consent-manager/bff'), tarball('@consent-manager/contract'), 'express@^5']);
    [frontendSize, backendSize] = await Promise.all([footprint(frontend), footprint(backend)]);
    // For the release note: what each tarball weighs and what each team's install brings (re-measured each run).
    mkdirSync(join(ROOT, 'test-artifacts'), { recursive: true });
    writeFileSync(join(ROOT, 'test-artifacts/package-footprint.json'), `${JSON.stringify({
      tarballs: Object.fromEntries(Object.values(packed).map((p) => [p.name, { file: p.filename, bytes: p.size, unpackedBytes: p.unpackedSize, files: p.files.length }])),
      frontend: { installs: '@consent-manager/element', ...frontendSize },
      backend: { installs: '@consent-manager/bff express', ...backendSize },
    }, null, 2)}\n`);
  }, { timeout: 180_000 });
  after(() => {
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it('each_tarball_ships_its_build_readme_and_license_but_no_sources_or_tests', (t) => {
    const expected: Record<Name, string[]> = {
      '@consent-manager/contract': ['dist/consent.js', 'dist/consent.d.ts'],
      '@consent-manager/element': ['custom-elements.json', 'dist/consent-manager.js', 'dist/consent-manager.js.map', 'dist/consent-manager.all.js',
        'lib/index.js', 'lib/index.d.ts', 'lib/bundle.d.ts', 'lib/define.js', 'lib/class.js', 'lib/react.d.ts', 'lib/preact.d.ts', 'lib/jsx.js'],
      '@consent-manager/bff': ['dist/index.js', 'dist/index.d.ts', 'dist/redis-entry.js', 'dist/standalone.js', 'dist/main.js', 'bin/consent-manager-bff.js'],
      '@consent-manager/mx-sandbox': ['dist/index.js', 'dist/index.d.ts', 'dist/main.js', 'bin/consent-manager-sandbox.js'],
    };
    for (const name of Object.keys(PACKAGES) as Name[]) {
      const files = packed[name].files.map((f) => f.path);
      for (const f of ['package.json', 'README.md', 'LICENSE', ...expected[name]]) assert.ok(files.includes(f), `${f} is in ${name}`);
      const strays = files.filter((f) => (f.endsWith('.ts') && !f.endsWith('.d.ts')) || /(^|\/)(test|tsconfig)/.test(f));
      assert.deepEqual(strays, [], `${name} ships no sources, tests or build settings`);
      t.diagnostic(`${packed[name].filename}: ${packed[name].size} B packed, ${packed[name].unpackedSize} B unpacked, ${files.length} files`);
    }
    // The drop-in file's chunks travel with it: every one it imports, and nothing from an older build.
    const built = readdirSync(join(ROOT, 'widget/dist')).filter((f) => /^consent-manager-.+\.js$/.test(f));
    assert.ok(built.length >= 2, 'the on-demand views and the Spanish words are chunks');
    const elementFiles = packed['@consent-manager/element'].files.map((f) => f.path);
    assert.deepEqual(elementFiles.filter((f) => /^dist\/consent-manager-.+\.js$/.test(f)).sort(), built.map((f) => `dist/${f}`).sort());
  });

  it('the_frontend_install_has_no_server_package_anywhere_in_its_tree', async (t) => {
    const names = await installedNames(frontend);
    assert.ok(names.has('lit') && names.has('@consent-manager/element'));
    assert.deepEqual(SERVER_ONLY.filter((n) => names.has(n)), []);
    t.diagnostic(`frontend team (@consent-manager/element): ${frontendSize.packages} packages, node_modules ${frontendSize.kib} KiB on disk (du -sk), ${frontendSize.apparentKib} KiB apparent`);
  });

  it('the_backend_install_has_no_lit_and_takes_express_from_the_app', async (t) => {
    const names = await installedNames(backend);
    assert.deepEqual([...names].filter((n) => n === 'lit' || n.startsWith('@lit/') || n === '@consent-manager/element'), []);
    const bff = JSON.parse(await readFile(join(backend, 'node_modules/@consent-manager/bff/package.json'), 'utf8')) as {
      dependencies: Record<string, string>; peerDependencies: Record<string, string>;
    };
    assert.equal(bff.dependencies.express, undefined, 'express is not the BFF\'s own dependency');
    assert.match(bff.peerDependencies.express!, />=\s*5/);
    // The optional Redis peers stay out unless the app installs them.
    assert.deepEqual(['redis', 'connect-redis', 'rate-limit-redis'].filter((n) => names.has(n)), []);
    t.diagnostic(`backend team (@consent-manager/bff + express): ${backendSize.packages} packages, node_modules ${backendSize.kib} KiB on disk (du -sk), ${backendSize.apparentKib} KiB apparent`);
  });

  describe('a backend team\'s Node app', () => {
    before(async () => {
      for (const file of readdirSync(CONSUMER).filter((f) => f.startsWith('server-'))) cpSync(join(CONSUMER, file), join(backend, file));
      await npm(['install', '--prefer-offline', '--ignore-scripts', '--no-package-lock', ...NPM_QUIET, tarball('@consent-manager/mx-sandbox'),
        '@types/express@^5', '@types/express-session@^1', '@types/node@^20'], backend);
    }, { timeout: 120_000 });

    it('mounts_the_router_from_the_packed_bff_in_its_own_express_app_with_its_own_session', async () => {
      const { stdout } = await run(process.execPath, ['server-check.mjs'], { cwd: backend, timeout: 20_000 });
      const result = JSON.parse(stdout.trim().split('\n').at(-1)!) as {
        status: number; apps: number; sandboxApps: number; withoutCsrf: number; badInput: { status: number; type: string; code: string };
        standalone: string[];
      };
      assert.equal(result.status, 200);
      assert.equal(result.apps, result.sandboxApps);
      assert.equal(result.withoutCsrf, 403, 'the anti-forgery header is still required');
      assert.equal(result.badInput.status, 400);
      assert.match(result.badInput.type, /^application\/json/);
      assert.ok(result.badInput.code, 'a stable error code');
      assert.deepEqual(result.standalone, ['createBffApp', 'loadConfig'], 'the standalone subpath loads without the Redis peers');
    });

    it('the_router_options_are_typed_for_a_typescript_express_app', async () => {
      const result = await run(process.execPath, [TSC, '-p', 'server-tsconfig.json'], { cwd: backend }).then(() => '', (e: { stdout: string }) => e.stdout);
      assert.equal(result, '', 'tsc -p server-tsconfig.json in the backend project');
    });

    it('the_sandbox_and_bff_commands_start_from_the_installed_packages', async () => {
      const sandbox = spawn(join(backend, 'node_modules/.bin/consent-manager-sandbox'), [], {
        cwd: backend, env: { ...process.env, SANDBOX_PORT: '0' }, stdio: ['ignore', 'pipe', 'inherit'],
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
      const bff = await run(join(backend, 'node_modules/.bin/consent-manager-bff'), [], { cwd: backend, env: { PATH: process.env.PATH } })
        .then(() => ({ code: 0, stderr: '' }), (e: { code: number; stderr: string }) => e);
      assert.equal(bff.code, 1);
      assert.match(bff.stderr, /MX_BASE_URL/);
    });
  });

  describe('a frontend team\'s project', () => {
    let project: string;
    before(async () => {
      project = frontend;
      for (const file of readdirSync(CONSUMER).filter((f) => !f.startsWith('server-'))) cpSync(join(CONSUMER, file), join(project, file));
      // The typings' own consumers: React 19 and Preact projects (and Node's types, for the checks' tsconfig).
      await npm(['install', '--prefer-offline', '--ignore-scripts', '--no-package-lock', ...NPM_QUIET, '@types/react@^19', 'preact@^10', '@types/node@^20'], project);
    }, { timeout: 120_000 });

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
  <script type="module" src="/node_modules/@consent-manager/element/dist/${script}"></script></body></html>`);
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
        assert.ok(scripts.some((p) => /^\/node_modules\/@consent-manager\/element\/dist\/consent-manager-strings-es-[\w-]+\.js$/.test(p)), scripts.join());
      });

      it('the_all_in_one_file_works_from_a_script_tag_alone', async () => {
        const { errors, scripts, text } = await open('drop-in-all.html', 'consent-manager');
        assert.deepEqual(errors, []);
        assert.match(text ?? '', /No pudimos cargar/);
        assert.deepEqual(scripts, ['/node_modules/@consent-manager/element/dist/consent-manager.all.js']);
      });
    });

    it('element_typings_check_attributes_properties_and_events_in_react_19_preact_and_plain_dom', async () => {
      // tsc from this repository, resolving everything from the consumer project; @ts-expect-error lines prove misuse fails.
      for (const config of ['tsconfig.json', 'tsconfig.preact.json']) {
        const result = await run(process.execPath, [TSC, '-p', config], { cwd: project }).then(() => '', (e: { stdout: string }) => e.stdout);
        assert.equal(result, '', `tsc -p ${config} in the consumer project`);
      }
    });
  });
});
