import {
  AuthService,
  DiscoveryService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import { ResponseError } from '@backstage/errors';
import {
  EntityReadinessFacts,
  READINESS_FACTS_MAX_LIMIT,
  readinessFactsResponseSchema,
} from '@opsportal/plugin-ops-common';

/** How long one read of every entity's facts serves the retrievers. */
const SHARED_FOR_MS = 60_000;
/** Attempts per page while the ops backend is not answering yet (cold start). */
const ATTEMPTS = 3;

/**
 * Reads `GET /api/ops/readiness/facts` page by page with a service token
 * for the ops plugin. The five ops fact retrievers run on the same cadence;
 * one read (kept for a minute) answers them all.
 */
export class ReadinessFactsClient {
  private kept?: { at: number; facts: Promise<EntityReadinessFacts[]> };

  constructor(
    private readonly options: {
      discovery: DiscoveryService;
      auth: AuthService;
      logger: LoggerService;
      /** Pause between attempts (tests shorten it). */
      retryDelayMs?: number;
    },
  ) {}

  /** The facts of every component and resource with ops configuration. */
  all(): Promise<EntityReadinessFacts[]> {
    const now = Date.now();
    if (this.kept && now - this.kept.at < SHARED_FOR_MS) return this.kept.facts;
    const facts = this.readAll();
    this.kept = { at: now, facts };
    facts.catch(() => {
      if (this.kept?.facts === facts) this.kept = undefined;
    });
    return facts;
  }

  private async readAll(): Promise<EntityReadinessFacts[]> {
    const baseUrl = await this.options.discovery.getBaseUrl('ops');
    const items: EntityReadinessFacts[] = [];
    let cursor: string | undefined;
    do {
      const query = new URLSearchParams({
        limit: String(READINESS_FACTS_MAX_LIMIT),
      });
      if (cursor) query.set('cursor', cursor);
      const page = await this.page(`${baseUrl}/readiness/facts?${query}`);
      items.push(...page.items);
      cursor = page.nextCursor;
    } while (cursor);
    return items;
  }

  private async page(url: string) {
    const { auth } = this.options;
    for (let attempt = 1; ; attempt++) {
      try {
        const { token } = await auth.getPluginRequestToken({
          onBehalfOf: await auth.getOwnServiceCredentials(),
          targetPluginId: 'ops',
        });
        const response = await fetch(url, {
          headers: { Authorization: `Bearer ${token}` },
        });
        if (!response.ok) throw await ResponseError.fromResponse(response);
        const parsed = readinessFactsResponseSchema.safeParse(
          await response.json(),
        );
        if (!parsed.success) {
          throw new Error(
            `Unexpected answer from ${url}: ${parsed.error.message}`,
          );
        }
        return parsed.data;
      } catch (error) {
        // Only an ops backend that is not answering yet is worth waiting
        // for; a refusal or a bad answer will not change by itself.
        const status = (error as ResponseError).response?.status;
        const transient = status === undefined || status >= 500;
        if (!transient || attempt >= ATTEMPTS) throw error;
        this.options.logger.warn(
          `ops readiness facts: attempt ${attempt} failed (${
            (error as Error).message
          }), trying again`,
        );
        await new Promise(resolve =>
          setTimeout(resolve, (this.options.retryDelayMs ?? 5_000) * attempt),
        );
      }
    }
  }
}
