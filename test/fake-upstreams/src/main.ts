/*
 * Runs the fake PagerDuty and CloudWatch for the local portal:
 *   FAKE_PAGERDUTY_PORT (default 7101), FAKE_CLOUDWATCH_PORT (default 7102),
 *   FAKE_PAGERDUTY_LATENCY_MS (default 0: answer at once),
 *   FAKE_PROMETHEUS_PORT (default 7103), FAKE_GRAFANA_PORT (default 7104).
 */
import { createPlatformStore } from './cloudwatch/platform';
import { startFakeCloudWatch } from './cloudwatch/server';
import { startFakeGrafana } from './grafana/server';
import { startFakePagerDuty } from './pagerduty/server';
import { createPrometheusPlatformStore } from './prometheus/platform';
import { startFakePrometheus } from './prometheus/server';

async function main() {
  // Scenarios are placed relative to this anchor, floored to the minute.
  const anchor = Math.floor(Date.now() / 60_000) * 60_000;
  const pagerduty = await startFakePagerDuty({
    port: Number(process.env.FAKE_PAGERDUTY_PORT ?? 7101),
    host: '0.0.0.0',
    latencyMs: Number(process.env.FAKE_PAGERDUTY_LATENCY_MS ?? 0),
  });
  const cloudwatch = await startFakeCloudWatch({
    port: Number(process.env.FAKE_CLOUDWATCH_PORT ?? 7102),
    host: '0.0.0.0',
    store: createPlatformStore(anchor),
  });
  const prometheus = await startFakePrometheus({
    port: Number(process.env.FAKE_PROMETHEUS_PORT ?? 7103),
    host: '0.0.0.0',
    store: createPrometheusPlatformStore(anchor),
  });
  const grafana = await startFakeGrafana({
    port: Number(process.env.FAKE_GRAFANA_PORT ?? 7104),
    host: '0.0.0.0',
  });
  // Keep memory flat in a long-running session: requests are only kept for tests.
  setInterval(() => {
    pagerduty.reset();
    cloudwatch.reset();
    prometheus.reset();
    grafana.reset();
  }, 60_000).unref();
  process.stdout.write(
    `fake PagerDuty on ${pagerduty.url}, fake CloudWatch on ${cloudwatch.url}\n`,
  );
  process.stdout.write(`fake Prometheus on ${prometheus.url}\n`);
  process.stdout.write(`fake Grafana on ${grafana.url}\n`);
  const stop = async () => {
    await Promise.all([
      pagerduty.close(),
      cloudwatch.close(),
      prometheus.close(),
      grafana.close(),
    ]);
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
