#!/usr/bin/env node
/*
 * The two commands of the README, for a machine that has only Node.js and npm.
 *
 *   npm start   installs what is needed and runs the portal with the example
 *               platform on http://localhost:3000 (SQLite, guest sign-in, local
 *               fake PagerDuty and CloudWatch).
 *   npm test    installs what is needed and runs the whole test suite: lint, type
 *               check, unit and database tests (SQLite, PostgreSQL, MySQL), a
 *               production build of the app and the end-to-end tests in Chromium.
 *
 * Yarn comes from corepack (the "packageManager" field); nothing is vendored.
 * The registry Yarn and corepack use is derived from `npm config get registry`
 * at run time, so a registry mirror works and no host name is written to a file.
 */
import { spawn, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import net from 'node:net';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { ensurePrometheus } from './lib/prometheus.mjs';
import { toolEnv } from './lib/toolEnv.mjs';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '..');
const children = new Set();

function log(message) {
  process.stdout.write(`\n\u001b[1m[portal] ${message}\u001b[0m\n`);
}

function fail(message) {
  process.stderr.write(`\n[portal] ${message}\n`);
  process.exit(1);
}

/** Runs a command to completion, streaming its output; exits on failure. */
function run(
  cmd,
  args,
  { env = toolEnv(), cwd = root, allowFail = false } = {},
) {
  const started = Date.now();
  const result = spawnSync(cmd, args, { cwd, env, stdio: 'inherit' });
  const seconds = ((Date.now() - started) / 1000).toFixed(0);
  if (result.status !== 0 && !allowFail) {
    fail(
      `'${cmd} ${args.join(' ')}' failed (exit ${
        result.status
      }) after ${seconds}s`,
    );
  }
  log(`'${cmd} ${args.join(' ')}' done in ${seconds}s`);
  return result.status === 0;
}

function yarn(args, options) {
  return run('corepack', ['yarn', ...args], options);
}

/** Starts a long-running command in its own process group. */
function background(name, cmd, args, { env = toolEnv(), cwd = root } = {}) {
  const child = spawn(cmd, args, {
    cwd,
    env,
    stdio: ['ignore', 'inherit', 'inherit'],
    detached: true,
  });
  child.name = name;
  children.add(child);
  child.on('exit', code => {
    children.delete(child);
    if (!child.stopping && code !== 0 && code !== null) {
      process.stderr.write(`[portal] ${name} exited with code ${code}\n`);
    }
  });
  return child;
}

function stopAll() {
  for (const child of children) {
    child.stopping = true;
    try {
      process.kill(-child.pid, 'SIGTERM');
    } catch {
      /* already gone */
    }
  }
}

process.on('SIGINT', () => {
  stopAll();
  process.exit(130);
});
process.on('SIGTERM', () => {
  stopAll();
  process.exit(143);
});
process.on('exit', stopAll);

function portOpen(port, host = '127.0.0.1') {
  return new Promise(resolve => {
    const socket = net.connect({ port, host });
    socket.setTimeout(1000);
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('timeout', () => {
      socket.destroy();
      resolve(false);
    });
    socket.once('error', () => resolve(false));
  });
}

async function waitForPort(port, seconds, name) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (await portOpen(port)) return;
    await new Promise(r => setTimeout(r, 500));
  }
  fail(`${name} did not open port ${port} within ${seconds}s`);
}

async function waitForHttp(url, seconds, name) {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    try {
      const res = await fetch(url);
      if (res.ok) return;
    } catch {
      /* not up yet */
    }
    await new Promise(r => setTimeout(r, 1000));
  }
  fail(`${name} did not answer ${url} within ${seconds}s`);
}

function ensureNode() {
  const [major, minor] = process.versions.node.split('.').map(Number);
  if (major < 20 || (major === 20 && minor < 19)) {
    fail(
      `Node ${process.versions.node} is too old: use Node 20.19+, 22 or 24.`,
    );
  }
}

function install() {
  log('Installing dependencies (Yarn via corepack)');
  yarn(['install', '--immutable']);
}

/** Ports of the local stack; PORTAL_PORT_OFFSET moves all of them at once. */
export function ports() {
  const offset = Number(process.env.PORTAL_PORT_OFFSET ?? 0);
  return {
    app: 3000 + offset,
    backend: 7007 + offset,
    pagerduty: 7101 + offset,
    cloudwatch: 7102 + offset,
    prometheus: 7103 + offset,
    grafana: 7104 + offset,
  };
}

function stackEnv(p, extra = {}) {
  return toolEnv({
    FAKE_PAGERDUTY_PORT: String(p.pagerduty),
    FAKE_CLOUDWATCH_PORT: String(p.cloudwatch),
    FAKE_PROMETHEUS_PORT: String(p.prometheus),
    FAKE_GRAFANA_PORT: String(p.grafana),
    APP_CONFIG_ops_pagerduty_apiBaseUrl: `http://localhost:${p.pagerduty}`,
    APP_CONFIG_ops_pagerduty_eventsBaseUrl: `http://localhost:${p.pagerduty}`,
    APP_CONFIG_ops_cloudwatch_endpoint: `http://localhost:${p.cloudwatch}`,
    APP_CONFIG_ops_prometheus_baseUrl: `http://localhost:${p.prometheus}`,
    APP_CONFIG_ops_grafana_baseUrl: `http://localhost:${p.grafana}`,
    ...extra,
  });
}

async function startFakes(p) {
  background('fake upstreams', 'corepack', ['yarn', 'fakes'], {
    env: stackEnv(p),
  });
  await waitForPort(p.pagerduty, 60, 'the fake PagerDuty');
  await waitForPort(p.cloudwatch, 60, 'the fake CloudWatch');
  await waitForPort(p.prometheus, 60, 'the fake Prometheus');
  await waitForPort(p.grafana, 60, 'the fake Grafana');
}

async function start() {
  ensureNode();
  install();
  const p = ports();
  log(
    `Starting the fake PagerDuty (:${p.pagerduty}), CloudWatch (:${p.cloudwatch}) and Prometheus (:${p.prometheus})`,
  );
  await startFakes(p);
  log(`Starting the portal: http://localhost:${p.app} (backend :${p.backend})`);
  const env = stackEnv(p, {
    APP_CONFIG_app_baseUrl: `http://localhost:${p.app}`,
    APP_CONFIG_backend_baseUrl: `http://localhost:${p.backend}`,
    APP_CONFIG_backend_listen_port: String(p.backend),
    APP_CONFIG_backend_cors_origin: `http://localhost:${p.app}`,
  });
  const portal = background('portal', 'corepack', ['yarn', 'dev'], { env });
  await new Promise(resolve => portal.on('exit', resolve));
  stopAll();
}

// The commands that start the machine's database services when they are down
// (Debian packages; see the README). A machine without them runs SQLite only.
const services = [
  {
    name: 'PostgreSQL',
    port: 5432,
    env: 'BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING',
    url: 'postgresql://postgres@127.0.0.1:5432',
    start: `pg_ctlcluster --skip-systemctl-redirect $(ls /etc/postgresql | head -n1) main start`,
  },
  {
    name: 'MySQL (MariaDB)',
    port: 3306,
    env: 'BACKSTAGE_TEST_DATABASE_MYSQL8_CONNECTION_STRING',
    // Backstage's TestDatabases wants a password in the URL; the test user is
    // created (as root, who has none locally) by prepareMysql.
    url: 'mysql://ops_test:ops_test@127.0.0.1:3306/test',
    start:
      'start-stop-daemon --start --oknodo --background --exec /usr/sbin/mariadbd',
    prepare: prepareMysql,
  },
  {
    name: 'Redis',
    port: 6379,
    env: 'BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING',
    url: 'redis://127.0.0.1:6379',
    start:
      'redis-server --daemonize yes --bind 127.0.0.1 -::1 --port 6379 --save "" --appendonly no --dir /var/lib/redis --logfile /var/log/redis/ci.log',
  },
];

/** Creates the MySQL user the database tests connect as (root has no password locally). */
async function prepareMysql() {
  const { createRequire } = await import('node:module');
  const require = createRequire(path.join(root, 'package.json'));
  const mysql = require('mysql2/promise');
  const connection = await mysql.createConnection({
    host: '127.0.0.1',
    port: 3306,
    user: process.env.MYSQL_ROOT_USER ?? 'root',
    password: process.env.MYSQL_ROOT_PASSWORD ?? '',
  });
  try {
    for (const host of ['%', 'localhost']) {
      await connection.query(
        `CREATE USER IF NOT EXISTS 'ops_test'@'${host}' IDENTIFIED BY 'ops_test'`,
      );
      await connection.query(
        `GRANT ALL PRIVILEGES ON *.* TO 'ops_test'@'${host}'`,
      );
    }
  } finally {
    await connection.end();
  }
}

async function ensureServices() {
  const env = {};
  for (const service of services) {
    const given = process.env[service.env];
    if (given && !(service.prepare && !new URL(given).password)) {
      env[service.env] = given;
      continue;
    }
    let up = await portOpen(service.port);
    if (!up) {
      log(`${service.name} is down; trying: ${service.start}`);
      spawnSync('sh', ['-c', service.start], { stdio: 'inherit' });
      for (let i = 0; i < 30 && !up; i++) {
        await new Promise(r => setTimeout(r, 1000));
        up = await portOpen(service.port);
      }
    }
    if (up && service.prepare) {
      up = await service.prepare().then(
        () => true,
        error => {
          log(
            `${service.name}: could not prepare the test user: ${error.message}`,
          );
          return false;
        },
      );
    }
    if (up) {
      env[service.env] = service.url;
    } else if (process.env.CI) {
      fail(
        `${service.name} is not running and could not be started; CI needs it.`,
      );
    } else {
      log(
        `${service.name} is not available: its tests are skipped on this machine.`,
      );
    }
  }
  log(
    `Database tests run on SQLite${
      env.BACKSTAGE_TEST_DATABASE_POSTGRES15_CONNECTION_STRING
        ? ', PostgreSQL'
        : ''
    }${env.BACKSTAGE_TEST_DATABASE_MYSQL8_CONNECTION_STRING ? ', MySQL' : ''}${
      env.BACKSTAGE_TEST_CACHE_REDIS7_CONNECTION_STRING
        ? '; cache tests on Redis'
        : ''
    }`,
  );
  return env;
}

function ensureChromium() {
  const chromium = process.env.CHROMIUM_PATH || '/usr/bin/chromium';
  if (existsSync(chromium)) return chromium;
  log('Chromium is missing; installing the Debian package');
  const sudo = process.getuid && process.getuid() === 0 ? [] : ['sudo'];
  const cmd = [
    ...sudo,
    'apt-get',
    'install',
    '-y',
    '--no-install-recommends',
    'chromium',
  ];
  let ok = run(cmd[0], cmd.slice(1), { allowFail: true });
  if (!ok) {
    run(
      sudo[0] ?? 'apt-get',
      [...sudo.slice(1), ...(sudo.length ? ['apt-get'] : []), 'update'],
      {
        allowFail: true,
      },
    );
    ok = run(cmd[0], cmd.slice(1), { allowFail: true });
  }
  if (!ok || !existsSync(chromium)) {
    fail(
      `Chromium is needed at ${chromium} for the end-to-end tests (apt-get install chromium).`,
    );
  }
  return chromium;
}

/**
 * Whether the example maintenance window (app-config.yaml: the first Sunday
 * of the month, 02:00-04:00 America/New_York) is open at any time in the
 * four hours from `now`.
 */
function nearExampleWindow(now) {
  const parts = new Intl.DateTimeFormat('en-US', {
    timeZone: 'America/New_York',
    weekday: 'short',
    day: 'numeric',
    hour: 'numeric',
    hourCycle: 'h23',
  });
  for (let t = now; t <= now + 4 * 3600_000; t += 5 * 60_000) {
    const p = Object.fromEntries(
      parts.formatToParts(new Date(t)).map(x => [x.type, x.value]),
    );
    const hour = Number(p.hour);
    if (p.weekday === 'Sun' && Number(p.day) <= 7 && hour >= 2 && hour < 4) {
      return true;
    }
  }
  return false;
}

/** `node scripts/portal.mjs e2e [spec ...]`: all specs, or only the named ones. */
async function e2e(specs = process.argv.slice(3)) {
  const chromium = ensureChromium();
  const p = ports();
  log('Production build of the app');
  yarn(['workspace', 'app', 'build']);
  log('Starting the fakes and the backend (serving the built app)');
  await startFakes(p);
  const baseUrl = `http://localhost:${p.backend}`;
  const env = stackEnv(p, {
    APP_CONFIG_app_baseUrl: baseUrl,
    APP_CONFIG_backend_baseUrl: baseUrl,
    APP_CONFIG_backend_listen_port: String(p.backend),
    APP_CONFIG_backend_cors_origin: baseUrl,
    // The example change freeze (ops.changes.freezes: 18 Dec to 3 Jan)
    // would refuse the changes the specs file for today during those weeks;
    // the specs run without it whatever the date.
    APP_CONFIG_ops_changes_freezes: '[]',
    ...(nearExampleWindow(Date.now()) && {
      // The specs plan changes "soon, outside the maintenance window"; in
      // the hours of the example window (first Sunday of the month,
      // 02:00-04:00 New York) they run with it on the second Sunday.
      APP_CONFIG_ops_changes_maintenanceWindow_weekOfMonth: '2',
    }),
    NODE_ENV: 'development',
  });
  background('backend', 'corepack', ['yarn', 'workspace', 'backend', 'start'], {
    env,
  });
  await waitForHttp(`${baseUrl}/api/ops/health`, 240, 'the backend');
  await waitForHttp(`${baseUrl}/`, 60, 'the app');
  log('End-to-end tests in Chromium');
  const ok = yarn(['test:e2e', ...specs], {
    env: toolEnv({
      PLAYWRIGHT_URL: baseUrl,
      CHROMIUM_PATH: chromium,
      // Specs read back what the portal wrote upstream (e.g. maintenance windows).
      FAKE_PAGERDUTY_URL: `http://localhost:${p.pagerduty}`,
    }),
    allowFail: true,
  });
  stopAll();
  if (!ok) fail('End-to-end tests failed');
}

/** PagerDuty's published REST API description, which the fake checks requests against. */
function pagerDutyContract() {
  if (process.env.PAGERDUTY_REST_SPEC) return process.env.PAGERDUTY_REST_SPEC;
  const inShared = path.join(
    'shared',
    'contracts',
    'pagerduty',
    'rest-openapiv3.json',
  );
  for (let dir = path.dirname(root); ; dir = path.dirname(dir)) {
    if (existsSync(path.join(dir, inShared))) return path.join(dir, inShared);
    if (path.dirname(dir) === dir) return undefined;
  }
}

async function test() {
  ensureNode();
  const started = Date.now();
  install();
  const dbEnv = await ensureServices();
  log('Lint');
  yarn(['lint:all']);
  log('Formatting (prettier)');
  yarn(['prettier:check']);
  log('Type check');
  yarn(['tsc', '--incremental', 'false']);
  // The type check leaves the declarations in dist-types, which the API
  // reports are made from: a public API change without an updated report
  // (`yarn api-reports`) fails here.
  log('API reports');
  yarn(['api-reports:check']);
  log('Changesets');
  yarn(['changeset', 'status']);
  const contract = pagerDutyContract();
  log(
    contract
      ? `PagerDuty requests are checked against ${contract}`
      : "PagerDuty's OpenAPI description (shared/contracts/pagerduty/rest-openapiv3.json) is not in a folder above the repository: set PAGERDUTY_REST_SPEC to it, or the PagerDuty contract tests fail",
  );
  // The Prometheus module's tests run against a real Prometheus (Debian's).
  const prometheus = ensurePrometheus({ log });
  log(
    `Prometheus tests use ${prometheus.prometheus} and ${prometheus.promtool}`,
  );
  log('Unit and database tests');
  // --verbose names every test, so the output shows each database the
  // database tests ran on (e.g. "... on POSTGRES_15").
  yarn(['test:unit', '--ci', '--verbose'], {
    env: toolEnv({
      ...dbEnv,
      ...(contract ? { PAGERDUTY_REST_SPEC: contract } : {}),
      CI: 'true',
      PROMETHEUS_BIN: prometheus.prometheus,
      PROMTOOL_BIN: prometheus.promtool,
      BACKSTAGE_TEST_DISABLE_DOCKER: '1',
    }),
  });
  await e2e([]);
  log(`All tests passed in ${((Date.now() - started) / 60000).toFixed(1)} min`);
}

const command = process.argv[2];
const commands = { start, test, install: async () => install(), e2e };
if (!commands[command]) {
  fail(`usage: node scripts/portal.mjs <${Object.keys(commands).join('|')}>`);
}
commands[command]().then(
  () => process.exit(0),
  error => fail(error?.stack ?? String(error)),
);
