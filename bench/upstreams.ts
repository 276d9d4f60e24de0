/*
 * The fake PagerDuty and CloudWatch of the real-backend benchmarks
 * (bench/backend.ts), in their own process as the real upstreams are remote.
 * Both answer after the given latency and count requests at GET /__stats.
 * Prints `listening <PagerDuty url>` and `cloudwatch <CloudWatch url>`.
 *
 *   upstreams.ts <latency ms> <extra PagerDuty services> [pd port] [cw port]
 */
import {
  createPlatformStore,
  startFakeCloudWatch,
  startFakePagerDuty,
} from '@internal/fake-upstreams';

async function main() {
  const latencyMs = Number(process.argv[2] ?? 150);
  const extraServices = Number(process.argv[3] ?? 0);
  const pdPort = Number(process.argv[4] ?? 0);
  const cwPort = Number(process.argv[5] ?? 0);
  const anchor = Math.floor(Date.now() / 60_000) * 60_000;
  const cloudwatch = await startFakeCloudWatch({
    port: cwPort,
    latencyMs,
    store: createPlatformStore(anchor),
  });
  const pagerduty = await startFakePagerDuty({
    port: pdPort,
    latencyMs,
    extraServices,
  });
  // Requests are only counted (GET /__stats), not kept.
  setInterval(() => {
    pagerduty.requests.splice(0);
    cloudwatch.requests.splice(0);
  }, 5_000).unref();
  process.stdout.write(`cloudwatch ${cloudwatch.url}\n`);
  process.stdout.write(`listening ${pagerduty.url}\n`);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
