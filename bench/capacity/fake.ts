/*
 * The capacity benchmark's fake CloudWatch, in a process of its own (as
 * CloudWatch is remote):  fake.ts <services> <anchor ms>  → "listening <url>".
 * SIGUSR2 moves its clock an hour on (data never lies in its future) and
 * answers "now <ms>", so that the benchmark can refresh an hour later.
 */
import { startFakeCloudWatch } from '../../test/fake-upstreams/src';
import { benchStore } from './store';

async function main() {
  const [services, anchor] = process.argv.slice(2).map(Number);
  let now = anchor;
  const fake = await startFakeCloudWatch({
    store: benchStore(services, anchor),
    now: () => now,
  });
  process.on('SIGUSR2', () => {
    now += 3_600_000;
    process.stdout.write(`now ${now}\n`);
  });
  // Requests are recorded for tests only; keep memory flat here.
  setInterval(() => fake.reset(), 1000).unref();
  process.stdout.write(`listening ${fake.url}\n`);
  process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
