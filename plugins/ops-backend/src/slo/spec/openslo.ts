import {
  BurnRateRule,
  formatDurationShorthand,
  SloBudgetingMethod,
} from '@opsportal/plugin-ops-common';
import {
  CloudWatchMetricStat,
  SliMetric,
  SloDefinition,
  SloDefinitionSet,
} from './definitions';
import { categoryOf, measure, Sli, slugify } from './objectives';
import { at, FileProblems, pathText, Place } from './positions';
import { periodQuery } from './promql';
import * as s from './schemas';

export {
  OPENSLO_CATEGORY_LABEL,
  OPENSLO_MISSING_DATA_ANNOTATION,
} from './schemas';

/** Options of {@link parseOpenSlo}. */
export interface OpenSloOptions {
  /** Where the text came from, for messages. */
  location: string;
  /** Burn-rate rules of SLOs without alert policies. */
  defaultRules: readonly BurnRateRule[];
}

/** A document of the file. */
interface SourceObject {
  value: s.SourceDocument;
  place: Place;
}

/** A document found by reference, or an object inline: its spec is read when used. */
interface Found {
  place: Place;
  name: string;
  spec: unknown;
}

type Kind = s.SourceDocument['kind'];

/** The field of an entry that names a document of this kind. */
const REF_KEYS = {
  SLI: 'indicatorRef',
  AlertPolicy: 'alertPolicyRef',
  AlertCondition: 'conditionRef',
} as const;

/** The SLOs of one file, read against the documents they name. */
class References {
  /** Documents others can name, by `kind name`. */
  private readonly named = new Map<string, SourceObject>();
  private readonly used = new Set<string>();

  constructor(
    private readonly file: FileProblems,
    objects: SourceObject[],
    private readonly defaultRules: readonly BurnRateRule[],
  ) {
    for (const kind of ['SLI', 'AlertPolicy', 'AlertCondition', 'DataSource']) {
      for (const object of objects.filter(o => o.value.kind === kind)) {
        const key = `${kind} ${object.value.metadata.name}`;
        const place = at(object.place, 'metadata', 'name');
        if (this.named.has(key)) file.error(place, `${key} is defined twice`);
        this.named.set(key, object);
      }
    }
  }

  /** The definitions of an SLO's objectives. */
  definitionsOf(object: SourceObject): SloDefinition[] {
    const { value, place } = object;
    const slo = this.file.parse(s.sloDocument, value, place);
    const indicator = slo && this.indicatorOf(object, slo.spec);
    const rules = slo && this.rulesOf(place, slo.spec);
    const annotation = s.OPENSLO_MISSING_DATA_ANNOTATION;
    const missingData =
      indicator &&
      rules &&
      this.file.parse(
        s.missingData,
        slo.metadata.annotations?.[annotation],
        at(place, 'metadata', 'annotations', annotation),
      );
    const sli = missingData && this.sliOf(indicator.place, indicator.spec);
    if (!slo || !sli) return [];

    const { metadata: meta, spec } = slo;
    const windowSeconds = spec.timeWindow?.[0].duration ?? 30 * 86_400;
    const names = `${meta.name} ${indicator.name} ${meta.displayName ?? ''}`;
    const common = {
      ...(spec.description ? { description: spec.description } : {}),
      category: categoryOf(meta.labels?.[s.OPENSLO_CATEGORY_LABEL], names),
      window: formatDurationShorthand(windowSeconds),
      windowSeconds,
      missingData,
      burnRateRules: rules,
      source: {
        form: 'openslo' as const,
        location: this.file.location,
        line: this.file.lineOf(at(place, 'metadata', 'name')),
      },
    };
    // One objective: the SLO's name; several: the SLO's and the objective's.
    const several = spec.objectives.length > 1;
    return spec.objectives.flatMap((o, i) => {
      const measured = measure(
        o,
        sli,
        spec.budgetingMethod as SloBudgetingMethod,
        windowSeconds,
        (path, message) =>
          this.file.error(at(place, 'spec', 'objectives', i, ...path), message),
      );
      if (!measured) return [];
      const { definition, ...texts } = measured;
      const id = several
        ? `${meta.name}-${slugify(o.displayName) || i + 1}`
        : meta.name;
      const name = several
        ? `${meta.displayName ?? meta.name}: ${
            o.displayName ?? `objective ${i + 1}`
          }`
        : meta.displayName ?? o.displayName ?? meta.name;
      const info = { id, name, target: o.target, ...common, ...texts };
      return [{ info, indicator: definition }];
    });
  }

  reportUnusedPolicies() {
    for (const [key, { value, place }] of this.named) {
      if (value.kind === 'AlertPolicy' && !this.used.has(key)) {
        const message = `${key} is not used by any SLO`;
        this.file.report('info', at(place, 'metadata', 'name'), message);
      }
    }
  }

  /** The document a reference names, or undefined after reporting it missing. */
  private find(kind: Kind, name: string, place: Place): Found | undefined {
    const key = `${kind} ${name}`;
    this.used.add(key);
    const found = this.named.get(key);
    const missing = `${key} is not defined in this file`;
    if (!found) return this.file.error(place, missing);
    return { place: found.place, name, spec: found.value.spec };
  }

  /** An entry that names a document by reference or holds it inline. */
  private entryOf(kind: keyof typeof REF_KEYS, entry: object, place: Place) {
    const refKey = REF_KEYS[kind];
    if (refKey in entry) {
      const ref = (entry as Record<string, string>)[refKey];
      return this.find(kind, ref, at(place, refKey));
    }
    const inline = entry as { metadata: { name: string }; spec: unknown };
    return { place, name: inline.metadata.name, spec: inline.spec };
  }

  /** The SLI of an SLO, inline or by reference, with the place of its spec. */
  private indicatorOf(slo: SourceObject, spec: s.SloSpec) {
    const sloSpec = at(slo.place, 'spec');
    if (!spec.indicator && !spec.indicatorRef) {
      const { name } = slo.value.metadata;
      const message = `SLO ${name} needs an indicator or an indicatorRef`;
      return this.file.error(sloSpec, message);
    }
    const found = spec.indicator
      ? this.entryOf('SLI', spec.indicator, at(sloSpec, 'indicator'))
      : this.find('SLI', spec.indicatorRef!, at(sloSpec, 'indicatorRef'));
    if (!found) return undefined;
    const place = at(found.place, 'spec');
    const sli = this.file.parse(s.sliSpec, found.spec, place);
    return sli && { place, name: found.name, spec: sli };
  }

  /** The burn-rate rules of an SLO's alert policies. */
  private rulesOf(slo: Place, spec: s.SloSpec): BurnRateRule[] | undefined {
    if (!spec.alertPolicies?.length) return [...this.defaultRules];
    const rules = spec.alertPolicies.map((entry, i) => {
      const place = at(slo, 'spec', 'alertPolicies', i);
      const policy = this.entryOf('AlertPolicy', entry, place);
      return policy && this.policyRules(policy);
    });
    return rules.every(r => r !== undefined) ? rules.flat() : undefined;
  }

  private policyRules(policy: Found): BurnRateRule[] | undefined {
    const place = at(policy.place, 'spec');
    const spec = this.file.parse(s.alertPolicySpec, policy.spec, place);
    const rules = spec?.conditions.map((entry, j) => {
      const item = at(place, 'conditions', j);
      const condition = this.entryOf('AlertCondition', entry, item);
      return condition && this.ruleOf(condition, policy.name);
    });
    return rules?.every(r => r !== undefined) ? rules : undefined;
  }

  /** The burn-rate rule of an AlertCondition of the policy named `policy`. */
  private ruleOf(found: Found, policy: string): BurnRateRule | undefined {
    const place = at(found.place, 'spec');
    const spec = this.file.parse(s.alertConditionSpec, found.spec, place);
    if (!spec) return undefined;
    const { op, threshold, lookbackWindow: long } = spec.condition;
    if (op === 'lt' || op === 'lte') {
      this.file.report(
        'warning',
        at(place, 'condition', 'op'),
        `op ${op} would alert while the budget is safe; the burn-rate condition is read as gte`,
      );
    }
    // The SRE workbook's short window is 1/12 of the long one (5m for 1h).
    const short = Math.max(60, Math.ceil(long / 12 / 60) * 60);
    const page = /page|crit|sev-?1|p1\b/i.test(spec.severity);
    return {
      severity: page ? 'page' : 'ticket',
      burnRate: threshold,
      longWindow: formatDurationShorthand(long),
      shortWindow: formatDurationShorthand(short),
      name: policy,
    };
  }

  /** An SLI with its metrics, or undefined after reporting why not. */
  private sliOf(place: Place, spec: s.SliSpec): Sli | undefined {
    if (spec.thresholdMetric) {
      const threshold = at(place, 'thresholdMetric');
      const source = spec.thresholdMetric.metricSource;
      const metrics = this.metricsOf(
        at(threshold, 'metricSource'),
        source,
        'threshold',
      );
      if (!metrics || metrics.length === 1) {
        return metrics && { type: 'threshold', metric: metrics[0] };
      }
      const sum = 'a threshold metric reads one metric, not a sum';
      return this.file.error(threshold, sum);
    }
    const ratio = spec.ratioMetric!;
    const part = ratio.good ? 'good' : 'bad';
    const read = (key: 'good' | 'bad' | 'total') =>
      this.metricsOf(
        at(place, 'ratioMetric', key, 'metricSource'),
        ratio[key]!.metricSource,
        'ratio',
      );
    const total = read('total');
    const counted = read(part);
    return total && counted
      ? { type: 'ratio', total, [part]: counted }
      : undefined;
  }

  /** The metrics of one metricSource, or undefined after reporting why not. */
  private metricsOf(
    place: Place,
    source: s.MetricSource,
    role: 'ratio' | 'threshold',
  ): SliMetric[] | undefined {
    let type = source.type;
    let region: string | undefined;
    if (source.metricSourceRef) {
      const ref = at(place, 'metricSourceRef');
      const ds = this.find('DataSource', source.metricSourceRef, ref);
      if (!ds) return undefined;
      const spec = ds.spec as Record<string, any>;
      type ??= String(spec.type ?? '');
      const dsRegion = spec.connectionDetails?.region;
      if (typeof dsRegion === 'string') region = dsRegion;
    }
    if (!type) {
      return this.file.error(
        place,
        'metricSource needs a type (CloudWatch or Prometheus) or a metricSourceRef to a DataSource',
      );
    }
    const spec = at(place, 'spec');
    const lower = type.toLocaleLowerCase('en-US');
    if (lower === 'prometheus') {
      const query = this.file.parse(s.prometheusQuery, source.spec, spec);
      const key = 'promql' in source.spec ? 'promql' : 'query';
      const promql = query && this.promqlOf(query, at(spec, key), role);
      return promql === undefined
        ? undefined
        : [{ provider: 'prometheus', promql }];
    }
    if (lower !== 'cloudwatch') {
      return this.file.error(
        at(place, 'type'),
        `metric source type ${type} is not supported: the ops portal reads CloudWatch and Prometheus`,
      );
    }
    if ('metrics' in source.spec) {
      const sum = this.file.parse(s.cloudWatchMetrics, source.spec, spec);
      return sum?.metrics.map((m, i) =>
        this.metricOf(m, at(spec, 'metrics', i), sum.region ?? region),
      );
    }
    const one = this.file.parse(s.cloudWatchMetric, source.spec, spec);
    return one && [this.metricOf(one, spec, region)];
  }

  /**
   * The PromQL the portal evaluates once per period for a query of the
   * file, or undefined after reporting why it cannot be (see
   * {@link periodQuery}).
   */
  private promqlOf(
    query: string,
    place: Place,
    role: 'ratio' | 'threshold',
  ): string | undefined {
    const read = periodQuery(query, role);
    if ('error' in read) return this.file.error(place, read.error);
    return read.promql;
  }

  /** A metric with its region, after a note on a statistic spelled differently. */
  private metricOf(
    { respelled, region, ...metric }: s.CloudWatchMetric,
    place: Place,
    fallbackRegion: string | undefined,
  ): CloudWatchMetricStat {
    if (respelled !== undefined) {
      const stat = at(place, 'stat');
      const why = 'CloudWatch statistics are case-sensitive';
      const message = `${respelled} is read as ${metric.stat} (${why})`;
      this.file.report('info', stat, `${pathText(stat.path)}: ${message}`);
    }
    const r = region ?? fallbackRegion;
    return { ...metric, ...(r ? { region: r } : {}) };
  }
}

/**
 * Reads an OpenSLO v1 file (several YAML documents: SLO, SLI, AlertPolicy,
 * AlertCondition, DataSource, Service) into SLO definitions over CloudWatch
 * metrics or Prometheus queries. Every problem is reported with the line at fault; an invalid SLO
 * is left out, the others are kept.
 */
export function parseOpenSlo(
  text: string,
  options: OpenSloOptions,
): SloDefinitionSet {
  const file = new FileProblems(options.location);
  const objects: SourceObject[] = [];
  for (const doc of file.documents(text)) {
    const place = { doc, path: [] };
    const json = doc.toJS();
    if (json === null || json === undefined) continue;
    const value = file.parse(s.envelope, json, place);
    if (value) objects.push({ value, place });
  }
  const slos = objects.filter(o => o.value.kind === 'SLO');
  const references = new References(file, objects, options.defaultRules);
  const definitions = slos.flatMap(slo => references.definitionsOf(slo));
  references.reportUnusedPolicies();
  if (file.problems.length === 0 && slos.length === 0) {
    file.report('warning', undefined, 'The file defines no SLO (kind: SLO)');
  }
  return { definitions, problems: file.problems };
}
