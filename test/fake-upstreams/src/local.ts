import { createPlatformStore } from './cloudwatch/platform';
import { FakeCloudWatch, startFakeCloudWatch } from './cloudwatch/server';
import { FakeGrafana, startFakeGrafana } from './grafana/server';
import { FakePagerDuty, startFakePagerDuty } from './pagerduty/server';
import { createPrometheusPlatformStore } from './prometheus/platform';
import { FakePrometheus, startFakePrometheus } from './prometheus/server';

/** Ports of the local fakes; 0 picks a free one. */
export interface LocalFakesOptions {
  pagerdutyPort: number;
  cloudwatchPort: number;
  prometheusPort: number;
  grafanaPort: number;
  host?: string;
  /** Milliseconds the fake PagerDuty waits before each answer. */
  pagerdutyLatencyMs?: number;
  /** How often `trim` runs on its own; 0: never. */
  trimEveryMs?: number;
}

/** The fakes behind the local portal (`yarn fakes`). */
export interface LocalFakes {
  pagerduty: FakePagerDuty;
  cloudwatch: FakeCloudWatch;
  prometheus: FakePrometheus;
  grafana: FakeGrafana;
  /**
   * Forgets the requests recorded for tests, keeping what the portal wrote
   * (maintenance windows, acknowledged incidents, notes), so that a session
   * of hours stays flat in memory and a user's writes stay put.
   */
  trim(): void;
  close(): Promise<void>;
}

/** Starts the example platform's fakes, with scenarios anchored at the current minute. */
export async function startLocalFakes(
  options: LocalFakesOptions,
): Promise<LocalFakes> {
  const host = options.host ?? '127.0.0.1';
  const anchor = Math.floor(Date.now() / 60_000) * 60_000;
  const pagerduty = await startFakePagerDuty({
    port: options.pagerdutyPort,
    host,
    latencyMs: options.pagerdutyLatencyMs ?? 0,
  });
  const cloudwatch = await startFakeCloudWatch({
    port: options.cloudwatchPort,
    host,
    store: createPlatformStore(anchor),
  });
  const prometheus = await startFakePrometheus({
    port: options.prometheusPort,
    host,
    store: createPrometheusPlatformStore(anchor),
  });
  const grafana = await startFakeGrafana({ port: options.grafanaPort, host });
  const fakes = [pagerduty, cloudwatch, prometheus, grafana];
  const trim = () => fakes.forEach(fake => fake.forgetRequests());
  const timer = options.trimEveryMs
    ? setInterval(trim, options.trimEveryMs).unref()
    : undefined;
  return {
    pagerduty,
    cloudwatch,
    prometheus,
    grafana,
    trim,
    close: async () => {
      if (timer) clearInterval(timer);
      await Promise.all(fakes.map(fake => fake.close()));
    },
  };
}
