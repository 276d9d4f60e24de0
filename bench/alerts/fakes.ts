/*
 * The alert-hygiene benchmark's upstreams, in a process of their own as the
 * real ones are remote: the fake CloudWatch holding the example platform's
 * alarms plus `alarms` generated alarms over `services` services with 90
 * days of deterministic history (addScaleAlarms; CloudWatch, and so the
 * fake, serves the last 30 days of it), and the fake PagerDuty with the
 * example platform plus `pdServices` generated services (each with its own
 * escalation policy and schedules) and a month of incidents on each
 * (pagingAccount below), both answering after `latency` ms. Prints
 * `cloudwatch <url>` and then `listening <PagerDuty url>`.
 *
 *   fakes.ts <anchor ms> <alarms> <services> <pdServices> <incidents per
 *     service> <latency ms> [cw port] [pd port]
 */
import {
  addScaleAlarms,
  createPlatformStore,
  startFakeCloudWatch,
  startFakePagerDuty,
} from '@internal/fake-upstreams';
import { pagingAccount } from './paging';

async function main() {
  const [anchor, alarms, services, pdServices, perService, latencyMs] =
    process.argv.slice(2, 8).map(Number);
  const cwPort = Number(process.argv[8] ?? 0);
  const pdPort = Number(process.argv[9] ?? 0);
  const store = createPlatformStore(anchor);
  addScaleAlarms(store, {
    alarms,
    services,
    anchor,
    servicePrefix: 'alert-svc-',
    days: 90,
  });
  // Both fakes' clocks run from the anchor, as the refresh's does.
  const started = Date.now();
  const now = () => anchor + (Date.now() - started);
  const cloudwatch = await startFakeCloudWatch({
    port: cwPort,
    latencyMs,
    store,
    now,
  });
  const pagerduty = await startFakePagerDuty({
    port: pdPort,
    latencyMs,
    now,
    account: pagingAccount(anchor, pdServices, perService),
  });
  // Requests are only counted (GET /__stats), not kept.
  setInterval(() => {
    pagerduty.requests.splice(0);
    cloudwatch.requests.splice(0);
  }, 2_000).unref();
  process.stdout.write(`cloudwatch ${cloudwatch.url}\n`);
  process.stdout.write(`listening ${pagerduty.url}\n`);
  process.on('SIGTERM', () => process.exit(0));
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
