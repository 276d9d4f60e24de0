/*
 * Runs the fake PagerDuty and CloudWatch for the local portal:
 *   FAKE_PAGERDUTY_PORT (default 7101), FAKE_CLOUDWATCH_PORT (default 7102),
 *   FAKE_PAGERDUTY_LATENCY_MS (default 0: answer at once),
 *   FAKE_PROMETHEUS_PORT (default 7103), FAKE_GRAFANA_PORT (default 7104).
 */
import { startLocalFakes } from './local';

async function main() {
  const fakes = await startLocalFakes({
    pagerdutyPort: Number(process.env.FAKE_PAGERDUTY_PORT ?? 7101),
    cloudwatchPort: Number(process.env.FAKE_CLOUDWATCH_PORT ?? 7102),
    prometheusPort: Number(process.env.FAKE_PROMETHEUS_PORT ?? 7103),
    grafanaPort: Number(process.env.FAKE_GRAFANA_PORT ?? 7104),
    host: '0.0.0.0',
    pagerdutyLatencyMs: Number(process.env.FAKE_PAGERDUTY_LATENCY_MS ?? 0),
    // Keep memory flat in a long-running session.
    trimEveryMs: 60_000,
  });
  process.stdout.write(
    `fake PagerDuty on ${fakes.pagerduty.url}, fake CloudWatch on ${fakes.cloudwatch.url}\n`,
  );
  process.stdout.write(`fake Prometheus on ${fakes.prometheus.url}\n`);
  process.stdout.write(`fake Grafana on ${fakes.grafana.url}\n`);
  const stop = async () => {
    await fakes.close();
    process.exit(0);
  };
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
