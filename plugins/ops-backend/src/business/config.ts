import { Config } from '@backstage/config';
import {
  BusinessConfig,
  businessConfigSchema,
} from '@opsportal/plugin-ops-common';

/**
 * Reads `ops.business` (docs/business-metrics.md) with its defaults; a
 * wrong value stops the backend at startup with a message naming its key,
 * e.g. `ops.business.metrics[1].cloudwatch.namespace: is required`.
 */
export function readBusinessConfig(root: Config): BusinessConfig {
  const raw = root.getOptional('ops.business') ?? {};
  const result = businessConfigSchema.safeParse(raw);
  if (result.success) return result.data;
  const problems = result.error.issues.slice(0, 10).map(issue => {
    const key = issue.path
      .map(part =>
        typeof part === 'number' ? `[${part}]` : `.${String(part)}`,
      )
      .join('');
    const message =
      issue.code === 'unrecognized_keys'
        ? `unknown key(s) ${issue.keys.join(', ')}`
        : issue.message;
    return `ops.business${key}: ${message}`;
  });
  throw new Error(`Invalid configuration: ${problems.join('; ')}`);
}
