import { AutoscalingBounds } from './types';

/**
 * The seed's autoscaling: pods 2–10 replicas at 70 % CPU and 80 % memory;
 * node groups 3–20 nodes at 70 % CPU.
 * @public
 */
export const DEFAULT_AUTOSCALING: AutoscalingBounds = {
  minReplicas: 2,
  maxReplicas: 10,
  targetCpu: 70,
  targetMemory: 80,
  nodes: { min: 3, max: 20, targetCpu: 70 },
  source: 'config',
};

/** Result of reading the `opsportal.dev/autoscaling` annotation. @public */
export interface ParsedAutoscaling {
  bounds: AutoscalingBounds;
  /** What was wrong with the annotation, in words; the defaults fill in. */
  problems: string[];
}

/**
 * Reads `opsportal.dev/autoscaling`, e.g.
 * `min=2,max=10,cpu=70,memory=80,nodes=3-20`, over the given defaults.
 * Unknown keys and bad values are reported, never fatal.
 * @public
 */
export function parseAutoscalingAnnotation(
  value: string | undefined,
  defaults: AutoscalingBounds = DEFAULT_AUTOSCALING,
): ParsedAutoscaling {
  const bounds: AutoscalingBounds = {
    ...defaults,
    nodes: defaults.nodes ? { ...defaults.nodes } : undefined,
  };
  const problems: string[] = [];
  if (!value || !value.trim()) return { bounds, problems };
  bounds.source = 'annotation';

  const number = (key: string, raw: string, max?: number) => {
    const n = Number(raw);
    if (!/^\d+(\.\d+)?$/.test(raw) || (max !== undefined && n > max)) {
      problems.push(`${key}=${raw} is not a valid number`);
      return undefined;
    }
    return n;
  };

  for (const part of value.split(',')) {
    const [rawKey, ...rest] = part.split('=');
    const key = rawKey.trim();
    const raw = rest.join('=').trim();
    if (!key) continue;
    switch (key) {
      case 'min':
        bounds.minReplicas = number(key, raw) ?? bounds.minReplicas;
        break;
      case 'max':
        bounds.maxReplicas = number(key, raw) ?? bounds.maxReplicas;
        break;
      case 'cpu':
        bounds.targetCpu = number(key, raw, 100) ?? bounds.targetCpu;
        break;
      case 'memory':
        bounds.targetMemory = number(key, raw, 100) ?? bounds.targetMemory;
        break;
      case 'nodes': {
        const match = /^(\d+)-(\d+)$/.exec(raw);
        if (!match) {
          problems.push(`nodes=${raw} should look like nodes=3-20`);
        } else {
          bounds.nodes = {
            ...bounds.nodes,
            min: Number(match[1]),
            max: Number(match[2]),
          };
        }
        break;
      }
      default:
        problems.push(`unknown key "${key}"`);
    }
  }
  if (bounds.minReplicas > bounds.maxReplicas) {
    problems.push(
      `min (${bounds.minReplicas}) is above max (${bounds.maxReplicas})`,
    );
    bounds.minReplicas = defaults.minReplicas;
    bounds.maxReplicas = defaults.maxReplicas;
  }
  return { bounds, problems };
}
