import { Config } from '@backstage/config';
import {
  SecurityConfig,
  describeSchemaError,
  securityConfigSchema,
} from '@opsportal/plugin-ops-common';

export type { SecurityConfig } from '@opsportal/plugin-ops-common';

/**
 * Reads and validates `ops.security` (docs/security-operations.md). A wrong value stops
 * the backend at startup with a message that names each wrong key, e.g.
 * `Invalid configuration: ops.security.metrics.0.window: must be whole
 * minutes, hours or days (15m, 1h, 1d), from 1m to 1d`.
 */
export function readSecurityConfig(root: Config): SecurityConfig {
  const raw = root.getOptional('ops.security') ?? {};
  const result = securityConfigSchema.safeParse(raw);
  if (!result.success) {
    const issues = result.error.issues.map(issue => ({
      ...issue,
      path: ['ops', 'security', ...issue.path],
    }));
    throw new Error(
      `Invalid configuration: ${describeSchemaError({
        ...result.error,
        issues,
      } as typeof result.error)}`,
    );
  }
  return result.data;
}
