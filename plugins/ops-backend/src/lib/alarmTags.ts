import { CacheService, LoggerService } from '@backstage/backend-plugin-api';
import {
  Alarm,
  AlarmsProvider,
  mapWithConcurrency,
} from '@opsportal/plugin-ops-node';

function describeError(error: unknown): string {
  const e = error as Error;
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e?.message ?? String(error)}`;
}

/**
 * Tags of alarms by ARN (for their severity tag), for the alarms whose list
 * answer carried none. Tags change rarely: they are kept in the plugin's
 * cache (Redis in production) under keys the runbooks and alerts features
 * share, so one read serves both features, every replica and every shard.
 * Unknown ARNs are remembered as untagged, as the provider answers them. A
 * failure answers no tags (severities then come from the rules) and is
 * logged; it never fails the caller's refresh.
 */
export async function readAlarmTags(options: {
  provider: AlarmsProvider;
  alarms: Alarm[];
  region: string | undefined;
  /** Without a tag to read severities from, nothing is asked. */
  severityTag: string | undefined;
  cache?: CacheService;
  ttlMinutes: number;
  logger: LoggerService;
}): Promise<Map<string, Record<string, string>>> {
  const { provider, region, cache, logger } = options;
  const arns = [
    ...new Set(options.alarms.filter(a => !a.tags && a.arn).map(a => a.arn!)),
  ];
  if (!options.severityTag || !provider.getAlarmTags || arns.length === 0) {
    return new Map();
  }
  try {
    if (!cache) return await provider.getAlarmTags(arns, { region });
    const found = new Map<string, Record<string, string>>();
    const cacheKey = (arn: string) => `alarm-tags:${region ?? ''}:${arn}`;
    const cached = await mapWithConcurrency(arns, 16, arn =>
      cache.get<Record<string, string>>(cacheKey(arn)).catch(() => undefined),
    );
    const missing = arns.filter((arn, i) => {
      if (cached[i] === undefined) return true;
      found.set(arn, cached[i]!);
      return false;
    });
    if (missing.length > 0) {
      const fetched = await provider.getAlarmTags(missing, { region });
      await mapWithConcurrency(missing, 16, async arn => {
        const tags = fetched.get(arn) ?? {};
        if (fetched.has(arn)) found.set(arn, tags);
        await cache
          .set(cacheKey(arn), tags, { ttl: { minutes: options.ttlMinutes } })
          .catch(error =>
            logger.warn(
              `Could not keep alarm tags in the cache: ${describeError(error)}`,
            ),
          );
      });
    }
    return found;
  } catch (error) {
    logger.warn(`Could not read alarm tags: ${describeError(error)}`);
    return new Map();
  }
}
