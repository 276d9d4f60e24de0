import { unit } from '../random';
import {
  DAY,
  firedOnce,
  flappingSpells,
  historyOf,
  Spell,
  spellsInDay,
  utcDay,
} from './history';
import { AlarmDefinition, MetricStore } from './store';

/** Options of {@link addScaleAlarms}. */
export interface ScaleAlarmsOptions {
  /** How many alarms to add, e.g. 5,000. */
  alarms: number;
  /** Over how many services, round robin. */
  services: number;
  /** The fake's clock anchor (epoch ms); histories end there. */
  anchor: number;
  /** Service names are `<servicePrefix><n>` (n from 0). Default `scale-svc-`. */
  servicePrefix?: string;
  /** Days of history to generate (CloudWatch serves the last 30). Default 90. */
  days?: number;
}

/** What {@link addScaleAlarms} added. */
export interface ScaleAlarms {
  /** Alarm names, in the order added. */
  names: string[];
  /** Service names, each alarm's name starting with `<service>-`. */
  services: string[];
  /** Alarm name prefixes, one per service (`<service>-`). */
  prefixes: string[];
  /** The alarms of each kind, by name, for a benchmark's checks. */
  kinds: Record<ScaleAlarmKind, string[]>;
}

/** The behaviour {@link addScaleAlarms} gave an alarm. */
export type ScaleAlarmKind =
  | 'quiet'
  | 'never-fired'
  | 'noisy'
  | 'flapping'
  | 'stuck';

const MINUTE = 60_000;
const HOUR = 60 * MINUTE;
const SNS = 'arn:aws:sns:us-east-1:123456789012';
const WHAT = [
  'error-rate',
  'p95-latency',
  'high-memory',
  'cpu-high',
  'queue-backlog',
];

/**
 * Adds `alarms` alarms spread over `services` services
 * (`<servicePrefix><n>-<what>-<i>`) with deterministic histories over the
 * last `days` days, the mix of a real account: about 1 % flapping (3 to 6
 * round trips a day on a third of the days and every day of the last
 * week), 5 % noisy (fires once or twice a day, every day of the last week
 * and most days before), 1 % stuck in ALARM for days, a fifth never fired
 * (OK for longer than `days`), the rest quiet (one to three fires in the
 * period); about 5 % have no actions. For benchmarks of the alert-hygiene
 * analysis (a `MetricStore` of 5,000 alarms builds in about a second).
 */
export function addScaleAlarms(
  store: MetricStore,
  options: ScaleAlarmsOptions,
): ScaleAlarms {
  const { anchor } = options;
  const days = options.days ?? 90;
  const prefix = options.servicePrefix ?? 'scale-svc-';
  const services = Array.from(
    { length: Math.max(1, options.services) },
    (_, n) => `${prefix}${n}`,
  );
  const result: ScaleAlarms = {
    names: [],
    services,
    prefixes: services.map(s => `${s}-`),
    kinds: { quiet: [], 'never-fired': [], noisy: [], flapping: [], stuck: [] },
  };
  for (let i = 0; i < options.alarms; i++) {
    const service = services[i % services.length];
    const what = WHAT[Math.floor(i / services.length) % WHAT.length];
    const name = `${service}-${what}-${i}`;
    const kind = kindOf(unit(`scale|${name}|kind`));
    const spells = spellsOf(name, kind, anchor, days);
    const built = historyOf(spells);
    const changedAt =
      built.changedAt ??
      anchor - (days + 1 + Math.floor(unit(`scale|${name}|age`) * 300)) * DAY;
    const topics = [`${SNS}:${service}-pager`];
    const alarm: AlarmDefinition = {
      name,
      description: `${what} of ${service}.${
        unit(`scale|${name}|runbook`) < 0.7
          ? ` Runbook: https://runbooks.example/${service}/${what}`
          : ''
      }`,
      state: built.state,
      stateReason:
        built.state === 'ALARM'
          ? 'Threshold Crossed: 3 out of the last 3 datapoints were greater than the threshold.'
          : 'Threshold Crossed: no datapoint was greater than the threshold for 3 periods.',
      stateUpdatedAt: new Date(changedAt),
      metric: {
        namespace: 'Scale/Service',
        metricName: what,
        dimensions: { Service: service },
      },
      statistic: what === 'p95-latency' ? 'p95' : 'Average',
      period: 60,
      evaluationPeriods: 3,
      threshold: 90,
      comparisonOperator: 'GreaterThanThreshold',
      tags: {
        Service: service,
        Severity: ['P1', 'P2', 'P3', 'P4'][
          Math.floor(unit(`scale|${name}|sev`) * 4)
        ],
      },
      actions:
        unit(`scale|${name}|actions`) < 0.05
          ? undefined
          : { alarm: topics, ok: topics, insufficientData: [] },
      history: built.history,
    };
    store.addAlarm(alarm);
    result.names.push(name);
    result.kinds[kind].push(name);
  }
  return result;
}

/** The mix: 1 % flapping, 5 % noisy, 1 % stuck, 20 % never fired, the rest quiet. */
function kindOf(roll: number): ScaleAlarmKind {
  if (roll < 0.01) return 'flapping';
  if (roll < 0.06) return 'noisy';
  if (roll < 0.07) return 'stuck';
  if (roll < 0.27) return 'never-fired';
  return 'quiet';
}

function spellsOf(
  name: string,
  kind: ScaleAlarmKind,
  anchor: number,
  days: number,
): Spell[] {
  const key = `scale|${name}`;
  const pastDays = Array.from({ length: days - 1 }, (_, d) => d + 1);
  switch (kind) {
    case 'flapping':
      return flappingSpells(
        key,
        anchor,
        pastDays.filter(d => d <= 7 || unit(`${key}|flap|${d}`) < 0.33),
      );
    case 'noisy':
      return pastDays
        .filter(d => d <= 7 || unit(`${key}|noisy|${d}`) < 0.8)
        .flatMap(d =>
          spellsInDay(
            `${key}|${d}`,
            utcDay(anchor, d),
            1 + Math.floor(unit(`${key}|noisy|${d}|n`) * 2),
          ),
        );
    case 'stuck': {
      const since = (1 + unit(`${key}|stuck`) * 5) * DAY;
      return [
        firedOnce(anchor, since + 5 * DAY, 2 * HOUR),
        { start: Math.floor((anchor - since) / MINUTE) * MINUTE },
      ];
    }
    case 'never-fired':
      return [];
    default: {
      // One to three fires, one in each of as many parts of the period.
      const fires = 1 + Math.floor(unit(`${key}|quiet`) * 3);
      const part = (days - 1) / fires;
      const fireDays = new Set(
        Array.from(
          { length: fires },
          (_, f) => 1 + Math.floor(f * part + unit(`${key}|quiet|${f}`) * part),
        ),
      );
      return [...fireDays].map(
        day => spellsInDay(`${key}|quiet|${day}`, utcDay(anchor, day), 1)[0],
      );
    }
  }
}
