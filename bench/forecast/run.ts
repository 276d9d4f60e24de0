/*
 * Forecast backtest: the product's time-to-limit forecast run on synthetic
 * series with known crossing times (series.ts), scored against the targets
 * of issue 12 (defect 3):
 *
 *   - median absolute error of the crossing date <= 1 day and its 90th
 *     percentile <= 3 days, over the series that truly cross within 30 days;
 *   - the true crossing inside the stated interval (earliest..latest) for
 *     >= 80 % of them;
 *   - false alarms (a crossing forecast within the horizon) on <= 5 % of the
 *     series that never cross.
 *
 *   node --require @backstage/cli/config/nodeTransform.cjs bench/forecast/run.ts \
 *     [--series 300] [--seed 20260302] [--out file.md] [--json file.json]
 *     [--forecaster path/to/forecast.ts]
 *
 * The forecast is called exactly as the capacity analysis calls it
 * (analyseCapacityMetric: fitForecast on the 90 days of hourly values, then
 * forecastCrossing against the metric's limit with the default horizon).
 * A series that crosses within 30 days but gets no crossing date counts as
 * an infinite error (it is listed as a miss). Prints a summary, one row per
 * family and the worst series; --out writes the same text, --json every
 * series' outcome.
 */
import os from 'node:os';
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import * as product from '../../plugins/ops-common/src/capacity/forecast';
import type { ForecastResult } from '../../plugins/ops-common/src/capacity/forecast';
import {
  DAY,
  FAMILY_SHARES,
  Family,
  HOUR,
  SyntheticSeries,
  generateSeries,
} from './series';

function arg(name: string): string | undefined {
  const i = process.argv.indexOf(`--${name}`);
  return i > 0 ? process.argv[i + 1] : undefined;
}

/**
 * --forecaster <file>: another forecast module with the same two functions,
 * e.g. an earlier version (`git show <commit>:plugins/ops-common/src/capacity/forecast.ts`
 * saved next to that commit's series.ts) to measure "before".
 */
const forecasterPath = arg('forecaster');
const { fitForecast, forecastCrossing }: typeof product = forecasterPath
  ? require(path.resolve(forecasterPath))
  : product;
const COUNT = Number(arg('series') ?? 300);
const SEED = Number(arg('seed') ?? 20260302);
const WITHIN_DAYS = 30;
const HORIZON_DAYS = 180;

interface Outcome {
  id: number;
  family: Family;
  description: string;
  limit: number;
  truthDays?: number;
  status: ForecastResult['status'];
  predictedDays?: number;
  earliestDays?: number;
  latestDays?: number;
  errorDays?: number;
  covered?: boolean;
  oracleErrorDays?: number;
  confidence: ForecastResult['confidence'];
}

/**
 * Reference, not a product: an oracle told where the current trend piece
 * starts and the exact noise-free seasonal pattern, which only has to fit
 * the level and slope (least squares on the de-seasonalised hourly values
 * of the regime, a second pass without values more than 5 robust spreads
 * off the first line). Its error is what the noise alone leaves; the gap
 * to the product is what finding the regime and the pattern costs.
 */
function oracleCrossing(s: SyntheticSeries): number | undefined {
  const xs: number[] = [];
  const zs: number[] = [];
  s.timestamps.forEach((t, i) => {
    if (t < s.regimeStart) return;
    xs.push((t - s.now) / DAY);
    zs.push(s.values[i] - s.seasonal(t));
  });
  const fit = (keep: boolean[]) => {
    let n = 0;
    let sx = 0;
    let sz = 0;
    xs.forEach((x, k) => {
      if (!keep[k]) return;
      n++;
      sx += x;
      sz += zs[k];
    });
    const mx = sx / n;
    const mz = sz / n;
    let sxx = 0;
    let sxz = 0;
    xs.forEach((x, k) => {
      if (!keep[k]) return;
      sxx += (x - mx) ** 2;
      sxz += (x - mx) * (zs[k] - mz);
    });
    const slope = sxx > 0 ? sxz / sxx : 0;
    return (x: number) => mz + slope * (x - mx);
  };
  if (xs.length < 3) return undefined;
  let line = fit(xs.map(() => true));
  const residuals = xs.map((x, k) => zs[k] - line(x));
  const sorted = residuals.map(Math.abs).sort((a, b) => a - b);
  const spread = 1.4826 * sorted[Math.floor(sorted.length / 2)];
  if (spread > 0) line = fit(residuals.map(r => Math.abs(r) <= 5 * spread));
  for (let t = s.now; t <= s.now + HORIZON_DAYS * DAY; t += HOUR) {
    if (line((t - s.now) / DAY) + s.seasonal(t) >= s.limit) return t;
  }
  return undefined;
}

/** Nearest-rank quantile (an infinite value stays infinite). */
function rankQuantile(values: number[], q: number): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(q * sorted.length) - 1)];
}

function fmt(value: number, digits = 2): string {
  if (Number.isNaN(value)) return '–';
  if (!Number.isFinite(value)) return '∞';
  return value.toFixed(digits);
}

function pct(part: number, whole: number): string {
  return whole === 0 ? '–' : `${((part / whole) * 100).toFixed(1)} %`;
}

function main() {
  const started = Date.now();
  const series = generateSeries(COUNT, SEED);
  const generatedMs = Date.now() - started;

  const outcomes: Outcome[] = [];
  const cpuStart = process.cpuUsage();
  const forecastStart = Date.now();
  for (const s of series) {
    const model = fitForecast(
      { timestamps: s.timestamps, values: s.values },
      { now: s.now },
    );
    const result = forecastCrossing(model, {
      now: s.now,
      limit: s.limit,
      horizonDays: HORIZON_DAYS,
    });
    const days = (iso?: string) =>
      iso === undefined ? undefined : (Date.parse(iso) - s.now) / DAY;
    const truthDays =
      s.truth === undefined ? undefined : (s.truth - s.now) / DAY;
    const predictedDays = days(result.crossingAt);
    const earliestDays = days(result.earliestAt);
    const latestDays = days(result.latestAt);
    const outcome: Outcome = {
      id: s.id,
      family: s.family,
      description: s.description,
      limit: s.limit,
      truthDays,
      status: result.status,
      predictedDays,
      earliestDays,
      latestDays,
      confidence: result.confidence,
    };
    if (truthDays !== undefined) {
      // From whole milliseconds, so that 72 hours is exactly 3 days.
      outcome.errorDays =
        result.crossingAt === undefined
          ? Infinity
          : Math.abs(Date.parse(result.crossingAt) - s.truth!) / DAY;
      const oracle = oracleCrossing(s);
      outcome.oracleErrorDays =
        oracle === undefined ? Infinity : Math.abs(oracle - s.truth!) / DAY;
      outcome.covered =
        result.earliestAt !== undefined &&
        Date.parse(result.earliestAt) <= s.truth! &&
        s.truth! <=
          (result.latestAt === undefined
            ? s.now + HORIZON_DAYS * DAY
            : Date.parse(result.latestAt));
    }
    outcomes.push(outcome);
  }
  const forecastMs = Date.now() - forecastStart;
  const cpu = process.cpuUsage(cpuStart);

  const within = outcomes.filter(
    o => o.truthDays !== undefined && o.truthDays <= WITHIN_DAYS,
  );
  const later = outcomes.filter(
    o => o.truthDays !== undefined && o.truthDays > WITHIN_DAYS,
  );
  const never = outcomes.filter(o => o.truthDays === undefined);
  const alarms = (os_: Outcome[]) =>
    os_.filter(o => o.status === 'crossing' || o.status === 'already-over');

  const lines: string[] = [];
  const print = (line = '') => lines.push(line);

  const errors = within.map(o => o.errorDays!);
  const medianError = rankQuantile(errors, 0.5);
  const p90Error = rankQuantile(errors, 0.9);
  const coverage = within.filter(o => o.covered).length / within.length;
  const falseAlarms = alarms(never).length / never.length;
  const signed = within
    .filter(o => o.predictedDays !== undefined)
    .map(o => o.predictedDays! - o.truthDays!);
  const widths = within
    .filter(o => o.earliestDays !== undefined)
    .map(o => (o.latestDays ?? HORIZON_DAYS) - o.earliestDays!);

  print(
    `Forecast backtest of ${
      forecasterPath ?? 'plugins/ops-common/src/capacity/forecast.ts'
    }: ${COUNT} series (seed ${SEED}), ${os.cpus().length} CPUs (${
      os.cpus()[0]?.model ?? 'unknown'
    }), Node ${process.version}, load ${os
      .loadavg()
      .map(l => l.toFixed(2))
      .join(' ')}`,
  );
  print(
    `Mix: ${(Object.keys(FAMILY_SHARES) as Family[])
      .map(f => `${f} ${outcomes.filter(o => o.family === f).length}`)
      .join(', ')}; truth: ${within.length} cross within ${WITHIN_DAYS} d, ${
      later.length
    } later, ${never.length} never`,
  );
  print(
    `Time: generating ${generatedMs} ms, forecasting ${forecastMs} ms (${fmt(
      (cpu.user + cpu.system) / 1000 / COUNT,
      1,
    )} ms CPU a series)`,
  );
  print();
  print('| Figure | Value | Target | Met |');
  print('| --- | ---: | ---: | :---: |');
  const row = (name: string, value: string, target: string, met: boolean) =>
    print(`| ${name} | ${value} | ${target} | ${met ? 'yes' : 'no'} |`);
  row(
    `Median absolute error, crossings within ${WITHIN_DAYS} d (n = ${within.length})`,
    `${fmt(medianError)} d`,
    '≤ 1 d',
    medianError <= 1,
  );
  row(
    '90th percentile absolute error',
    `${fmt(p90Error)} d`,
    '≤ 3 d',
    p90Error <= 3,
  );
  row(
    'Interval coverage (truth within earliest..latest)',
    pct(within.filter(o => o.covered).length, within.length),
    '≥ 80 %',
    coverage >= 0.8,
  );
  row(
    `False alarms on series that never cross (n = ${never.length})`,
    `${pct(alarms(never).length, never.length)} (${alarms(never).length})`,
    '≤ 5 %',
    falseAlarms <= 0.05,
  );
  const oracleErrors = within.map(o => o.oracleErrorDays!);
  row(
    'Reference: oracle (knows the regime start and the pattern) median / p90 error',
    `${fmt(rankQuantile(oracleErrors, 0.5))} / ${fmt(
      rankQuantile(oracleErrors, 0.9),
    )} d`,
    '–',
    true,
  );
  print();
  print(
    `Other figures: missed crossings (no date) ${
      within.filter(o => o.predictedDays === undefined).length
    }/${within.length}; signed error median ${fmt(
      rankQuantile(signed, 0.5),
    )} d (positive = late), 10th..90th percentile ${fmt(
      rankQuantile(signed, 0.1),
    )}..${fmt(rankQuantile(signed, 0.9))} d; interval width median ${fmt(
      rankQuantile(widths, 0.5),
    )} d, 90th percentile ${fmt(
      rankQuantile(widths, 0.9),
    )} d; crossings after ${WITHIN_DAYS} d: median error ${fmt(
      rankQuantile(
        later.map(o => o.errorDays!),
        0.5,
      ),
    )} d, coverage ${pct(later.filter(o => o.covered).length, later.length)}`,
  );
  print();
  print(
    '| Family | Series | Cross ≤ 30 d | Median error | p90 error | Coverage | Never cross | False alarms |',
  );
  print('| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: |');
  for (const family of Object.keys(FAMILY_SHARES) as Family[]) {
    const all = outcomes.filter(o => o.family === family);
    const w = within.filter(o => o.family === family);
    const n = never.filter(o => o.family === family);
    const e = w.map(o => o.errorDays!);
    print(
      `| ${family} | ${all.length} | ${w.length} | ${
        w.length ? `${fmt(rankQuantile(e, 0.5))} d` : '–'
      } | ${w.length ? `${fmt(rankQuantile(e, 0.9))} d` : '–'} | ${pct(
        w.filter(o => o.covered).length,
        w.length,
      )} | ${n.length} | ${n.length ? pct(alarms(n).length, n.length) : '–'} |`,
    );
  }
  print();
  print('Worst crossings within 30 days (error, truth, forecast, interval):');
  for (const o of [...within]
    .sort((a, b) => b.errorDays! - a.errorDays!)
    .slice(0, 10)) {
    print(
      `  #${o.id} ${o.family}: error ${fmt(o.errorDays!)} d, truth ${fmt(
        o.truthDays!,
      )} d, forecast ${o.status} ${fmt(
        o.predictedDays ?? NaN,
      )} d, interval ${fmt(o.earliestDays ?? NaN)}..${
        o.latestDays === undefined ? 'horizon' : fmt(o.latestDays)
      } d — ${o.description}`,
    );
  }
  const falseAlarmList = alarms(never);
  if (falseAlarmList.length > 0) {
    print('False alarms:');
    for (const o of falseAlarmList.slice(0, 10)) {
      print(
        `  #${o.id} ${o.family}: forecast ${o.status} ${fmt(
          o.predictedDays ?? NaN,
        )} d — ${o.description}`,
      );
    }
  }

  const text = lines.join('\n');
  process.stdout.write(`${text}\n`);
  const out = arg('out');
  if (out) writeFileSync(out, `${text}\n`);
  const json = arg('json');
  if (json) writeFileSync(json, JSON.stringify(outcomes, null, 1));
}

main();
