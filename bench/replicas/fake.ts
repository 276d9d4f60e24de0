/*
 * The two-replica benchmark's fake CloudWatch, in a process of its own:
 *   fake.ts <capacity services> <slo services> <anchor ms> → "listening <url>".
 * One store with the capacity benchmark's and the SLO benchmark's series.
 */
import { startFakeCloudWatch } from '../../test/fake-upstreams/src';
import { benchStore as capacityStore } from '../capacity/store';
import { benchStore as sloStore } from '../slo/store';

async function main() {
  const [capacity, slo, anchor] = process.argv.slice(2).map(Number);
  const store = capacityStore(capacity, anchor);
  for (const series of sloStore(slo, anchor).list()) store.add(series);
  const fake = await startFakeCloudWatch({ store });
  // Requests are recorded for tests only; keep memory flat here.
  setInterval(() => fake.reset(), 1000).unref();
  process.stdout.write(`listening ${fake.url}\n`);
  process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
