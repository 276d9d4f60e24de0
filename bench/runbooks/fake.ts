/*
 * The runbooks benchmark's fake CloudWatch, in a process of its own:
 *   fake.ts <services> <alarms per service>  → prints "listening <url>".
 * Every alarm has a Severity tag; one in ten links a runbook by URL.
 */
import {
  MetricStore,
  startFakeCloudWatch,
} from '../../test/fake-upstreams/src';

const KINDS = [
  'processing-failures',
  'gateway-timeouts',
  'high-memory',
  'db-unavailable',
  'cpu-high',
  'p95-latency',
  'error-rate',
  'queue-backlog',
  'disk-usage',
  'certificate-expiry',
];

async function main() {
  const [services, perService] = process.argv.slice(2).map(Number);
  const store = new MetricStore();
  for (let s = 0; s < services; s++) {
    for (let a = 0; a < perService; a++) {
      const kind = KINDS[a % KINDS.length];
      store.addAlarm({
        name: `svc-${s}-${kind}${a >= KINDS.length ? `-${a}` : ''}`,
        description:
          a % 10 === 5
            ? `Runbook: https://wiki.example/runbooks/svc-${s}/${kind}`
            : `Alarm ${kind} of svc-${s}`,
        state: a === 0 && s % 7 === 0 ? 'ALARM' : 'OK',
        stateReason: 'Threshold Crossed',
        stateUpdatedAt: new Date(Date.now() - (a + 1) * 3600_000),
        metric: {
          namespace: 'AWS/ApplicationELB',
          metricName: 'HTTPCode_Target_5XX_Count',
          dimensions: { TargetGroup: `svc-${s}` },
        },
        period: 60,
        evaluationPeriods: 3,
        threshold: 5,
        comparisonOperator: 'GreaterThanThreshold',
        tags: { Severity: `P${(a % 4) + 1}` },
      });
    }
  }
  const fake = await startFakeCloudWatch({ store });
  setInterval(() => fake.reset(), 1000).unref();
  process.stdout.write(`listening ${fake.url}\n`);
  process.on('SIGTERM', () => fake.close().then(() => process.exit(0)));
}

main().catch(error => {
  process.stderr.write(`${error?.stack ?? error}\n`);
  process.exit(1);
});
