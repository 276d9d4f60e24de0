import {
  readSchedulerServiceTaskScheduleDefinitionFromConfig,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import { Config } from '@backstage/config';
import {
  BurnRateRule,
  DEFAULT_BURN_RATE_CEILING_SHARE,
  DEFAULT_BURN_RATE_RULES,
  DEFAULT_BURN_RATE_WINDOWS,
  parseDurationShorthand,
} from '@opsportal/plugin-ops-common';
import { DEFAULT_PROMETHEUS_SLO, PrometheusSloDefaults } from './spec/compact';

/** The SLO feature's settings (`ops.slo`, documented in config.d.ts). */
export interface SloConfig {
  schedule: SchedulerServiceTaskScheduleDefinition;
  /** Burn-rate rules of SLOs that define none (compact form, OpenSLO without alert policies). */
  rules: BurnRateRule[];
  /** Windows whose burn rates are shown. */
  windows: string[];
  /** Window whose burn rate the forecast extrapolates. */
  forecastWindow: string;
  /** How far behind now the windows end, for CloudWatch's ingestion delay. */
  delaySeconds: number;
  /**
   * Rules that need more than `share` of the events (or slices) bad to fire
   * are flagged on the SLO; with `scaleToTarget` their factor is lowered to
   * `share` x 1 / (1 - target).
   */
  burnRateCeiling: { share: number; scaleToTarget: boolean };
  /** The Prometheus series the compact annotations read (`ops.slo.prometheus`). */
  prometheus: PrometheusSloDefaults;
}

/**
 * Every 10 minutes: 5 statistics x 2 ranges = 10 metrics per service with
 * the compact form, 43,200 a month, $0.43 a service a month at $0.01 per
 * 1,000 metrics requested (docs/slo.md works the cost out).
 */
export const DEFAULT_SLO_SCHEDULE: SchedulerServiceTaskScheduleDefinition = {
  frequency: { minutes: 10 },
  timeout: { minutes: 5 },
  initialDelay: { seconds: 10 },
};

function duration(value: string, key: string): string {
  if (parseDurationShorthand(value) === undefined) {
    throw new Error(
      `ops.slo.${key} is "${value}": give a duration such as 5m, 1h or 1d`,
    );
  }
  return value;
}

const METRIC_NAME = /^[a-zA-Z_:][a-zA-Z0-9_:]*$/;
const LABEL_NAME = /^[a-zA-Z_][a-zA-Z0-9_]*$/;

function prometheusName(
  config: Config | undefined,
  key: keyof PrometheusSloDefaults,
  pattern: RegExp,
): string {
  const value =
    config?.getOptionalString(key)?.trim() ?? DEFAULT_PROMETHEUS_SLO[key];
  if (!pattern.test(value)) {
    throw new Error(
      `ops.slo.prometheus.${key} is "${value}": give a Prometheus ${
        pattern === LABEL_NAME ? 'label' : 'metric'
      } name, e.g. ${DEFAULT_PROMETHEUS_SLO[key]}`,
    );
  }
  return value;
}

/** Reads `ops.slo`, failing on values that make no sense. */
export function readSloConfig(root: Config): SloConfig {
  const config = root.getOptionalConfig('ops.slo');
  const schedule = config?.has('schedule')
    ? readSchedulerServiceTaskScheduleDefinitionFromConfig(
        config.getConfig('schedule'),
      )
    : DEFAULT_SLO_SCHEDULE;
  const rules = config
    ?.getOptionalConfigArray('burnRateRules')
    ?.map((rule, i) => {
      const severity = rule.getString('severity');
      if (severity !== 'page' && severity !== 'ticket') {
        throw new Error(
          `ops.slo.burnRateRules[${i}].severity is "${severity}": use page or ticket`,
        );
      }
      const burnRate = rule.getNumber('burnRate');
      if (!(burnRate > 0)) {
        throw new Error(
          `ops.slo.burnRateRules[${i}].burnRate must be positive`,
        );
      }
      return {
        severity,
        burnRate,
        longWindow: duration(
          rule.getString('longWindow'),
          `burnRateRules[${i}].longWindow`,
        ),
        shortWindow: duration(
          rule.getString('shortWindow'),
          `burnRateRules[${i}].shortWindow`,
        ),
      } as BurnRateRule;
    }) ?? [...DEFAULT_BURN_RATE_RULES];
  const share =
    config?.getOptionalNumber('burnRateCeiling.share') ??
    DEFAULT_BURN_RATE_CEILING_SHARE;
  if (!(share > 0 && share <= 1)) {
    throw new Error(
      `ops.slo.burnRateCeiling.share is ${share}: give a share of the events above 0 and at most 1, e.g. 0.5`,
    );
  }
  const prometheus = config?.getOptionalConfig('prometheus');
  return {
    schedule,
    rules,
    prometheus: {
      requestsMetric: prometheusName(prometheus, 'requestsMetric', METRIC_NAME),
      durationMetric: prometheusName(prometheus, 'durationMetric', METRIC_NAME),
      statusLabel: prometheusName(prometheus, 'statusLabel', LABEL_NAME),
    },
    burnRateCeiling: {
      share,
      scaleToTarget:
        config?.getOptionalBoolean('burnRateCeiling.scaleToTarget') ?? false,
    },
    windows: [...DEFAULT_BURN_RATE_WINDOWS],
    forecastWindow: duration(
      config?.getOptionalString('forecastWindow') ?? '1h',
      'forecastWindow',
    ),
    delaySeconds: parseDurationShorthand(
      duration(
        config?.getOptionalString('evaluationDelay') ?? '2m',
        'evaluationDelay',
      ),
    )!,
  };
}
