/*
 * The environment the repository's scripts run tools with (Yarn through
 * corepack, native builds), shared by scripts/portal.mjs and
 * scripts/install-check.mjs. The registry comes from npm at run time, so no
 * host name is ever written into a file.
 */
import { execSync } from 'node:child_process';
import path from 'node:path';

/**
 * `process.env` plus `extra`, with the registry for Yarn and corepack, no
 * prompts or telemetry, and Node's own headers for native modules. With
 * `isolate`, the variables a calling `yarn run` sets are dropped so that the
 * caller's project does not leak into another one (a clone, a fresh app).
 */
export function toolEnv(extra = {}, { isolate = false } = {}) {
  const env = { ...process.env, ...extra };
  if (isolate) {
    for (const key of Object.keys(env)) {
      if (
        /^npm_(package|lifecycle)_/.test(key) ||
        [
          'PROJECT_CWD',
          'INIT_CWD',
          'BERRY_BIN_FOLDER',
          'YARN_IGNORE_PATH',
        ].includes(key)
      ) {
        delete env[key];
      }
    }
  }
  let registry = env.YARN_NPM_REGISTRY_SERVER;
  if (!registry) {
    try {
      registry = execSync('npm config get registry --workspaces=false', {
        encoding: 'utf8',
        stdio: ['ignore', 'pipe', 'ignore'],
      }).trim();
    } catch {
      registry = '';
    }
  }
  registry = registry.replace(/\/+$/, '');
  if (registry && registry !== 'undefined') {
    env.YARN_NPM_REGISTRY_SERVER = registry;
    env.COREPACK_NPM_REGISTRY = env.COREPACK_NPM_REGISTRY || registry;
  }
  env.COREPACK_ENABLE_DOWNLOAD_PROMPT = '0';
  env.YARN_ENABLE_TELEMETRY = '0';
  // Native modules (better-sqlite3) build against the headers of the running Node.
  env.npm_config_nodedir =
    env.npm_config_nodedir ||
    path.resolve(path.dirname(process.execPath), '..');
  return env;
}
