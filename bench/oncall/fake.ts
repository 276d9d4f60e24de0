/*
 * The fake PagerDuty of the on-call benchmark, in its own process as
 * PagerDuty is remote: the example platform plus generated services, every
 * answer delayed by the given latency. Prints `listening <url>`.
 *
 *   fake.ts <extra services> <latency ms>
 */
import { startFakePagerDuty } from '@internal/fake-upstreams';

async function main() {
  const extraServices = Number(process.argv[2] ?? 94);
  const latencyMs = Number(process.argv[3] ?? 150);
  const fake = await startFakePagerDuty({ extraServices, latencyMs });
  // Requests are only counted (GET /__stats), not kept.
  setInterval(() => fake.requests.splice(0), 5_000).unref();
  process.stdout.write(`listening ${fake.url}\n`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
