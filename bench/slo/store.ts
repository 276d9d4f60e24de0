import { MetricStore, unit } from '../../test/fake-upstreams/src';

/** The benchmark's shared load balancer. */
export const LB = 'app/bench-alb/0123456789abcdef';
/** Target group of service `i`. */
export const tg = (i: number) =>
  `targetgroup/svc-${i}/${(1e15 + i).toString(16)}`;

/** Steady traffic with a little deterministic noise: cheap to sum over any bucket. */
export function benchStore(services: number, anchor: number): MetricStore {
  const store = new MetricStore();
  const first = anchor - 40 * 86_400_000;
  for (let i = 0; i < services; i++) {
    const rpm = 100 + (i % 17) * 50;
    const p5xx = 0.0002 + (i % 7) * 0.0001;
    const dims = { LoadBalancer: LB, TargetGroup: tg(i) };
    const counter =
      (share: number) => (start: number, period: number, stat: string) => {
        if (start < first) return undefined;
        const noise =
          1 + 0.05 * (unit(`${i}|${share}|${start}|${period}`) - 0.5);
        const sum = (period / 60) * rpm * share * noise;
        if (stat === 'Sum') return sum;
        if (stat === 'SampleCount') return period / 60;
        return undefined;
      };
    const add = (metricName: string, generate: any) =>
      store.add({
        key: { namespace: 'AWS/ApplicationELB', metricName, dimensions: dims },
        generate,
      });
    add('RequestCount', counter(1));
    add('HTTPCode_Target_5XX_Count', counter(p5xx));
    add('HTTPCode_Target_4XX_Count', counter(0.003));
    add('TargetResponseTime', (start: number, period: number, stat: string) => {
      if (start < first) return undefined;
      const requests = (period / 60) * rpm;
      if (stat === 'SampleCount') return requests;
      if (stat.startsWith('TC(')) return requests * 0.97;
      return undefined;
    });
  }
  return store;
}
