/*
 * Frontend benchmark (issue 14, target 8): what the ops plugin costs the
 * app's first load, and how many requests an entity page's overview tab
 * makes to /api/ops.
 *
 * 1. Bundle: two production builds of packages/app (`backstage-cli package
 *    build --stats`, as `npm test` builds it), one without the ops plugin
 *    (`app.packages.exclude: ['@opsportal/plugin-ops']`, the app's feature
 *    discovery leaves it out) and one as shipped. The initial bundle is
 *    every file index.html loads (the `main` entrypoint's JS and CSS); its
 *    size is the sum of each file gzipped (zlib level 9, as gzip-size). The
 *    plugin's share is the difference of the two builds; the stats also list
 *    the plugin's own modules in the initial chunks (raw bytes). The build
 *    as shipped is built last, so packages/app/dist is the normal build.
 * 2. Requests: packages/backend as users run it (bench/backend.ts: SQLite,
 *    guest sign-in, fakes answering in 150 ms) serves the built app; system
 *    Chromium (playwright-core, never a downloaded browser) signs in as the
 *    guest, opens each component's page and counts the requests to /api/ops
 *    until the cards have settled (no request for 3 s), first view and
 *    reload.
 *
 * Usage: corepack yarn bench:frontend [--skip-build] [--port 7900]
 *        [--entities order-service,payment-service] [--latency 150]
 */
import { execFileSync } from 'node:child_process';
import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import zlib from 'node:zlib';
import { startBackend } from '../backend';

const repoRoot = path.resolve(__dirname, '../..');
const appDir = path.join(repoRoot, 'packages/app');
const dist = path.join(appDir, 'dist');

/** `--analyse <dist>`: only the bundle figures of an existing build. */
function arg(name: string, fallback: string): string {
  const index = process.argv.indexOf(`--${name}`);
  return index >= 0 ? process.argv[index + 1] : fallback;
}
const skipBuild = process.argv.includes('--skip-build');
const port = Number(arg('port', String(7900 + 10)));
const entities = arg('entities', 'order-service,payment-service').split(',');
const latencyMs = Number(arg('latency', '150'));

interface BundleFigures {
  files: number;
  rawBytes: number;
  gzipBytes: number;
  /** Source files of the ops plugin in the initial files (their source maps). */
  opsSources: string[];
  /** Lazy chunks holding ops sources: count and gzipped bytes. */
  opsLazyChunks: number;
  opsLazyGzipBytes: number;
}

function gzipSize(file: string): number {
  return zlib.gzipSync(fs.readFileSync(file), { level: 9 }).length;
}

function build(extraConfig?: string): void {
  const args = ['backstage-cli', 'package', 'build'];
  if (extraConfig) {
    args.push(
      '--config',
      path.join(repoRoot, 'app-config.yaml'),
      '--config',
      extraConfig,
    );
  }
  execFileSync('corepack', ['yarn', ...args], {
    cwd: appDir,
    stdio: ['ignore', 'ignore', 'inherit'],
  });
}

const isOps = (source: string) => /plugins\/ops\/src\//.test(source);

function opsSourcesOf(file: string): string[] {
  const map = `${file}.map`;
  if (!fs.existsSync(map)) return [];
  const sources: string[] = JSON.parse(fs.readFileSync(map, 'utf8')).sources;
  return sources.filter(isOps).map(s => s.replace(/^.*plugins\//, ''));
}

/** The files index.html loads, and every ops source in dist's chunks. */
export function analyse(dir: string = dist): BundleFigures {
  const html = fs.readFileSync(path.join(dir, 'index.html'), 'utf8');
  const initial = [
    ...html.matchAll(/<script[^>]*\ssrc="\/?([^"]+\.js)"/g),
    ...html.matchAll(/<link[^>]*\shref="\/?([^"]+\.css)"/g),
  ].map(m => path.join(dir, m[1]));
  let rawBytes = 0;
  let gzipBytes = 0;
  const opsSources = new Set<string>();
  for (const file of initial) {
    rawBytes += fs.statSync(file).size;
    gzipBytes += gzipSize(file);
    if (file.endsWith('.js'))
      opsSourcesOf(file).forEach(s => opsSources.add(s));
  }
  let opsLazyChunks = 0;
  let opsLazyGzipBytes = 0;
  const staticDir = path.join(dir, 'static');
  for (const name of fs.readdirSync(staticDir)) {
    const file = path.join(staticDir, name);
    if (!name.endsWith('.js') || initial.includes(file)) continue;
    if (opsSourcesOf(file).length) {
      opsLazyChunks += 1;
      opsLazyGzipBytes += gzipSize(file);
    }
  }
  return {
    files: initial.length,
    rawBytes,
    gzipBytes,
    opsSources: [...opsSources].sort(),
    opsLazyChunks,
    opsLazyGzipBytes,
  };
}

const kb = (bytes: number) => `${(bytes / 1024).toFixed(1)} KiB`;

async function measureBundle(): Promise<void> {
  const tmp = fs.mkdtempSync(path.join(os.tmpdir(), 'bench-frontend-'));
  const noOps = path.join(tmp, 'app-config.no-ops.yaml');
  fs.writeFileSync(
    noOps,
    JSON.stringify({
      app: { packages: { exclude: ['@opsportal/plugin-ops'] } },
    }),
  );
  console.log('Building packages/app without the ops plugin…');
  build(noOps);
  const without = analyse();
  console.log('Building packages/app as shipped…');
  build();
  const withOps = analyse();
  console.log('\nInitial bundle (files index.html loads, each gzipped):');
  console.log(
    `  without ops: ${without.files} files, ${kb(without.rawBytes)} raw, ${kb(
      without.gzipBytes,
    )} gzipped`,
  );
  console.log(
    `  with ops:    ${withOps.files} files, ${kb(withOps.rawBytes)} raw, ${kb(
      withOps.gzipBytes,
    )} gzipped`,
  );
  console.log(
    `  ops adds:    ${kb(withOps.rawBytes - without.rawBytes)} raw, ${kb(
      withOps.gzipBytes - without.gzipBytes,
    )} gzipped (target <= 150 KB)`,
  );
  console.log(
    `  ops sources in the initial files: ${
      withOps.opsSources.length
    }: ${withOps.opsSources.join(', ')}`,
  );
  console.log(
    `  lazy chunks with ops modules: ${withOps.opsLazyChunks} (${kb(
      withOps.opsLazyGzipBytes,
    )} gzipped in all)`,
  );
}

async function measureRequests(): Promise<void> {
  if (!fs.existsSync(path.join(dist, 'index.html'))) {
    throw new Error('packages/app/dist is missing: run without --skip-build');
  }
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { chromium } = require('playwright-core');
  console.log(
    `\nStarting packages/backend on :${port} (fakes at ${latencyMs} ms)…`,
  );
  const backend = await startBackend({ port, latencyMs });
  const browser = await chromium.launch({
    executablePath: process.env.CHROMIUM_PATH ?? '/usr/bin/chromium',
    args: [
      '--headless',
      '--no-sandbox',
      '--disable-gpu',
      '--disable-background-networking',
      '--disable-component-update',
      '--disable-sync',
      '--no-first-run',
    ],
  });
  try {
    const page = await browser.newPage({ baseURL: backend.baseUrl });
    const seen: { url: string; at: number }[] = [];
    page.on('request', (request: any) => {
      const url = new URL(request.url());
      if (url.pathname.startsWith('/api/ops/')) {
        seen.push({ url: url.pathname + url.search, at: Date.now() });
      }
    });
    await page.goto('/');
    await page.getByRole('button', { name: 'Enter' }).click();
    await page
      .getByTestId('sidebar-root')
      .getByRole('link', { name: 'Catalog' })
      .waitFor();

    const settle = async () => {
      // Settled: no /api/ops request for 3 s (the cards fetch on mount).
      for (;;) {
        const count = seen.length;
        await page.waitForTimeout(3000);
        if (seen.length === count) return;
      }
    };
    // The landing page's own requests are not the entity page's.
    await settle();
    console.log('\nRequests to /api/ops on the overview tab:');
    for (const name of entities) {
      for (const visit of ['first view', 'reload']) {
        seen.length = 0;
        const started = Date.now();
        if (visit === 'reload') await page.reload();
        else await page.goto(`/catalog/default/component/${name}`);
        await page.getByRole('heading', { name: 'About' }).waitFor();
        await settle();
        const last = seen.length ? seen[seen.length - 1].at - started : 0;
        // Cards that show a failed request (ResponseErrorPanel), with the
        // card's text.
        const errors = page.locator('.MuiCard-root', {
          hasText: /Request failed with/,
        });
        const failed = await errors.count();
        console.log(
          `  ${name} (${visit}): ${seen.length} requests, last sent ${last} ms after navigation, ${failed} card errors`,
        );
        for (const r of seen) console.log(`    ${r.url}`);
        for (let i = 0; i < failed; i++) {
          const text = (await errors.nth(i).innerText()).replace(/\s+/g, ' ');
          console.log(`    card error: ${text.slice(0, 300)}`);
        }
      }
    }
  } finally {
    await browser.close();
    await backend.stop();
  }
}

async function main() {
  console.log(
    `Frontend bench on ${os.cpus().length} cores (${
      os.cpus()[0]?.model
    }), load average ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}, ${new Date().toISOString()}`,
  );
  if (!skipBuild) await measureBundle();
  await measureRequests();
}

if (require.main === module) {
  main().then(
    () => process.exit(0),
    error => {
      console.error(error);
      process.exit(1);
    },
  );
}
