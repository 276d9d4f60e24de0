import { Entity } from '@backstage/catalog-model';
import {
  ANNOTATION_SLO_SPEC,
  BurnRateRule,
  SloProblem,
} from '@opsportal/plugin-ops-common';
import { EntityLocationReader } from '../lib/EntityLocationReader';
import {
  COMPACT_ANNOTATIONS,
  compactDefinitions,
  DEFAULT_PROMETHEUS_SLO,
  PrometheusSloDefaults,
} from './spec/compact';
import { SloDefinitionSet } from './spec/definitions';
import { parseOpenSlo } from './spec/openslo';

/**
 * Finds an entity's SLOs. Precedence: when `opsportal.dev/slo-spec` points
 * at an OpenSLO file with at least one valid SLO, that file defines the
 * entity's SLOs and the compact annotations are ignored (with a note, so
 * nobody wonders why). When the file cannot be read or holds no valid SLO,
 * its problems are reported and the compact annotations are used until it
 * is fixed.
 */
export class SloDefinitionLoader {
  constructor(
    private readonly reader: EntityLocationReader,
    private readonly rules: readonly BurnRateRule[],
    private readonly prometheus: PrometheusSloDefaults = DEFAULT_PROMETHEUS_SLO,
  ) {}

  async load(entity: Entity): Promise<SloDefinitionSet> {
    const annotations = entity.metadata.annotations ?? {};
    const compact = compactDefinitions(entity, this.rules, this.prometheus);
    const spec = annotations[ANNOTATION_SLO_SPEC]?.trim();
    if (!spec) return compact;

    const problems: SloProblem[] = [];
    let parsed: SloDefinitionSet | undefined;
    try {
      const file = await this.reader.readFile(entity, spec);
      parsed = parseOpenSlo(file.content, {
        location: spec,
        defaultRules: this.rules,
      });
      problems.push(...parsed.problems);
    } catch (error) {
      problems.push({
        severity: 'error',
        source: spec,
        message: `Could not read the OpenSLO spec ${spec}: ${
          (error as Error).message
        }`,
      });
    }

    const present = COMPACT_ANNOTATIONS.filter(
      a => annotations[a] !== undefined,
    );
    if (parsed && parsed.definitions.length > 0) {
      for (const annotation of present) {
        problems.push({
          severity: 'info',
          source: annotation,
          message: `${annotation} is not used: the OpenSLO spec ${spec} defines this entity's SLOs`,
        });
      }
      return { definitions: parsed.definitions, problems };
    }
    if (compact.definitions.length > 0) {
      problems.push({
        severity: 'warning',
        source: spec,
        message: `The OpenSLO spec ${spec} gives no usable SLO: the compact annotations (${present.join(
          ', ',
        )}) are used until it is fixed`,
      });
    }
    return {
      definitions: compact.definitions,
      problems: [...problems, ...compact.problems],
    };
  }
}
