/*
 * The real Prometheus the Prometheus module's tests run against: Debian's
 * `prometheus` package (the server and promtool). `npm test` calls
 * ensurePrometheus() before the unit tests and hands the two paths to them
 * as PROMETHEUS_BIN and PROMTOOL_BIN. The tests start their own server on a
 * free port with their own data; the package's system service is not used.
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import path from 'node:path';

function onPath(name) {
  for (const dir of (process.env.PATH ?? '').split(path.delimiter)) {
    if (dir && existsSync(path.join(dir, name))) return path.join(dir, name);
  }
  return undefined;
}

function find() {
  const prometheus =
    process.env.PROMETHEUS_BIN ||
    onPath('prometheus') ||
    (existsSync('/usr/bin/prometheus') ? '/usr/bin/prometheus' : undefined);
  const promtool =
    process.env.PROMTOOL_BIN ||
    onPath('promtool') ||
    (existsSync('/usr/bin/promtool') ? '/usr/bin/promtool' : undefined);
  return prometheus &&
    promtool &&
    existsSync(prometheus) &&
    existsSync(promtool)
    ? { prometheus, promtool }
    : undefined;
}

function apt(args, log) {
  const root = process.getuid && process.getuid() === 0;
  const [cmd, ...rest] = root
    ? ['apt-get', ...args]
    : ['sudo', 'apt-get', ...args];
  log(`${cmd} ${rest.join(' ')}`);
  const result = spawnSync(cmd, rest, {
    stdio: 'inherit',
    env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' },
  });
  return result.status === 0;
}

/**
 * The paths of `prometheus` and `promtool`: PROMETHEUS_BIN and PROMTOOL_BIN
 * when set, else the PATH; when missing, installs Debian's `prometheus`
 * package (apt-get, through sudo unless root; `apt-get update` and again
 * when the first attempt fails). Throws when they are still missing, saying
 * what to install.
 */
export function ensurePrometheus({ log = console.log } = {}) {
  const found = find();
  if (found) return found;
  log('Prometheus is missing; installing the Debian package');
  const install = ['install', '-y', '--no-install-recommends', 'prometheus'];
  if (!apt(install, log)) {
    apt(['update'], log);
    apt(install, log);
  }
  const installed = find();
  if (!installed) {
    throw new Error(
      'Prometheus (prometheus and promtool) is needed by the Prometheus module tests: apt-get install prometheus, or set PROMETHEUS_BIN and PROMTOOL_BIN',
    );
  }
  return installed;
}
