/*
 * The real backend for benchmarks: `packages/backend` as users run it (auth
 * with guest sign-in, catalog, permissions, search, the ops plugin and its
 * CloudWatch and PagerDuty modules) in a CHILD process, with app-config.yaml
 * plus a generated config that points it at fake upstreams (bench/upstreams.ts,
 * in a second child, every answer delayed by `latencyMs`) and at SQLite or
 * PostgreSQL. Resolves once the backend serves and the guest is signed in.
 *
 * Usage (from a bench script run with the nodeTransform require hook):
 *
 *   import { startBackend } from '../backend';
 *   const backend = await startBackend({ database: 'postgres', port: 7210 });
 *   const res = await fetch(`${backend.baseUrl}/api/ops/health`, {
 *     headers: { authorization: `Bearer ${backend.token}` },
 *   });
 *   const cpu0 = backend.cpuMs();            // backend process CPU so far
 *   ... drive requests ...
 *   const perRequest = (backend.cpuMs() - cpu0) / requests;
 *   const stats = await backend.upstreamStats(); // requests the fakes saw
 *   await backend.stop();                     // stops backend and fakes
 *
 * Options: database ('sqlite' in memory as `npm start`, or 'postgres' at
 * 127.0.0.1:5432 as user postgres, fresh databases with the prefix
 * `bench_<port>_`, dropped again by stop()), port (backend; the fakes take
 * port+1 and port+2), latencyMs (default 150), extraServices (generated
 * PagerDuty services), config (merged over the generated config), nodeArgs
 * (e.g. ['--cpu-prof', '--cpu-prof-dir=/tmp/prof']), env, log (the backend's
 * output: 'inherit' or a file path; default a file in the temp directory).
 */
import { ChildProcess, spawn } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { startFakeProcess, FakeProcess } from './lib';

const repoRoot = path.resolve(__dirname, '..');
const backendDir = path.join(repoRoot, 'packages/backend');

export interface BackendOptions {
  database?: 'sqlite' | 'postgres';
  /** Backend port; the fakes listen on port+1 (PagerDuty) and port+2 (CloudWatch). */
  port?: number;
  latencyMs?: number;
  extraServices?: number;
  /** Deep-merged over the generated config. */
  config?: Record<string, unknown>;
  nodeArgs?: string[];
  env?: Record<string, string>;
  /** 'inherit' or a file for the backend's stdout and stderr. */
  log?: string;
  /** Seconds to wait for the backend to serve. Default 300. */
  startTimeoutSeconds?: number;
  /** PostgreSQL connection for database 'postgres'. */
  postgres?: { host: string; port: number; user: string; password?: string };
}

export interface UpstreamStats {
  /** The fake PagerDuty's counters (requests, byEndpoint, ...). */
  pagerduty: { requests: number; byEndpoint: Record<string, number> };
  /** The fake CloudWatch's counters (getMetricDataCalls, ...). */
  cloudwatch: Record<string, number>;
  /** PagerDuty requests plus CloudWatch API calls. */
  total: number;
}

export interface RunningBackend {
  baseUrl: string;
  /** A Backstage token of the guest (user:default/guest). */
  token: string;
  pid: number;
  /** CPU time (user + system, all threads) of the backend process so far, in ms. */
  cpuMs(): number;
  /** Resident memory of the backend process now, in MiB. */
  rssMiB(): number;
  /** Peak resident memory of the backend process so far, in MiB. */
  peakRssMiB(): number;
  /** Counters of the fake upstreams (each request to them counts once). */
  upstreamStats(): Promise<UpstreamStats>;
  pagerDutyUrl: string;
  cloudWatchUrl: string;
  /** The backend child, e.g. to watch for its exit. */
  child: ChildProcess;
  /** The log file of the backend, when not inherited. */
  logFile?: string;
  /** Signs in again (a fresh guest token). */
  signIn(): Promise<string>;
  /** Stops the backend (SIGTERM, then SIGKILL after 10 s) and the fakes; drops PostgreSQL databases. */
  stop(): Promise<void>;
}

const CLOCK_TICKS_PER_SECOND = 100;

function readStat(pid: number): string[] {
  const stat = fs.readFileSync(`/proc/${pid}/stat`, 'utf8');
  // The command name may hold spaces: fields start after the last ')'.
  return stat.slice(stat.lastIndexOf(')') + 2).split(' ');
}

/** utime + stime of a process, in ms. Linux only. */
export function processCpuMs(pid: number): number {
  const fields = readStat(pid);
  // Fields after the name: state is index 0, utime 11, stime 12.
  const ticks = Number(fields[11]) + Number(fields[12]);
  return (ticks * 1000) / CLOCK_TICKS_PER_SECOND;
}

function statusKiB(pid: number, key: string): number {
  const status = fs.readFileSync(`/proc/${pid}/status`, 'utf8');
  const match = new RegExp(`^${key}:\\s+(\\d+) kB`, 'm').exec(status);
  return match ? Number(match[1]) : 0;
}

function isObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function merge(
  base: Record<string, unknown>,
  over: Record<string, unknown>,
): Record<string, unknown> {
  const out: Record<string, unknown> = { ...base };
  for (const [key, value] of Object.entries(over)) {
    out[key] =
      isObject(value) && isObject(out[key])
        ? merge(out[key] as Record<string, unknown>, value)
        : value;
  }
  return out;
}

async function postgresAdmin(
  connection: NonNullable<BackendOptions['postgres']>,
  prefix: string,
): Promise<void> {
  // pg is a dependency of packages/backend.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { Client } = require(require.resolve('pg', { paths: [backendDir] }));
  const client = new Client({ ...connection, database: 'postgres' });
  await client.connect();
  try {
    const { rows } = await client.query(
      'SELECT datname FROM pg_database WHERE datname LIKE $1',
      [`${prefix}%`],
    );
    for (const row of rows) {
      await client.query(
        `DROP DATABASE IF EXISTS "${row.datname}" WITH (FORCE)`,
      );
    }
  } finally {
    await client.end();
  }
}

async function waitForHealth(
  baseUrl: string,
  child: ChildProcess,
  seconds: number,
  logFile?: string,
): Promise<void> {
  const deadline = Date.now() + seconds * 1000;
  while (Date.now() < deadline) {
    if (child.exitCode !== null) {
      throw new Error(
        `the backend exited with ${child.exitCode}${
          logFile ? `; see ${logFile}` : ''
        }`,
      );
    }
    try {
      // Health is public on the root router; the ops plugin's needs a token,
      // so any answer from it (401 included) means the plugin is mounted.
      const res = await fetch(`${baseUrl}/api/ops/health`);
      if (res.status === 200 || res.status === 401) return;
    } catch {
      /* not up yet */
    }
    await new Promise(r => setTimeout(r, 500));
  }
  throw new Error(
    `the backend did not serve within ${seconds}s${
      logFile ? `; see ${logFile}` : ''
    }`,
  );
}

async function guestToken(baseUrl: string): Promise<string> {
  const res = await fetch(`${baseUrl}/api/auth/guest/refresh`, {
    headers: { 'x-requested-with': 'XMLHttpRequest' },
  });
  if (!res.ok) {
    throw new Error(`guest sign-in failed: ${res.status} ${await res.text()}`);
  }
  const body: any = await res.json();
  const token = body?.backstageIdentity?.token;
  if (typeof token !== 'string') {
    throw new Error('guest sign-in gave no Backstage token');
  }
  return token;
}

export async function startBackend(
  options: BackendOptions = {},
): Promise<RunningBackend> {
  const port = options.port ?? 7200;
  const database = options.database ?? 'sqlite';
  const postgres = options.postgres ?? {
    host: '127.0.0.1',
    port: 5432,
    user: 'postgres',
  };
  const prefix = `bench_${port}_`;
  const fakes: FakeProcess = await startFakeProcess(
    path.join(__dirname, 'upstreams.ts'),
    [options.latencyMs ?? 150, options.extraServices ?? 0, port + 1, port + 2],
  );
  const pagerDutyUrl = fakes.url;
  const cloudWatchUrl = `http://127.0.0.1:${port + 2}`;
  const baseUrl = `http://127.0.0.1:${port}`;

  if (database === 'postgres') await postgresAdmin(postgres, prefix);

  const generated = merge(
    {
      app: { baseUrl },
      backend: {
        baseUrl,
        listen: { port, host: '127.0.0.1' },
        cors: { origin: baseUrl },
        database:
          database === 'postgres'
            ? { client: 'pg', prefix, connection: postgres }
            : { client: 'better-sqlite3', connection: ':memory:' },
      },
      ops: {
        pagerduty: { apiBaseUrl: pagerDutyUrl },
        cloudwatch: { endpoint: cloudWatchUrl },
      },
    },
    options.config ?? {},
  );
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), `bench-backend-${port}-`));
  const configFile = path.join(tmp, 'app-config.bench.yaml');
  // JSON is YAML.
  fs.writeFileSync(configFile, JSON.stringify(generated, null, 2));

  const logFile =
    options.log === 'inherit'
      ? undefined
      : options.log ?? path.join(tmp, 'backend.log');
  const out = logFile ? fs.openSync(logFile, 'a') : 'inherit';
  const child = spawn(
    process.execPath,
    [
      ...(options.nodeArgs ?? []),
      '--require',
      require.resolve('@backstage/cli/config/nodeTransform.cjs'),
      'src/index.ts',
      '--config',
      path.join(repoRoot, 'app-config.yaml'),
      '--config',
      configFile,
    ],
    {
      cwd: backendDir,
      stdio: ['ignore', out, out],
      env: {
        ...process.env,
        NODE_ENV: 'development',
        ESBK_TSCONFIG_PATH: path.join(repoRoot, 'tsconfig.json'),
        ...options.env,
      },
    },
  );
  const pid = child.pid!;
  let peakKiB = 0;
  const killNow = () => {
    try {
      child.kill('SIGKILL');
    } catch {
      /* gone */
    }
  };
  process.on('exit', killNow);

  let stopped = false;
  const stop = async () => {
    if (stopped) return;
    stopped = true;
    if (child.exitCode === null) {
      const exited = new Promise(r => child.once('exit', r));
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 10_000);
      await exited;
      clearTimeout(timer);
    }
    fakes.stop();
    process.off('exit', killNow);
    if (database === 'postgres') {
      await postgresAdmin(postgres, prefix).catch(() => {});
    }
  };

  try {
    await waitForHealth(
      baseUrl,
      child,
      options.startTimeoutSeconds ?? 300,
      logFile,
    );
    const token = await guestToken(baseUrl);
    const running: RunningBackend = {
      baseUrl,
      token,
      pid,
      pagerDutyUrl,
      cloudWatchUrl,
      child,
      logFile,
      cpuMs: () => processCpuMs(pid),
      rssMiB: () => {
        const kib = statusKiB(pid, 'VmRSS');
        peakKiB = Math.max(peakKiB, kib);
        return kib / 1024;
      },
      peakRssMiB: () => Math.max(peakKiB, statusKiB(pid, 'VmHWM')) / 1024,
      upstreamStats: async () => {
        const [pd, cw] = await Promise.all([
          fetch(`${pagerDutyUrl}/__stats`).then(r => r.json() as any),
          fetch(`${cloudWatchUrl}/__stats`).then(r => r.json() as any),
        ]);
        const cwCalls =
          (cw.getMetricDataCalls ?? 0) +
          (cw.describeAlarmsCalls ?? 0) +
          (cw.listMetricsCalls ?? 0) +
          (cw.listTagsForResourceCalls ?? 0);
        return {
          pagerduty: pd,
          cloudwatch: cw,
          total: (pd.requests ?? 0) + cwCalls,
        };
      },
      signIn: async () => {
        running.token = await guestToken(baseUrl);
        return running.token;
      },
      stop,
    };
    return running;
  } catch (error) {
    await stop();
    throw error;
  }
}

/** The backend's CPU milliseconds per millisecond over a 5 s window. */
export async function idleRate(
  cpuMs: () => number | undefined,
): Promise<number> {
  const c0 = cpuMs();
  const t0 = performance.now();
  await new Promise(r => setTimeout(r, 5000));
  const c1 = cpuMs();
  if (c0 === undefined || c1 === undefined) return 0;
  return (c1 - c0) / (performance.now() - t0);
}

/**
 * The idle rate once the backend's start-up refreshes (SLOs, capacity,
 * on-call of the example platform) are done: 5 s windows until three in a
 * row stay under 50 ms of CPU a second (the refreshes start only once the
 * catalog's first read has settled, so one quiet window can be the lull
 * before them), for at most 4 minutes. Measured while they run, the
 * latencies would be theirs as much as the views'.
 */
export async function settledIdleRate(
  cpuMs: () => number | undefined,
): Promise<number> {
  const started = performance.now();
  let quiet = 0;
  for (;;) {
    const rate = await idleRate(cpuMs);
    const waited = (performance.now() - started) / 1000;
    quiet = rate < 0.05 ? quiet + 1 : 0;
    if (quiet >= 3 || waited > 240) {
      console.log(
        `backend idle at ${(rate * 1000).toFixed(
          0,
        )} ms of CPU a second after ${waited.toFixed(0)} s`,
      );
      return rate;
    }
  }
}
