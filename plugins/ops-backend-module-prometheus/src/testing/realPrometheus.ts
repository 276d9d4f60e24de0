/*
 * A real Prometheus for the tests: its TSDB filled from OpenMetrics text
 * with `promtool tsdb create-blocks-from openmetrics`, then `prometheus`
 * started on a free port of 127.0.0.1 with no scrape targets, so it answers
 * exactly the samples the test wrote. Test-only; not exported by the package.
 */
import { ChildProcess, execFile, spawn } from 'node:child_process';
import { existsSync } from 'node:fs';
import fs from 'node:fs/promises';
import net from 'node:net';
import os from 'node:os';
import path from 'node:path';

/** The two Debian binaries the tests need. */
export interface PrometheusBinaries {
  prometheus: string;
  promtool: string;
}

function onPath(name: string): string | undefined {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

/**
 * `PROMETHEUS_BIN` and `PROMTOOL_BIN` (set by `npm test`), else the binaries
 * on the PATH; undefined when either is missing.
 */
export function findPrometheus(): PrometheusBinaries | undefined {
  const prometheus = process.env.PROMETHEUS_BIN || onPath('prometheus');
  const promtool = process.env.PROMTOOL_BIN || onPath('promtool');
  if (!prometheus || !promtool) return undefined;
  if (!existsSync(prometheus) || !existsSync(promtool)) return undefined;
  return { prometheus, promtool };
}

/** Why the tests against a real Prometheus cannot run here. */
export const PROMETHEUS_MISSING =
  'Prometheus is not installed (prometheus and promtool, Debian package `prometheus`; `npm test` installs it, or set PROMETHEUS_BIN and PROMTOOL_BIN)';

/** A running Prometheus. */
export interface RealPrometheus {
  url: string;
  /** Stops the server and removes its data. */
  stop(): Promise<void>;
}

/** Options of {@link startRealPrometheus}. */
export interface StartOptions {
  binaries: PrometheusBinaries;
  /** The samples, as OpenMetrics text ending with `# EOF`. */
  openMetrics: string;
  /** Users of HTTP basic authentication: name to bcrypt hash (`--web.config.file`). */
  basicAuthUsers?: Record<string, string>;
  /** Milliseconds to wait for readiness. Default 20000. */
  readyTimeoutMs?: number;
}

function run(file: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(
      file,
      args,
      { maxBuffer: 16 * 1024 * 1024 },
      (error, stdout, stderr) => {
        if (error) {
          reject(
            new Error(
              `${path.basename(file)} ${args.join(' ')} failed: ${
                stderr || error.message
              }`,
            ),
          );
        } else {
          resolve(stdout);
        }
      },
    );
  });
}

function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as net.AddressInfo;
      server.close(() => resolve(port));
    });
  });
}

/**
 * Resolves when the process logs that it is ready; rejects when it exits
 * first or the time is up. Its log keeps being read (a full pipe would
 * stop it), the last few kilobytes kept for the error messages.
 */
function whenReady(child: ChildProcess, timeoutMs: number): Promise<void> {
  return new Promise((resolve, reject) => {
    let output = '';
    let settled = false;
    let timer: ReturnType<typeof setTimeout> | undefined = undefined;
    const finish = (error?: Error) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      if (error) reject(error);
      else resolve();
    };
    child.stderr?.on('data', (chunk: Buffer) => {
      output = (output + chunk.toString()).slice(-8000);
      if (output.includes('Server is ready to receive web requests')) finish();
    });
    child.once('exit', code =>
      finish(
        new Error(
          `prometheus exited (${code}) before it was ready:\n${output}`,
        ),
      ),
    );
    timer = setTimeout(
      () =>
        finish(
          new Error(
            `prometheus was not ready within ${timeoutMs} ms:\n${output}`,
          ),
        ),
      timeoutMs,
    );
  });
}

/**
 * Writes the samples into a fresh TSDB with promtool and starts Prometheus
 * on it (`--storage.tsdb.retention.time=400d` so old test data stays),
 * answering once `/-/ready` says so. Call `stop()` after the test file.
 */
export async function startRealPrometheus(
  options: StartOptions,
): Promise<RealPrometheus> {
  const { binaries } = options;
  const dir = await fs.mkdtemp(path.join(os.tmpdir(), 'ops-prometheus-'));
  const input = path.join(dir, 'samples.om');
  const data = path.join(dir, 'data');
  await fs.writeFile(input, options.openMetrics);
  // promtool cuts 2-hour blocks by default, one file sync each: weeks of
  // samples then take tens of seconds. 31 days is what Prometheus itself
  // allows a block with this retention (a tenth of it, at most 31 days).
  await run(binaries.promtool, [
    'tsdb',
    'create-blocks-from',
    'openmetrics',
    '--quiet',
    '--max-block-duration=744h',
    input,
    data,
  ]);
  const config = path.join(dir, 'prometheus.yml');
  await fs.writeFile(
    config,
    'global:\n  evaluation_interval: 1h\nscrape_configs: []\n',
  );
  const args = [
    `--config.file=${config}`,
    `--storage.tsdb.path=${data}`,
    '--storage.tsdb.retention.time=400d',
  ];
  if (options.basicAuthUsers) {
    const webConfig = path.join(dir, 'web.yml');
    const users = Object.entries(options.basicAuthUsers)
      .map(
        ([name, hash]) => `  ${JSON.stringify(name)}: ${JSON.stringify(hash)}`,
      )
      .join('\n');
    await fs.writeFile(webConfig, `basic_auth_users:\n${users}\n`);
    args.push(`--web.config.file=${webConfig}`);
  }

  let child: ChildProcess | undefined;
  let port = 0;
  // A free port can be taken between the probe and the start: try again then.
  for (let attempt = 1; ; attempt++) {
    port = await freePort();
    child = spawn(
      binaries.prometheus,
      [...args, `--web.listen-address=127.0.0.1:${port}`],
      { stdio: ['ignore', 'ignore', 'pipe'] },
    );
    try {
      await whenReady(child, options.readyTimeoutMs ?? 20_000);
      break;
    } catch (error) {
      child.kill('SIGKILL');
      if (attempt >= 3 || !/address already in use/.test(String(error))) {
        await fs.rm(dir, { recursive: true, force: true });
        throw error;
      }
    }
  }
  const url = `http://127.0.0.1:${port}`;
  // With basic authentication /-/ready answers 401 to a request without it.
  const ready = await fetch(`${url}/-/ready`).catch(() => undefined);
  const expected = options.basicAuthUsers ? 401 : 200;
  if (ready?.status !== expected) {
    child.kill('SIGKILL');
    await fs.rm(dir, { recursive: true, force: true });
    throw new Error(
      `prometheus at ${url} is not ready: HTTP ${ready?.status ?? 'no answer'}`,
    );
  }

  const running = child;
  return {
    url,
    async stop() {
      if (running.exitCode === null && running.signalCode === null) {
        const exited = new Promise(resolve => running.once('exit', resolve));
        running.kill('SIGTERM');
        await exited;
      }
      await fs.rm(dir, { recursive: true, force: true });
    },
  };
}
