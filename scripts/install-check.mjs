#!/usr/bin/env node
/*
 * Release check: the packed suite installs into a fresh Backstage app, in
 * both frontend systems, on the pinned Backstage line and on the newest one.
 * See docs/development.md, "Release check".
 *
 *   node scripts/install-check.mjs [--line newest|pinned|both]
 *                                  [--system new|legacy|both]
 *                                  [--work DIR] [--keep] [--tarballs DIR]
 *                                  [--no-start]
 *
 * 1. Clones HEAD into a temporary folder (the caller's tree is not touched;
 *    uncommitted changes are not part of the check), installs
 *    (`yarn install --immutable`), generates the declarations (`yarn tsc`),
 *    runs `backstage-cli package build` and `yarn pack` for every public
 *    package, and checks each tarball's manifest (entry points, `files`,
 *    `backstage` metadata, no `workspace:` ranges).
 * 2. Creates fresh apps from the templates of `npm pack @backstage/create-app`
 *    (default-app: new frontend system; legacy-app: legacy frontend system).
 * 3. Adds the tarballs the way docs/install.md says (its `yarn add` lines
 *    become dependencies, `resolutions` point every @opsportal package at its
 *    tarball, so the tarballs' own dependencies on each other resolve to the
 *    tarballs too) and pastes ONLY the code that docs/install.md shows. Then
 *    installs, type-checks (`yarn tsc`, and `yarn tsc:full` for our
 *    declarations against the app's Backstage types), builds the backend and
 *    starts it on 127.0.0.1 to check `GET /api/ops/health`.
 * 4. Lists the duplicate @backstage/* packages that only the suite brings
 *    into the app (read from the app's yarn.lock).
 *
 * Lines: `newest` is what create-app gives after `yarn up '@backstage/*'`
 * and `yarn dedupe`; `pinned` pins every @backstage/* package listed in this
 * repository's root `resolutions` (the Backstage release in backstage.json),
 * with the create-app release of that Backstage version.
 *
 * Every network call goes to the package registry (derived from
 * `npm config get registry` at run time, as scripts/portal.mjs does) or to
 * 127.0.0.1. Takes long: each app install is several minutes.
 */
import { spawn, spawnSync } from 'node:child_process';
import {
  closeSync,
  cpSync,
  existsSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  readdirSync,
  renameSync,
  rmSync,
  statSync,
  writeFileSync,
  writeSync,
} from 'node:fs';
import { createRequire } from 'node:module';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { toolEnv } from './lib/toolEnv.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');

// ---------------------------------------------------------------------------
// Environment

const isolated = extra => toolEnv(extra, { isolate: true });
const env = isolated();
// The apps have no lockfile yet: installs there must be allowed to write one,
// also where CI=true makes Yarn immutable by default.
const appEnv = isolated({
  YARN_ENABLE_IMMUTABLE_INSTALLS: 'false',
  YARN_ENABLE_PROGRESS_BARS: 'false',
});

// ---------------------------------------------------------------------------
// Options

const usage = `usage: node scripts/install-check.mjs [options]

  --line newest|pinned|both    Backstage release line(s) to test (default both)
  --system new|legacy|both     frontend system(s) to test (default both)
  --work DIR                   work folder (default: a new one under ${os.tmpdir()})
  --keep                       keep the work folder (default: kept only on failure)
  --tarballs DIR               reuse tarballs packed by an earlier run (skips step 1)
  --create-app VERSION         @backstage/create-app for the newest line (default latest)
  --pinned-create-app VERSION  @backstage/create-app for the pinned line
                               (default: the release whose Backstage version is backstage.json's)
  --no-start                   do not start the backends
  --fail-on-duplicates         exit non-zero when the suite brings duplicate @backstage/* packages`;

function parseArgs(argv) {
  const opts = {
    line: 'both',
    system: 'both',
    work: undefined,
    keep: false,
    tarballs: undefined,
    createApp: 'latest',
    pinnedCreateApp: undefined,
    start: true,
    failOnDuplicates: false,
  };
  const takes = {
    '--line': 'line',
    '--system': 'system',
    '--work': 'work',
    '--tarballs': 'tarballs',
    '--create-app': 'createApp',
    '--pinned-create-app': 'pinnedCreateApp',
  };
  for (let i = 0; i < argv.length; i++) {
    let [flag, value] = argv[i].split(/=(.*)/s);
    if (flag in takes) {
      if (value === undefined) value = argv[++i];
      if (value === undefined) die(`${flag} needs a value\n\n${usage}`);
      opts[takes[flag]] = value;
    } else if (flag === '--keep') opts.keep = true;
    else if (flag === '--no-start') opts.start = false;
    else if (flag === '--fail-on-duplicates') opts.failOnDuplicates = true;
    else if (flag === '--help' || flag === '-h') {
      console.log(usage);
      process.exit(0);
    } else die(`unknown option ${argv[i]}\n\n${usage}`);
  }
  const pick = (name, value, all) => {
    if (value === 'both') return all;
    if (!all.includes(value))
      die(`--${name} must be ${all.join(', ')} or both`);
    return [value];
  };
  opts.lines = pick('line', opts.line, ['newest', 'pinned']);
  opts.systems = pick('system', opts.system, ['new', 'legacy']);
  return opts;
}

// ---------------------------------------------------------------------------
// Output, commands and timings

const started = Date.now();
const timings = []; // [label, seconds, status]
const running = new Set();

function log(message) {
  const at = fmtSeconds((Date.now() - started) / 1000).padStart(7);
  process.stdout.write(`[install-check ${at}] ${message}\n`);
}

function die(message) {
  process.stderr.write(`\n[install-check] ${message}\n`);
  process.exit(2);
}

function fmtSeconds(seconds) {
  seconds = Math.round(seconds);
  if (seconds < 60) return `${seconds}s`;
  return `${Math.floor(seconds / 60)}m${String(seconds % 60).padStart(
    2,
    '0',
  )}s`;
}

function indent(text, by = '    ') {
  return text
    .split('\n')
    .map(line => by + line)
    .join('\n');
}

class CheckError extends Error {}

/** Runs one timed step; a failure is rethrown as a CheckError naming it. */
async function step(label, fn) {
  const t0 = Date.now();
  log(`> ${label}`);
  try {
    const result = await fn();
    const seconds = (Date.now() - t0) / 1000;
    timings.push([label, seconds, 'ok']);
    log(`  ok: ${label} (${fmtSeconds(seconds)})`);
    return result;
  } catch (error) {
    const seconds = (Date.now() - t0) / 1000;
    timings.push([label, seconds, 'FAILED']);
    log(`  FAILED: ${label} (${fmtSeconds(seconds)})`);
    throw new CheckError(`${label}: ${error.message}`);
  }
}

function tail(file, lines = 40) {
  try {
    const text = stripAnsi(readFileSync(file, 'utf8'));
    return text.trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '';
  }
}

function stripAnsi(text) {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\u001b\[[0-9;]*[A-Za-z]/g, '');
}

/** Runs a command to completion with its output in a log file. */
function run(
  cmd,
  args,
  { cwd, env: runEnv = env, logFile, timeoutMinutes = 45 },
) {
  return new Promise((resolve, reject) => {
    mkdirSync(path.dirname(logFile), { recursive: true });
    const fd = openSync(logFile, 'a');
    writeSync(fd, `\n$ ${cmd} ${args.join(' ')}\n  (in ${cwd})\n`);
    const child = spawn(cmd, args, {
      cwd,
      env: runEnv,
      stdio: ['ignore', fd, fd],
      detached: true,
    });
    closeSync(fd);
    running.add(child);
    let timedOut = false;
    const timer = setTimeout(() => {
      timedOut = true;
      killGroup(child, 'SIGKILL');
    }, timeoutMinutes * 60_000);
    child.on('error', error => {
      clearTimeout(timer);
      running.delete(child);
      reject(error);
    });
    child.on('exit', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      if (code === 0) return resolve();
      const why = timedOut
        ? `timed out after ${timeoutMinutes} min`
        : `exit ${code ?? signal}`;
      reject(
        new Error(
          `'${cmd} ${args.join(' ')}' failed (${why}) in ${cwd}\n` +
            `    log: ${logFile}\n${indent(tail(logFile))}`,
        ),
      );
    });
  });
}

/** Runs a short command and returns its standard output. */
function capture(cmd, args, { cwd = root, env: runEnv = env } = {}) {
  const result = spawnSync(cmd, args, {
    cwd,
    env: runEnv,
    encoding: 'utf8',
    maxBuffer: 64 * 1024 * 1024,
  });
  if (result.status !== 0) {
    throw new Error(
      `'${cmd} ${args.join(' ')}' failed (exit ${
        result.status ?? result.signal
      })` +
        `${result.error ? `: ${result.error.message}` : ''}\n${indent(
          (result.stderr || result.stdout || '')
            .trim()
            .split('\n')
            .slice(-20)
            .join('\n'),
        )}`,
    );
  }
  return result.stdout;
}

function killGroup(child, signal = 'SIGTERM') {
  try {
    process.kill(-child.pid, signal);
  } catch {
    /* already gone */
  }
}

for (const signal of ['SIGINT', 'SIGTERM']) {
  process.on(signal, () => {
    for (const child of running) killGroup(child, 'SIGKILL');
    process.exit(130);
  });
}

const readJson = file => JSON.parse(readFileSync(file, 'utf8'));
const writeJson = (file, value) =>
  writeFileSync(file, `${JSON.stringify(value, null, 2)}\n`);

function sortKeys(object) {
  return Object.fromEntries(
    Object.entries(object).sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)),
  );
}

function compareVersions(a, b) {
  const pa = a.split(/[.-]/).map(x => (/^\d+$/.test(x) ? Number(x) : x));
  const pb = b.split(/[.-]/).map(x => (/^\d+$/.test(x) ? Number(x) : x));
  for (let i = 0; i < Math.max(pa.length, pb.length); i++) {
    if (pa[i] === pb[i]) continue;
    if (pa[i] === undefined) return -1;
    if (pb[i] === undefined) return 1;
    if (typeof pa[i] === typeof pb[i]) return pa[i] < pb[i] ? -1 : 1;
    return typeof pa[i] === 'number' ? -1 : 1;
  }
  return 0;
}

// ---------------------------------------------------------------------------
// Step 1: build and pack the public packages from a clean clone of HEAD

async function packSuite(work) {
  const sha = capture('git', ['rev-parse', 'HEAD']).trim();
  const dirty = capture('git', [
    'status',
    '--porcelain',
    '--untracked-files=no',
  ]).trim();
  if (dirty) {
    log(
      `note: the working tree has uncommitted changes; they are NOT part of the check (HEAD ${sha.slice(
        0,
        10,
      )} is)`,
    );
  }
  const src = path.join(work, 'src');
  const tarballs = path.join(work, 'tarballs');
  const logs = path.join(work, 'logs');
  mkdirSync(tarballs, { recursive: true });

  await step(`clone HEAD ${sha.slice(0, 10)}`, async () => {
    await run('git', ['clone', '--quiet', '--no-checkout', root, src], {
      cwd: work,
      logFile: path.join(logs, 'source.log'),
    });
    await run('git', ['-C', src, 'checkout', '--quiet', '--detach', sha], {
      cwd: work,
      logFile: path.join(logs, 'source.log'),
    });
  });
  await step('install the repository (yarn install --immutable)', () =>
    run('corepack', ['yarn', 'install', '--immutable'], {
      cwd: src,
      logFile: path.join(logs, 'source-install.log'),
    }),
  );
  await step('declarations (yarn tsc)', () =>
    run('corepack', ['yarn', 'tsc'], {
      cwd: src,
      logFile: path.join(logs, 'source-tsc.log'),
    }),
  );

  const workspaces = capture(
    'corepack',
    ['yarn', 'workspaces', 'list', '--json', '--no-private'],
    { cwd: src },
  )
    .trim()
    .split('\n')
    .filter(Boolean)
    .map(line => JSON.parse(line))
    .filter(ws => ws.location !== '.');
  if (workspaces.length === 0)
    throw new CheckError('no public workspace found');

  const packed = [];
  for (const ws of workspaces) {
    const dir = path.join(src, ws.location);
    const manifest = readJson(path.join(dir, 'package.json'));
    const logFile = path.join(
      logs,
      `pack-${ws.name.replace(/[@/]/g, '_')}.log`,
    );
    await step(`${ws.name}: backstage-cli package build`, async () => {
      if (!/backstage-cli package build/.test(manifest.scripts?.build ?? '')) {
        throw new Error(
          `${ws.name} has no "build": "backstage-cli package build" script`,
        );
      }
      await run('corepack', ['yarn', 'workspace', ws.name, 'run', 'build'], {
        cwd: src,
        logFile,
      });
    });
    const file = await step(`${ws.name}: yarn pack`, async () => {
      const before = new Set(readdirSync(tarballs));
      await run(
        'corepack',
        [
          'yarn',
          'workspace',
          ws.name,
          'pack',
          '--out',
          path.join(tarballs, '%s-%v.tgz'),
        ],
        { cwd: src, logFile },
      );
      const made = readdirSync(tarballs).filter(f => !before.has(f));
      if (made.length !== 1) {
        throw new Error(
          `expected one new tarball in ${tarballs}, found ${
            made.join(', ') || 'none'
          }`,
        );
      }
      const restored = capture(
        'git',
        ['status', '--porcelain', '--', ws.location],
        {
          cwd: src,
        },
      ).trim();
      if (restored) {
        throw new Error(
          `${
            ws.name
          }: the working tree changed after packing (postpack did not restore package.json?):\n${indent(
            restored,
          )}`,
        );
      }
      return path.join(tarballs, made[0]);
    });
    await step(`${ws.name}: tarball contents`, async () =>
      checkTarball(ws.name, file, dir, manifest),
    );
    packed.push({ name: ws.name, version: manifest.version, file });
  }
  writeJson(path.join(tarballs, 'packed.json'), {
    sha,
    packed: packed.map(p => ({ ...p, file: path.basename(p.file) })),
  });
  return packed;
}

/** Checks what a published package needs: entry points, files, metadata. */
function checkTarball(name, file, srcDir, srcManifest) {
  const files = new Set(
    capture('tar', ['-tzf', file])
      .split('\n')
      .filter(Boolean)
      .map(f => f.replace(/^package\//, '')),
  );
  const pkg = JSON.parse(
    capture('tar', ['-xzOf', file, 'package/package.json']),
  );
  const problems = [];
  const has = p => {
    const rel = path.posix.normalize(p.replace(/^\.\//, ''));
    return files.has(rel) || [...files].some(f => f.startsWith(`${rel}/`));
  };
  const targets = [];
  for (const field of ['main', 'module', 'types', 'browser', 'configSchema']) {
    if (typeof pkg[field] === 'string') targets.push([field, pkg[field]]);
  }
  const walk = (value, where) => {
    if (typeof value === 'string') {
      if (value.startsWith('./') && !value.includes('*'))
        targets.push([where, value]);
    } else if (value && typeof value === 'object') {
      for (const [k, v] of Object.entries(value)) {
        // `backstage` conditions name a feature type, not a file
        if (k !== 'backstage') walk(v, `${where}[${k}]`);
      }
    }
  };
  walk(pkg.exports, 'exports');
  for (const [k, v] of Object.entries(pkg.typesVersions?.['*'] ?? {})) {
    for (const p of v) targets.push([`typesVersions[${k}]`, p]);
  }
  for (const [where, target] of targets) {
    if (!has(target))
      problems.push(
        `${where} points at ${target}, which is not in the tarball`,
      );
  }
  for (const entry of srcManifest.files ?? []) {
    if (!existsSync(path.join(srcDir, entry))) {
      problems.push(
        `"files" lists ${entry}, which does not exist in ${path.relative(
          path.dirname(path.dirname(srcDir)),
          srcDir,
        )}`,
      );
    } else if (
      !has(entry) &&
      !(entry === 'config.d.ts' && files.has('config.schema.json'))
    ) {
      problems.push(`"files" lists ${entry}, which is not in the tarball`);
    }
  }
  if (!files.has('README.md')) problems.push('no README.md in the tarball');
  for (const field of [
    'dependencies',
    'peerDependencies',
    'optionalDependencies',
  ]) {
    for (const [dep, range] of Object.entries(pkg[field] ?? {})) {
      if (/^(workspace|link|portal|file):/.test(range)) {
        problems.push(
          `${field}.${dep} is ${range}, which cannot be installed from the registry`,
        );
      }
    }
  }
  const role = pkg.backstage?.role;
  if (!role) problems.push('backstage.role is missing');
  if (role === 'backend-plugin-module' && !pkg.backstage?.pluginPackage) {
    problems.push(
      'backstage.pluginPackage is missing (a module names the plugin it extends)',
    );
  }
  if (/plugin|module/.test(role ?? '') && !pkg.backstage?.pluginId) {
    problems.push('backstage.pluginId is missing');
  }
  if (pkg.private) problems.push('the package is private');
  if (pkg.publishConfig?.access !== 'public' && name.startsWith('@')) {
    problems.push(
      'publishConfig.access is not "public" (a scoped package would be published restricted)',
    );
  }
  if (problems.length) {
    throw new Error(
      `${name} (${path.basename(file)}):\n${indent(problems.join('\n'))}`,
    );
  }
}

function loadTarballs(dir) {
  const manifestFile = path.join(dir, 'packed.json');
  if (!existsSync(manifestFile)) {
    throw new CheckError(
      `${dir} has no packed.json: pass the tarballs folder of an earlier run`,
    );
  }
  const { sha, packed } = readJson(manifestFile);
  log(`reusing the tarballs of ${sha.slice(0, 10)} in ${dir}`);
  return packed.map(p => ({ ...p, file: path.join(dir, p.file) }));
}

// ---------------------------------------------------------------------------
// Step 2: fresh apps from @backstage/create-app

async function fetchCreateApp(work, version) {
  const dir = path.join(work, `create-app-${version}`);
  if (!existsSync(path.join(dir, 'package', 'package.json'))) {
    mkdirSync(dir, { recursive: true });
    const out = capture(
      'npm',
      [
        'pack',
        `@backstage/create-app@${version}`,
        '--pack-destination',
        dir,
        '--silent',
      ],
      { cwd: dir },
    )
      .trim()
      .split('\n')
      .pop();
    capture('tar', ['-xzf', path.join(dir, out), '-C', dir]);
  }
  const pkgDir = path.join(dir, 'package');
  const { packageVersions } = createRequire(import.meta.url)(
    path.join(pkgDir, 'dist', 'lib', 'versions.cjs.js'),
  );
  const manifest = readJson(path.join(pkgDir, 'package.json'));
  const times = JSON.parse(
    capture('npm', ['view', '@backstage/create-app', 'time', '--json']),
  );
  return {
    version: manifest.version,
    published: new Date(times[manifest.version]),
    release: packageVersions.root,
    packageVersions,
    templates: path.join(pkgDir, 'templates'),
  };
}

/** The create-app release whose templates are of the given Backstage release. */
async function createAppFor(work, release, latest) {
  if (latest.release === release) return latest;
  const versions = JSON.parse(
    capture('npm', ['view', '@backstage/create-app', 'versions', '--json']),
  )
    .filter(v => !v.includes('-'))
    .sort(compareVersions)
    .reverse()
    .filter(v => compareVersions(v, latest.version) < 0);
  for (const version of versions.slice(0, 8)) {
    const candidate = await fetchCreateApp(work, version);
    if (candidate.release === release) return candidate;
    if (compareVersions(candidate.release, release) < 0) break;
  }
  throw new Error(
    `no @backstage/create-app release found for Backstage ${release}; pass --pinned-create-app`,
  );
}

/** Which template is which frontend system: read, not assumed. */
function templateFor(templates, system) {
  const candidates = readdirSync(templates).filter(t =>
    existsSync(path.join(templates, t, 'packages', 'app', 'src', 'App.tsx')),
  );
  for (const t of candidates) {
    const app = readFileSync(
      path.join(templates, t, 'packages', 'app', 'src', 'App.tsx'),
      'utf8',
    );
    const isNew = app.includes('@backstage/frontend-defaults');
    const isLegacy = app.includes('@backstage/app-defaults');
    if ((system === 'new' && isNew) || (system === 'legacy' && isLegacy)) {
      return path.join(templates, t);
    }
  }
  throw new Error(
    `no ${
      system === 'new' ? 'new' : 'legacy'
    } frontend system template among ${candidates.join(', ')}`,
  );
}

/** Copies a template and fills its handlebars placeholders. */
function renderTemplate(templateDir, appDir, name, packageVersions) {
  cpSync(templateDir, appDir, { recursive: true });
  const render = (text, file) =>
    text.replace(/\{\{\s*([^}]*?)\s*\}\}/g, (whole, expr) => {
      let m;
      if ((m = /^version\s+'([^']+)'$/.exec(expr))) {
        if (!(m[1] in packageVersions))
          throw new Error(`${file}: no version for ${m[1]}`);
        return packageVersions[m[1]];
      }
      if (expr === 'name') return name;
      if (expr === 'defaultBranch') return 'main';
      throw new Error(
        `${file}: placeholder ${whole} is not known to this script`,
      );
    });
  const visit = dir => {
    for (const entry of readdirSync(dir, { withFileTypes: true })) {
      const file = path.join(dir, entry.name);
      if (entry.isDirectory()) {
        if (entry.name !== 'node_modules') visit(file);
      } else if (entry.name.endsWith('.hbs')) {
        writeFileSync(
          file.slice(0, -4),
          render(readFileSync(file, 'utf8'), file),
        );
        rmSync(file);
      }
    }
  };
  visit(appDir);
}

// ---------------------------------------------------------------------------
// docs/install.md: the lines a user copies

function docSections(md) {
  const sections = {};
  let h2 = '';
  let block = null;
  for (const line of md.split('\n')) {
    if (block) {
      if (/^```\s*$/.test(line)) {
        (sections[h2] ??= []).push(block);
        block = null;
      } else block.code.push(line);
      continue;
    }
    const fence = /^```(\w*)/.exec(line);
    if (fence) block = { lang: fence[1], code: [] };
    else if (/^## /.test(line)) h2 = line.slice(3).trim();
  }
  for (const list of Object.values(sections)) {
    for (const b of list) b.code = b.code.join('\n');
  }
  return sections;
}

function blockIn(sections, section, test, what) {
  const found = (sections[section] ?? []).find(test);
  if (!found) throw new Error(`docs/install.md, "${section}": no ${what}`);
  return found;
}

/** `yarn --cwd packages/x add a b` lines of a shell block. */
function yarnAdds(code) {
  const adds = [];
  const joined = code.replace(/\\\n/g, ' ');
  for (const line of joined.split('\n')) {
    const m = /^\s*yarn\s+(?:--cwd\s+(\S+)\s+)?add\s+(.+)$/.exec(
      line.replace(/#.*$/, ''),
    );
    if (!m) continue;
    adds.push({
      cwd: m[1] ?? '.',
      packages: m[2].split(/\s+/).filter(p => p && !p.startsWith('-')),
    });
  }
  return adds;
}

/** Splits a snippet into import statements, const statements and JSX groups. */
function parseSnippet(code) {
  const lines = code.split('\n');
  const imports = [];
  const consts = [];
  const groups = [];
  let targets = [];
  for (let i = 0; i < lines.length; i++) {
    const line = lines[i];
    if (/^import\s/.test(line)) {
      const statement = [line];
      while (
        !/;\s*$/.test(statement[statement.length - 1]) &&
        i + 1 < lines.length
      ) {
        statement.push(lines[++i]);
      }
      imports.push(statement.join('\n'));
    } else if (/^const\s+(\w+)\s*=/.test(line)) {
      const constName = /^const\s+(\w+)/.exec(line)[1];
      const statement = [line];
      while (
        !/^\);?\s*$/.test(statement[statement.length - 1]) &&
        i + 1 < lines.length
      ) {
        statement.push(lines[++i]);
      }
      consts.push({ name: constName, code: statement.join('\n'), targets });
      targets = [];
    } else if (/^\s*\/\//.test(line)) {
      const named = [...line.matchAll(/`(\w+)`/g)].map(m => m[1]);
      if (named.length) targets = named;
    } else if (/^\s*</.test(line) && !/^\s*<\/?>\s*$/.test(line)) {
      let group = groups[groups.length - 1];
      if (!group || group.targets !== targets) {
        group = { targets, lines: [] };
        groups.push(group);
      }
      group.lines.push(line);
    } else if (
      groups.length &&
      groups[groups.length - 1].targets === targets &&
      line.trim()
    ) {
      groups[groups.length - 1].lines.push(line);
    }
  }
  return { imports, consts, groups };
}

function reindent(lines, to) {
  const min = Math.min(
    ...lines.filter(l => l.trim()).map(l => /^\s*/.exec(l)[0].length),
  );
  return lines.map(l => (l.trim() ? to + l.slice(min) : l));
}

/** Adds import statements after the file's last import (unless already there). */
function addImports(text, imports, file) {
  const lines = text.split('\n');
  let last = -1;
  for (let i = 0; i < lines.length; i++) {
    if (/^import\s/.test(lines[i])) {
      while (!/;\s*$/.test(lines[i]) && i + 1 < lines.length) i++;
      last = i;
    }
  }
  if (last < 0)
    throw new Error(`${file}: no import statement to add ours after`);
  const fresh = imports.filter(statement => !text.includes(statement));
  lines.splice(last + 1, 0, ...fresh);
  return lines.join('\n');
}

/** Inserts lines just before the closing line of `const name = ( ... );`. */
function insertIntoConst(text, name, newLines, file) {
  const lines = text.split('\n');
  const start = lines.findIndex(l =>
    new RegExp(`^(export\\s+)?const\\s+${name}\\s*=\\s*\\(`).test(l),
  );
  if (start < 0)
    throw new Error(`${file}: no \`const ${name} = (\` to paste into`);
  let end = start + 1;
  while (end < lines.length && !/^\);?\s*$/.test(lines[end])) end++;
  const closing = end - 1;
  const to = `${/^\s*/.exec(lines[closing])[0]}  `;
  lines.splice(closing, 0, ...reindent(newLines, to));
  return lines.join('\n');
}

function insertBefore(text, pattern, newLines, file, extraIndent = '') {
  const lines = text.split('\n');
  const at = lines.findIndex(l => pattern.test(l));
  if (at < 0)
    throw new Error(`${file}: no line matching ${pattern} to paste before`);
  lines.splice(
    at,
    0,
    ...reindent(newLines, /^\s*/.exec(lines[at])[0] + extraIndent),
  );
  return lines.join('\n');
}

function edit(appDir, rel, fn) {
  const file = path.join(appDir, rel);
  if (!existsSync(file)) throw new Error(`the template has no ${rel}`);
  writeFileSync(file, fn(readFileSync(file, 'utf8'), rel));
}

/** What docs/install.md tells a user to do, for one frontend system. */
function documentedInstall(md, system) {
  const sections = docSections(md);
  const backendSh = blockIn(
    sections,
    'Backend',
    b => b.lang === 'sh' && /\badd\b/.test(b.code),
    '`yarn add` block',
  );
  const backendTs = blockIn(
    sections,
    'Backend',
    b => /backend\.add\(/.test(b.code),
    '`backend.add` block',
  );
  const section =
    system === 'new' ? 'New frontend system' : 'Legacy frontend system';
  const frontendSh = blockIn(
    sections,
    section,
    b => b.lang === 'sh' && /\badd\b/.test(b.code),
    '`yarn add` block',
  );
  const deps = {};
  for (const { cwd, packages } of [
    ...yarnAdds(backendSh.code),
    ...yarnAdds(frontendSh.code),
  ]) {
    for (const p of packages) (deps[cwd] ??= []).push(p);
  }
  const backendLines = backendTs.code
    .split('\n')
    .filter(l => /^\s*backend\.add\(/.test(l));
  const result = { deps, backendLines, section };
  if (system === 'new') {
    const app = blockIn(
      sections,
      section,
      b => /createApp\(/.test(b.code),
      'App.tsx block with createApp',
    );
    const { imports } = parseSnippet(app.code);
    const feature = /features:\s*\[\s*(\w+)/.exec(app.code)?.[1];
    if (!feature)
      throw new Error(
        `docs/install.md, "${section}": no feature in createApp({ features: [...] })`,
      );
    result.newApp = { imports, feature };
  } else {
    const app = blockIn(
      sections,
      section,
      b => b.code.includes('packages/app/src/App.tsx'),
      'App.tsx block',
    );
    const rootBlock = blockIn(
      sections,
      section,
      b => /<SidebarItem\b/.test(b.code),
      'Root.tsx sidebar block',
    );
    const entity = blockIn(
      sections,
      section,
      b => b.code.includes('EntityPage.tsx'),
      'EntityPage.tsx block',
    );
    result.legacy = {
      app: {
        imports: parseSnippet(app.code).imports,
        routes: app.code.split('\n').filter(l => /^\s*<Route\b/.test(l)),
      },
      root: {
        imports: parseSnippet(rootBlock.code).imports,
        items: rootBlock.code
          .split('\n')
          .filter(l => /^\s*<SidebarItem\b/.test(l)),
      },
      entity: parseSnippet(entity.code),
    };
  }
  return result;
}

/** The documented alternative to discovery: the feature from /alpha in createApp. */
function applyAlphaImport(appDir, doc) {
  edit(appDir, 'packages/app/src/App.tsx', (text, file) => {
    text = addImports(text, doc.newApp.imports, file);
    if (!/features:\s*\[/.test(text))
      throw new Error(
        `${file}: no features: [ to add ${doc.newApp.feature} to`,
      );
    return text.replace(/features:\s*\[/, m => `${m}${doc.newApp.feature}, `);
  });
}

/** Pastes the documented code into a fresh app. */
function applyDocumentedCode(appDir, doc, system) {
  edit(appDir, 'packages/backend/src/index.ts', (text, file) =>
    insertBefore(
      text,
      /^\s*backend\.start\(\)/,
      [...doc.backendLines, ''],
      file,
    ),
  );
  if (system === 'new') {
    // docs/install.md: with `app.packages: all` the dependency is all it takes
    const config = readFileSync(path.join(appDir, 'app-config.yaml'), 'utf8');
    if (!/^\s*packages:\s*all\b/m.test(config)) {
      applyAlphaImport(appDir, doc);
    }
    return;
  }
  const { app, root: rootDoc, entity } = doc.legacy;
  edit(appDir, 'packages/app/src/App.tsx', (text, file) =>
    insertBefore(
      addImports(text, app.imports, file),
      /<\/FlatRoutes>/,
      app.routes,
      file,
      '  ',
    ),
  );
  edit(appDir, 'packages/app/src/components/Root/Root.tsx', (text, file) => {
    text = addImports(text, rootDoc.imports, file);
    return text.includes('{/* End global nav */}')
      ? insertBefore(text, /\{\/\* End global nav \*\/\}/, rootDoc.items, file)
      : insertBefore(text, /<SidebarDivider/, rootDoc.items, file);
  });
  edit(
    appDir,
    'packages/app/src/components/catalog/EntityPage.tsx',
    (text, file) => {
      text = addImports(text, entity.imports, file);
      for (const c of entity.consts) {
        if (!c.targets.length)
          throw new Error(
            `docs/install.md: const ${c.name} does not say where it goes`,
          );
        text = insertBefore(
          text,
          new RegExp(`^const\\s+${c.targets[0]}\\s*=`),
          [...c.code.split('\n'), ''],
          file,
        );
        for (const target of c.targets)
          text = insertIntoConst(text, target, [`{${c.name}}`], file);
      }
      for (const g of entity.groups) {
        if (!g.targets.length)
          throw new Error(
            `docs/install.md: EntityPage lines without a named place:\n${g.lines.join(
              '\n',
            )}`,
          );
        for (const target of g.targets)
          text = insertIntoConst(text, target, g.lines, file);
      }
      return text;
    },
  );
}

// ---------------------------------------------------------------------------
// Step 4: duplicates, from the app's yarn.lock

function parseLockfile(text) {
  const entries = [];
  let entry = null;
  let section = null;
  for (const line of text.split('\n')) {
    if (!line.trim() || line.startsWith('#')) continue;
    if (!line.startsWith(' ')) {
      const key = line.replace(/:\s*$/, '').replace(/^"|"$/g, '');
      entry =
        key === '__metadata'
          ? null
          : { descriptors: key.split(/,\s*/), deps: [] };
      if (entry) entries.push(entry);
      section = null;
      continue;
    }
    if (!entry) continue;
    const field = /^ {2}(\S[^:]*):\s*(.*)$/.exec(line);
    if (field) {
      section = field[2] === '' ? field[1] : null;
      if (field[1] === 'version')
        entry.version = field[2].replace(/^"|"$/g, '');
      if (field[1] === 'resolution')
        entry.resolution = field[2].replace(/^"|"$/g, '');
      continue;
    }
    const dep = /^ {4}("?)(.+?)\1:\s*"?(.*?)"?\s*$/.exec(line);
    if (dep && section === 'dependencies') entry.deps.push([dep[2], dep[3]]);
  }
  const nameOf = descriptor => descriptor.slice(0, descriptor.indexOf('@', 1));
  const byDescriptor = new Map();
  for (const e of entries) {
    e.name = nameOf(e.resolution ?? e.descriptors[0]);
    for (const d of e.descriptors) byDescriptor.set(d, e);
  }
  const byName = new Map();
  for (const e of entries) {
    if (!byName.has(e.name)) byName.set(e.name, []);
    byName.get(e.name).push(e);
  }
  for (const e of entries) {
    e.children = e.deps
      .map(([name, range]) => {
        const exact =
          byDescriptor.get(`${name}@${range}`) ??
          byDescriptor.get(`${name}@npm:${range}`);
        if (exact) return exact;
        // a `resolutions` override: the descriptor is recorded with its new target
        const same = byName.get(name) ?? [];
        return same.length === 1 ? same[0] : null;
      })
      .filter(Boolean);
  }
  return entries;
}

/**
 * A lockfile whose pinned packages are also locked under the ranges that
 * depend on them, so that the `resolutions` that pinned them can go and the
 * versions stay: what the app's lockfile would hold had it been installed
 * at its release.
 */
function lockfileWithoutPins(text, pinnedNames) {
  const entries = parseLockfile(text);
  const ranges = new Map();
  for (const e of entries) {
    for (const [name, range] of e.deps) {
      if (!pinnedNames.has(name)) continue;
      if (!ranges.has(name)) ranges.set(name, new Set());
      ranges
        .get(name)
        .add(`${name}@${range.includes(':') ? range : `npm:${range}`}`);
    }
  }
  return text
    .split('\n')
    .map(line => {
      if (
        line.startsWith(' ') ||
        line.startsWith('#') ||
        !line.trim() ||
        line.startsWith('__metadata')
      )
        return line;
      const descriptors = line
        .replace(/:\s*$/, '')
        .replace(/^"|"$/g, '')
        .split(/,\s*/);
      const name = descriptors[0].slice(0, descriptors[0].indexOf('@', 1));
      if (!pinnedNames.has(name)) return line;
      const all = [
        ...new Set([...descriptors, ...(ranges.get(name) ?? [])]),
      ].sort();
      return `"${all.join(', ')}":`;
    })
    .join('\n');
}

/** @backstage/* packages of the app whose locked version changed. */
function lockDrift(beforeText, afterText) {
  const versionsOf = text => {
    const map = new Map();
    for (const e of parseLockfile(text)) {
      if (!e.name.startsWith('@backstage/')) continue;
      for (const d of e.descriptors) map.set(d, e.version);
    }
    return map;
  };
  const before = versionsOf(beforeText);
  const after = versionsOf(afterText);
  const moved = [];
  for (const [descriptor, version] of before) {
    if (after.has(descriptor) && after.get(descriptor) !== version) {
      moved.push(`${descriptor} ${version} → ${after.get(descriptor)}`);
    }
  }
  return moved;
}

function duplicatesBroughtBySuite(lockText, suiteNames, beforeText) {
  const entries = parseLockfile(lockText);
  const isSuite = e => suiteNames.has(e.name);
  const isWorkspace = e => /@workspace:/.test(e.resolution ?? '');
  const reach = (starts, skip) => {
    const seen = new Set();
    const queue = [...starts];
    while (queue.length) {
      const e = queue.pop();
      if (seen.has(e)) continue;
      seen.add(e);
      for (const c of e.children) if (!skip(c)) queue.push(c);
    }
    return seen;
  };
  const app = reach(entries.filter(isWorkspace), isSuite);
  const suite = reach(entries.filter(isSuite), isWorkspace);
  const versions = new Map();
  for (const e of entries) {
    if (!e.name.startsWith('@backstage/')) continue;
    if (!versions.has(e.name)) versions.set(e.name, new Set());
    versions.get(e.name).add(e.version);
  }
  const appVersions = name =>
    [...app].filter(e => e.name === name).map(e => e.version);
  const dups = [];
  for (const e of suite) {
    if (!e.name.startsWith('@backstage/') || app.has(e)) continue;
    if (versions.get(e.name).size < 2) continue;
    const via = [...suite]
      .filter(p => p.children.includes(e))
      .map(p => p.name)
      .filter((n, i, all) => all.indexOf(n) === i);
    dups.push({
      name: e.name,
      version: e.version,
      appVersions: [...new Set(appVersions(e.name))].sort(compareVersions),
      via,
    });
  }
  dups.sort((a, b) => (a.name < b.name ? -1 : 1));
  const appOwn = [...versions].filter(
    ([name]) => new Set(appVersions(name)).size > 1,
  ).length;
  if (beforeText) {
    // Versions that came with the suite and that `yarn dedupe` then gave to
    // the app's own packages too: brought by the suite all the same.
    const had = new Map();
    for (const e of parseLockfile(beforeText)) {
      if (!had.has(e.name)) had.set(e.name, new Set());
      had.get(e.name).add(e.version);
    }
    for (const e of entries) {
      if (!e.name.startsWith('@backstage/') || !had.has(e.name)) continue;
      if (had.get(e.name).has(e.version)) continue;
      if (dups.some(d => d.name === e.name && d.version === e.version))
        continue;
      dups.push({
        name: e.name,
        version: e.version,
        appVersions: [...had.get(e.name)].sort(compareVersions),
        via: ['the suite; yarn dedupe moved the app to it'],
      });
    }
    dups.sort((a, b) => (a.name < b.name ? -1 : 1));
  }
  return { dups, appOwn };
}

// ---------------------------------------------------------------------------
// Step 3: one app

function freePort() {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address();
      server.close(() => resolve(port));
    });
  });
}

async function startBackend(appDir, logFile) {
  const port = await freePort();
  const config = path.join(appDir, 'app-config.install-check.yaml');
  writeFileSync(
    config,
    [
      '# install-check: a minimal local backend; every address is 127.0.0.1',
      'app:',
      `  baseUrl: http://127.0.0.1:${port}`,
      'backend:',
      `  baseUrl: http://127.0.0.1:${port}`,
      '  listen:',
      '    host: 127.0.0.1',
      `    port: ${port}`,
      '  cors:',
      `    origin: http://127.0.0.1:${port}`,
      '  database:',
      '    client: better-sqlite3',
      "    connection: ':memory:'",
      '',
    ].join('\n'),
  );
  // What `yarn build:backend` made (dist/bundle.tar.gz), unpacked inside the
  // app so that it finds the app's node_modules, as a production image does.
  const bundle = path.join(appDir, '.install-check-bundle');
  rmSync(bundle, { recursive: true, force: true });
  mkdirSync(bundle);
  capture('tar', [
    '-xzf',
    path.join(appDir, 'packages', 'backend', 'dist', 'bundle.tar.gz'),
    '-C',
    bundle,
  ]);
  const args = [
    path.join(bundle, 'packages', 'backend'),
    '--config',
    path.join(appDir, 'app-config.yaml'),
    '--config',
    config,
  ];
  const fd = openSync(logFile, 'a');
  writeSync(fd, `\n$ node ${args.join(' ')}\n`);
  const child = spawn(process.execPath, args, {
    // the template's catalog locations are relative to packages/backend
    cwd: path.join(appDir, 'packages', 'backend'),
    env: isolated({
      AWS_EC2_METADATA_DISABLED: 'true',
      NODE_ENV: 'development',
    }),
    stdio: ['ignore', fd, fd],
    detached: true,
  });
  closeSync(fd);
  running.add(child);
  let exited = null;
  child.on('exit', (code, signal) => {
    exited = code ?? signal;
    running.delete(child);
  });
  const url = `http://127.0.0.1:${port}/api/ops/health`;
  try {
    const deadline = Date.now() + 240_000;
    let last = 'no answer';
    while (Date.now() < deadline) {
      if (exited !== null) {
        throw new Error(
          `the backend exited (${exited}) before ${url} answered\n    log: ${logFile}\n${indent(
            tail(logFile),
          )}`,
        );
      }
      let res;
      let body = '';
      try {
        res = await fetch(url, { signal: AbortSignal.timeout(5000) });
        body = await res.text();
      } catch (error) {
        last = error.cause?.code ?? error.message;
      }
      if (res) {
        if (res.status === 200) {
          // The doc's check: the modules registered their providers.
          let providers = '';
          for (let i = 0; i < 20 && !providers; i++) {
            providers =
              /ops providers: (.*)/.exec(
                stripAnsi(readFileSync(logFile, 'utf8')),
              )?.[1] ?? '';
            if (!providers) await new Promise(r => setTimeout(r, 500));
          }
          if (!/cloudwatch/.test(providers)) {
            throw new Error(
              `${url} answered, but the log has no "ops providers" line naming cloudwatch\n    log: ${logFile}`,
            );
          }
          const page = await fetch(`http://127.0.0.1:${port}/`, {
            signal: AbortSignal.timeout(10000),
          });
          const html = await page.text();
          if (page.status !== 200 || !/<html/i.test(html)) {
            throw new Error(
              `GET / (the app, served by the backend) answered ${page.status}, not the app's index.html`,
            );
          }
          return `${url} → 200 ${body
            .replace(/\s+/g, ' ')
            .trim()
            .slice(0, 40)}; GET / → 200 (the app); ops providers: ${providers
            .trim()
            .slice(0, 160)}`;
        }
        last = `${res.status} ${body.slice(0, 200)}`;
      }
      await new Promise(r => setTimeout(r, 2000));
    }
    throw new Error(
      `${url} did not answer 200 within 240s (last: ${last})\n    log: ${logFile}\n${indent(
        tail(logFile),
      )}`,
    );
  } finally {
    if (exited === null) {
      killGroup(child, 'SIGTERM');
      for (let i = 0; i < 20 && exited === null; i++)
        await new Promise(r => setTimeout(r, 500));
      if (exited === null) killGroup(child, 'SIGKILL');
    }
  }
}

/** tsc errors, by file. */
function tscErrors(logFile) {
  const errors = [];
  for (const line of stripAnsi(readFileSync(logFile, 'utf8')).split('\n')) {
    const m =
      /^(\S[^(]*?):(\d+):(\d+) - error (TS\d+): (.*)$/.exec(line) ??
      /^(\S[^(]*?)\((\d+),(\d+)\): error (TS\d+): (.*)$/.exec(line);
    if (m)
      errors.push({
        file: m[1],
        line: m[2],
        code: m[4],
        text: m[5],
        raw: `${m[1]}:${m[2]} ${m[4]} ${m[5]}`,
      });
  }
  return errors;
}

async function checkApp({
  work,
  line,
  system,
  createApp,
  pinned,
  tarballs,
  md,
  opts,
}) {
  const label = `${line}/${system}`;
  const appDir = path.join(work, 'apps', `${line}-${system}`);
  const logs = path.join(work, 'logs', `${line}-${system}`);
  const result = { label, checks: {}, notes: [], duplicates: null };
  const t0 = Date.now();
  const yarn = (args, name, timeoutMinutes) =>
    run('corepack', ['yarn', ...args], {
      cwd: appDir,
      env: appEnv,
      logFile: path.join(logs, `${name}.log`),
      timeoutMinutes,
    });
  const check = async (key, title, fn) => {
    try {
      const detail = await step(`${label}: ${title}`, fn);
      result.checks[key] = 'pass';
      if (detail) result.notes.push(`${title}: ${detail}`);
      return true;
    } catch (error) {
      result.checks[key] = 'FAIL';
      result.notes.push(error.message);
      return false;
    }
  };

  const pendingDeps = {};
  const addPendingDeps = () => {
    for (const [cwd, deps] of Object.entries(pendingDeps)) {
      const file = path.join(appDir, cwd, 'package.json');
      const pkg = readJson(file);
      pkg.dependencies = sortKeys({ ...pkg.dependencies, ...deps });
      writeJson(file, pkg);
    }
  };

  const ok = await check(
    'create',
    `create the app (create-app ${createApp.version}, Backstage ${createApp.release}) and paste docs/install.md`,
    async () => {
      rmSync(appDir, { recursive: true, force: true });
      mkdirSync(path.dirname(appDir), { recursive: true });
      renderTemplate(
        templateFor(createApp.templates, system),
        appDir,
        `${line}-${system}`,
        createApp.packageVersions,
      );
      const doc = documentedInstall(md, system);
      // the tarballs, under the app, reached through `resolutions`
      const tarDir = path.join(appDir, 'ops-tarballs');
      mkdirSync(tarDir);
      const rootPkg = readJson(path.join(appDir, 'package.json'));
      rootPkg.resolutions = { ...rootPkg.resolutions, 'node-gyp': '^10.0.0' };
      for (const t of tarballs) {
        cpSync(t.file, path.join(tarDir, path.basename(t.file)));
        rootPkg.resolutions[t.name] = `file:./ops-tarballs/${path.basename(
          t.file,
        )}`;
      }
      if (line === 'pinned') {
        // the template's own packages at the versions of its release, ours at
        // the root resolutions of this repository
        for (const [name, version] of [
          ...Object.entries(createApp.packageVersions),
          ...Object.entries(pinned),
        ]) {
          if (name.startsWith('@backstage/'))
            rootPkg.resolutions[name] = version;
        }
      }
      rootPkg.resolutions = sortKeys(rootPkg.resolutions);
      writeJson(path.join(appDir, 'package.json'), rootPkg);
      // the documented `yarn --cwd packages/x add ...`, as `yarn add` writes it
      for (const [cwd, names] of Object.entries(doc.deps)) {
        if (!existsSync(path.join(appDir, cwd, 'package.json'))) {
          throw new Error(
            `docs/install.md adds to ${cwd}, which the template does not have`,
          );
        }
        for (const name of names) {
          const t = tarballs.find(x => x.name === name);
          if (!t)
            throw new Error(
              `docs/install.md adds ${name}, which is not one of the packed packages (${tarballs
                .map(x => x.name)
                .join(', ')})`,
            );
          (pendingDeps[cwd] ??= {})[name] = `^${t.version}`;
        }
      }
      // newest: added before `yarn up`; pinned: once the app is installed
      if (line === 'newest') addPendingDeps();
      applyDocumentedCode(appDir, doc, system);
      return `${Object.entries(doc.deps)
        .map(([cwd, n]) => `${cwd}: ${n.length} packages`)
        .join(', ')}; ${doc.backendLines.length} backend.add lines; ${
        system === 'new'
          ? `App.tsx features += ${doc.newApp.feature}`
          : 'App.tsx routes, Root.tsx sidebar, EntityPage.tsx cards and tabs'
      }`;
    },
  );
  if (!ok) return finish();

  const installed =
    line === 'newest'
      ? await check(
          'install',
          "install: yarn up '@backstage/*' && yarn dedupe",
          async () => {
            await yarn(['up', '@backstage/*'], 'install', 60);
            await yarn(['dedupe'], 'install', 30);
          },
        )
      : await check(
          'install',
          'install the app at its release (@backstage/* pinned), then add ours: yarn install && yarn dedupe',
          async () => {
            await yarn(['install'], 'install', 60);
            // @backstage/* packages that neither list names (dependencies of
            // dependencies) would float to the newest release: pin them to
            // their newest version published by the create-app release.
            const cutoff = new Date(createApp.published.getTime() + 86_400_000);
            const byDate = [];
            const tried = new Set();
            for (let round = 0; round < 3; round++) {
              const rootFile = path.join(appDir, 'package.json');
              const rootPkg = readJson(rootFile);
              const floating = [
                ...new Set(
                  [
                    ...readFileSync(
                      path.join(appDir, 'yarn.lock'),
                      'utf8',
                    ).matchAll(/^"?(@backstage\/[^@\s"]+)@/gm),
                  ].map(m => m[1]),
                ),
              ].filter(
                name => !(name in rootPkg.resolutions) && !tried.has(name),
              );
              if (!floating.length) break;
              for (const name of floating) {
                tried.add(name);
                const times = JSON.parse(
                  capture('npm', ['view', name, 'time', '--json']),
                );
                const version = Object.keys(times)
                  .filter(
                    v =>
                      /^\d+\.\d+\.\d+$/.test(v) && new Date(times[v]) <= cutoff,
                  )
                  .sort(compareVersions)
                  .pop();
                if (version) {
                  rootPkg.resolutions[name] = version;
                  byDate.push(`${name}@${version}`);
                }
              }
              rootPkg.resolutions = sortKeys(rootPkg.resolutions);
              writeJson(rootFile, rootPkg);
              await yarn(['install'], 'install', 30);
            }
            // Now the app is what a user of that release has: its lockfile.
            // Lift the pins (keeping the lockfile's versions) and add ours as
            // `yarn add` would: a range ours shares with the app reuses the
            // app's version, any other range resolves afresh.
            const rootFile = path.join(appDir, 'package.json');
            const rootPkg = readJson(rootFile);
            const lifted = Object.keys(rootPkg.resolutions).filter(n =>
              n.startsWith('@backstage/'),
            );
            writeFileSync(
              path.join(appDir, 'yarn.lock'),
              lockfileWithoutPins(
                readFileSync(path.join(appDir, 'yarn.lock'), 'utf8'),
                new Set(lifted),
              ),
            );
            for (const name of lifted) delete rootPkg.resolutions[name];
            writeJson(rootFile, rootPkg);
            await yarn(['install'], 'install', 30);
            const before = readFileSync(path.join(appDir, 'yarn.lock'), 'utf8');
            result.lockBefore = before;
            writeFileSync(path.join(appDir, 'yarn.lock.before-suite'), before);
            addPendingDeps();
            await yarn(['install'], 'install', 30);
            await yarn(['dedupe'], 'install', 30);
            const drifted = lockDrift(
              before,
              readFileSync(path.join(appDir, 'yarn.lock'), 'utf8'),
            );
            if (drifted.length) {
              result.notes.push(
                `adding the suite moved the app's own packages: ${drifted.join(
                  ', ',
                )}`,
              );
            }
            return byDate.length
              ? `pinned by publish date (by ${cutoff
                  .toISOString()
                  .slice(0, 10)}): ${byDate.join(', ')}`
              : '';
          },
        );
  if (!installed) return finish();

  await check(
    'duplicates',
    'duplicate @backstage/* packages the suite brings',
    async () => {
      const suiteNames = new Set(tarballs.map(t => t.name));
      const { dups, appOwn } = duplicatesBroughtBySuite(
        readFileSync(path.join(appDir, 'yarn.lock'), 'utf8'),
        suiteNames,
        result.lockBefore,
      );
      result.duplicates = dups;
      const backstageVersion = readJson(
        path.join(
          appDir,
          'node_modules',
          '@backstage',
          'backend-plugin-api',
          'package.json',
        ),
      ).version;
      result.notes.push(
        `app resolved @backstage/backend-plugin-api ${backstageVersion}, @backstage/frontend-plugin-api ${
          readJson(
            path.join(
              appDir,
              'node_modules',
              '@backstage',
              'frontend-plugin-api',
              'package.json',
            ),
          ).version
        }`,
      );
      if (appOwn)
        result.notes.push(
          `(the app itself, without the suite, has ${appOwn} @backstage/* packages in more than one version)`,
        );
      const text = dups.length
        ? `${dups.length}:\n${dups
            .map(
              d =>
                `      ${d.name}@${d.version} (app: ${
                  d.appVersions.join(', ') || '-'
                }; via ${d.via.join(', ')})`,
            )
            .join('\n')}`
        : 'none';
      log(`  duplicates the suite brings: ${text}`);
      if (dups.length && opts.failOnDuplicates)
        throw new Error(
          `the suite brings ${dups.length} duplicate @backstage/* packages`,
        );
      return `${dups.length}`;
    },
  );

  await check('tsc', 'type check (yarn tsc)', async () => {
    try {
      await yarn(['tsc'], 'tsc', 30);
    } catch (error) {
      const errors = tscErrors(path.join(logs, 'tsc.log'));
      if (!errors.length) throw error;
      const inDocs = errors.filter(e => /^packages\//.test(e.file));
      throw new Error(
        `${errors.length} type errors${
          inDocs.length
            ? ' (in code pasted from docs/install.md or the template)'
            : ''
        }:\n${indent(
          errors
            .slice(0, 25)
            .map(e => e.raw)
            .join('\n'),
        )}\n    log: ${path.join(logs, 'tsc.log')}`,
      );
    }
  });

  await check(
    'tscFull',
    "type check with the libraries (yarn tsc:full: our .d.ts against the app's Backstage types)",
    async () => {
      try {
        await yarn(['tsc:full'], 'tsc-full', 30);
        return '';
      } catch (error) {
        const errors = tscErrors(path.join(logs, 'tsc-full.log'));
        if (!errors.length) throw error;
        const ours = errors.filter(e =>
          /@opsportal\/|^packages\//.test(e.file),
        );
        if (ours.length) {
          throw new Error(
            `${
              ours.length
            } type errors in our packages or the pasted code:\n${indent(
              ours
                .slice(0, 25)
                .map(e => e.raw)
                .join('\n'),
            )}\n    log: ${path.join(logs, 'tsc-full.log')}`,
          );
        }
        const files = [
          ...new Set(
            errors.map(e =>
              e.file
                .replace(/^.*node_modules\//, '')
                .split('/')
                .slice(0, 2)
                .join('/'),
            ),
          ),
        ];
        return `no error in our packages (${
          errors.length
        } in other libraries: ${files.slice(0, 6).join(', ')})`;
      }
    },
  );

  // The backend's build also bundles the app (a `bundled` package it links).
  const built = await check(
    'build',
    'build the backend and the app it bundles (yarn build:backend)',
    async () => {
      await yarn(['build:backend'], 'build-backend', 40);
      const staticDir = path.join(appDir, 'packages', 'app', 'dist', 'static');
      const bundled =
        existsSync(staticDir) &&
        readdirSync(staticDir).some(
          f =>
            f.endsWith('.js') &&
            readFileSync(path.join(staticDir, f), 'utf8').includes(
              'opsportal.dev/',
            ),
        );
      if (!bundled) {
        throw new Error(
          `the app bundle (${staticDir}) does not contain the ops plugin${
            system === 'new'
              ? ' (not discovered through app.packages: all?)'
              : ''
          }`,
        );
      }
      return `the app bundle contains the ops plugin${
        system === 'new' ? ' (discovered: no code was added to the app)' : ''
      }`;
    },
  );

  if (opts.start && built) {
    await check(
      'health',
      'start the built backend on 127.0.0.1, GET /api/ops/health',
      () => startBackend(appDir, path.join(logs, 'backend.log')),
    );
  }

  if (
    system === 'new' &&
    result.checks.create === 'pass' &&
    result.checks.install === 'pass'
  ) {
    await check(
      'alpha',
      "the documented alternative: features: [opsPlugin] from '@opsportal/plugin-ops/alpha' (yarn tsc)",
      async () => {
        applyAlphaImport(appDir, documentedInstall(md, system));
        try {
          await yarn(['tsc'], 'tsc-alpha', 30);
        } catch (error) {
          const errors = tscErrors(path.join(logs, 'tsc-alpha.log'));
          if (!errors.length) throw error;
          throw new Error(
            `${errors.length} type errors:\n${indent(
              errors
                .slice(0, 25)
                .map(e => e.raw)
                .join('\n'),
            )}`,
          );
        }
      },
    );
  }
  return finish();

  function finish() {
    result.seconds = (Date.now() - t0) / 1000;
    result.ok = Object.values(result.checks).every(v => v === 'pass');
    return result;
  }
}

// ---------------------------------------------------------------------------

async function main() {
  const opts = parseArgs(process.argv.slice(2));
  const work = path.resolve(
    opts.work ?? mkdtempSync(path.join(os.tmpdir(), 'ops-install-check-')),
  );
  mkdirSync(work, { recursive: true });
  log(`work folder: ${work}`);
  log(
    `lines: ${opts.lines.join(', ')}; frontend systems: ${opts.systems.join(
      ', ',
    )}`,
  );

  // What HEAD says: the doc, the pinned versions, the Backstage release.
  const md = capture('git', ['show', 'HEAD:docs/install.md']);
  const pinned =
    JSON.parse(capture('git', ['show', 'HEAD:package.json'])).resolutions ?? {};
  const release = JSON.parse(
    capture('git', ['show', 'HEAD:backstage.json']),
  ).version;

  let failed = false;
  const results = [];
  try {
    const tarballs = opts.tarballs
      ? loadTarballs(path.resolve(opts.tarballs))
      : await packSuite(work);

    const latest = await step(
      `fetch @backstage/create-app@${opts.createApp}`,
      () => fetchCreateApp(work, opts.createApp),
    );
    const lines = {};
    if (opts.lines.includes('newest')) lines.newest = latest;
    if (opts.lines.includes('pinned')) {
      lines.pinned = await step(
        `find the @backstage/create-app of Backstage ${release}`,
        async () =>
          opts.pinnedCreateApp
            ? fetchCreateApp(work, opts.pinnedCreateApp)
            : createAppFor(work, release, latest),
      );
      if (lines.pinned.release !== release) {
        log(
          `note: @backstage/create-app ${lines.pinned.version} is of Backstage ${lines.pinned.release}, backstage.json says ${release}`,
        );
      }
    }
    for (const line of opts.lines) {
      log(
        `${line} line: @backstage/create-app ${
          lines[line].version
        } (Backstage ${lines[line].release})${
          line === 'newest'
            ? ", then yarn up '@backstage/*'"
            : `, @backstage/* pinned to the root resolutions (${
                Object.keys(pinned).filter(n => n.startsWith('@backstage/'))
                  .length
              } packages)`
        }`,
      );
      for (const system of opts.systems) {
        results.push(
          await checkApp({
            work,
            line,
            system,
            createApp: lines[line],
            pinned,
            tarballs,
            md,
            opts,
          }),
        );
      }
    }
  } catch (error) {
    failed = true;
    process.stderr.write(
      `\n[install-check] ${
        error instanceof CheckError ? error.message : error.stack
      }\n`,
    );
  }

  // Summary
  const cols = [
    'create',
    'install',
    'duplicates',
    'tsc',
    'tscFull',
    'build',
    'health',
    'alpha',
  ];
  const head = [
    'app (line/system)',
    'create',
    'install',
    'dups',
    'tsc',
    'tsc:full',
    'build',
    'health',
    'alpha import',
    'time',
    'result',
  ];
  const rows = results.map(r => [
    r.label,
    ...cols.map(c =>
      c === 'duplicates' && r.duplicates
        ? `${r.duplicates.length}`
        : r.checks[c] ?? '-',
    ),
    fmtSeconds(r.seconds),
    r.ok ? 'PASS' : 'FAIL',
  ]);
  const widths = head.map((h, i) =>
    Math.max(h.length, ...rows.map(r => r[i].length)),
  );
  const fmtRow = r => `| ${r.map((c, i) => c.padEnd(widths[i])).join(' | ')} |`;
  console.log('\nSteps:');
  for (const [label, seconds, status] of timings) {
    console.log(
      `  ${fmtSeconds(seconds).padStart(7)}  ${status.padEnd(6)}  ${label}`,
    );
  }
  for (const r of results) {
    console.log(`\n${r.label}:`);
    for (const note of r.notes)
      console.log(indent(note, '  - ').replace(/\n {2}- /g, '\n    '));
    if (r.duplicates?.length) {
      console.log(
        `  - duplicate @backstage/* packages only the suite brings (${r.duplicates.length}):`,
      );
      for (const d of r.duplicates)
        console.log(
          `      ${d.name}@${d.version} (app has ${
            d.appVersions.join(', ') || 'none'
          }; required by ${d.via.join(', ')})`,
        );
    }
  }
  if (results.length) {
    console.log(`\n${fmtRow(head)}\n${fmtRow(widths.map(w => '-'.repeat(w)))}`);
    for (const r of rows) console.log(fmtRow(r));
  }
  failed ||= results.some(r => !r.ok);
  console.log(
    `\nTotal ${fmtSeconds((Date.now() - started) / 1000)}. ${
      failed ? 'FAILED' : 'All checks passed'
    }.`,
  );
  if (failed || opts.keep) {
    console.log(`Work folder kept: ${work}`);
  } else {
    rmSync(work, { recursive: true, force: true });
  }
  process.exit(failed ? 1 : 0);
}

main().catch(error => {
  process.stderr.write(`\n[install-check] ${error.stack ?? error}\n`);
  process.exit(1);
});
