import { createHash } from 'node:crypto';
import {
  AuthService,
  BackstageCredentials,
  CacheService,
  LoggerService,
} from '@backstage/backend-plugin-api';
import {
  DEFAULT_NAMESPACE,
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { InputError, NotFoundError } from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_ALARM_PREFIX,
  ANNOTATION_CLOUDWATCH_REGION,
  ANNOTATION_RUNBOOKS,
  ANNOTATION_TECHDOCS_RUNBOOKS,
  compareAlarms,
  EntityRunbooks,
  Freshness,
  isRunbookStale,
  linkAlarmsToRunbooks,
  resolveSeverity,
  RunbookCoverageReport,
  RunbookCoverageService,
  RunbookCoverageTeam,
  RunbookDocument,
  RunbookListItem,
  RunbookProblem,
  RunbookSearchDocument,
  RunbookSearchPage,
  runbookUrlsInText,
  RunbookSummary,
  RUNBOOK_ANNOTATIONS,
  splitAnnotation,
  StoredAlarm,
} from '@opsportal/plugin-ops-common';
import {
  Alarm,
  AlarmsProvider,
  mapWithConcurrency,
} from '@opsportal/plugin-ops-node';
import { readAlarmTags } from '../lib/alarmTags';
import { Clock, systemClock } from '../lib/clock';
import { ALL_KEYS, RefreshShard, inShard } from '../lib/shards';
import { SingleFlight } from '../lib/singleFlight';
import { SnapshotStore, StoredSnapshot } from '../snapshots/SnapshotStore';
import { RunbooksConfig } from './config';
import {
  ANNOTATION_TECHDOCS_REF,
  RunbookBody,
  RunbookCollector,
} from './RunbookCollector';
import { anyAnnotationFilter } from '../lib/catalogFilters';

/** Snapshot kinds of this feature. */
const RUNBOOKS_KIND = 'runbooks.entity';
const RUNBOOK_DOC_KIND = 'runbooks.doc';
export const ALARMS_KIND = 'runbooks.alarms';

/** What a runbooks refresh stores per entity. */
export interface RunbooksSnapshot {
  /** Fingerprint of the entity's runbook sources; a change triggers a re-read. */
  sources: string;
  entityTitle?: string;
  owner?: string;
  runbooks: RunbookSummary[];
  problems: RunbookProblem[];
}

/** What an alarms refresh stores per entity. */
export interface AlarmsSnapshot {
  /** The prefixes the alarms were listed with; a change triggers a re-read. */
  prefixes: string[];
  alarms: StoredAlarm[];
}

export interface RunbooksServiceOptions {
  catalog: CatalogService;
  auth: AuthService;
  snapshots: SnapshotStore;
  collector: RunbookCollector;
  alarms?: AlarmsProvider;
  config: RunbooksConfig;
  logger: LoggerService;
  clock?: Clock;
  /** Where alarm tags are kept between refreshes and replicas. */
  tagCache?: CacheService;
}

/** Entities that have at least one runbook or alarm source. */
const SOURCE_FILTERS: Record<string, string | symbol>[] = [
  ...anyAnnotationFilter(RUNBOOK_ANNOTATIONS),
  { 'metadata.links.type': 'runbook' },
];

const SEARCH_PAGE_ENTITIES = 50;
const REFRESH_CONCURRENCY = 4;

function sha(text: string): string {
  return createHash('sha256').update(text).digest('hex').slice(0, 24);
}

function docKey(entityRef: string, id: string): string {
  const key = `${entityRef}#${id}`;
  return key.length <= 255 ? key : `sha256:${sha(key)}`;
}

function sourcesOf(entity: Entity): string {
  const annotations = entity.metadata.annotations ?? {};
  return sha(
    JSON.stringify([
      annotations[ANNOTATION_RUNBOOKS] ?? null,
      annotations[ANNOTATION_TECHDOCS_REF] ?? null,
      annotations[ANNOTATION_TECHDOCS_RUNBOOKS] ?? null,
      (entity.metadata.links ?? []).filter(
        l => l.type?.toLowerCase() === 'runbook',
      ),
      entity.metadata.title ?? null,
      (entity.spec as { owner?: unknown })?.owner ?? null,
    ]),
  );
}

function prefixesOf(entity: Entity): string[] {
  return splitAnnotation(
    entity.metadata.annotations?.[ANNOTATION_ALARM_PREFIX],
  );
}

function regionOf(entity: Entity): string | undefined {
  return entity.metadata.annotations?.[ANNOTATION_CLOUDWATCH_REGION];
}

function freshnessOf(snapshot: StoredSnapshot<unknown> | undefined): Freshness {
  if (!snapshot) return { stale: false };
  return {
    fetchedAt: snapshot.fetchedAt,
    stale: snapshot.stale,
    ...(snapshot.error ? { error: snapshot.error } : {}),
  };
}

function describeError(error: unknown): string {
  const e = error as Error;
  const name = e?.name && e.name !== 'Error' ? `${e.name}: ` : '';
  return `${name}${e?.message ?? String(error)}`;
}

/**
 * Runbooks and alarms of catalog entities. Refresh tasks read runbooks (from
 * repositories, links and TechDocs) and alarms (from the alarms provider)
 * into snapshots; page views answer from the snapshots, reading on demand
 * only for an entity that has none yet or whose sources changed. Alarms are
 * linked to runbooks at read time, so a new runbook covers its alarms as
 * soon as it is read.
 */
export class RunbooksService {
  private readonly catalog: CatalogService;
  private readonly auth: AuthService;
  private readonly snapshots: SnapshotStore;
  private readonly collector: RunbookCollector;
  private readonly alarms?: AlarmsProvider;
  private readonly config: RunbooksConfig;
  private readonly logger: LoggerService;
  private readonly clock: Clock;
  private readonly flights = new SingleFlight<void>();
  private readonly tagCache?: CacheService;

  constructor(options: RunbooksServiceOptions) {
    this.catalog = options.catalog;
    this.auth = options.auth;
    this.snapshots = options.snapshots;
    this.collector = options.collector;
    this.alarms = options.alarms;
    this.config = options.config;
    this.logger = options.logger;
    this.clock = options.clock ?? systemClock;
    this.tagCache = options.tagCache;
  }

  /**
   * Reads the runbooks of every entity of one shard (all by default) again;
   * removes the snapshots of the shard's entities that are gone, and of
   * documents no entity lists any more.
   */
  async refreshRunbooks(
    shard: RefreshShard = ALL_KEYS,
  ): Promise<{ entities: number; runbooks: number }> {
    const all = await this.entitiesWithSources();
    const allKeys = all.map(e => stringifyEntityRef(e));
    const entities = all.filter((_e, i) => inShard(allKeys[i], shard));
    let runbooks = 0;
    await mapWithConcurrency(entities, REFRESH_CONCURRENCY, async entity => {
      const count = await this.refreshEntityRunbooks(entity);
      runbooks += count;
    });
    const keys = entities.map(e => stringifyEntityRef(e));
    await this.snapshots.retain(RUNBOOKS_KIND, keys, k => inShard(k, shard));
    // Documents are kept while any current entity lists them; a shard
    // removes those of its own entities (and shard 1 the few whose key is
    // a hash, which names no entity).
    const current = await this.snapshots.getMany<RunbooksSnapshot>(
      RUNBOOKS_KIND,
      shard.count > 1 ? allKeys : keys,
    );
    const docKeys: string[] = [];
    for (const [key, snapshot] of current) {
      for (const runbook of snapshot.data?.runbooks ?? []) {
        if (runbook.source === 'markdown')
          docKeys.push(docKey(key, runbook.id));
      }
    }
    await this.snapshots.retain(RUNBOOK_DOC_KIND, docKeys, key =>
      key.startsWith('sha256:')
        ? shard.index === 0
        : inShard(key.slice(0, key.indexOf('#')), shard),
    );
    return { entities: entities.length, runbooks };
  }

  /**
   * Reads the alarms of the given entities (all entities with an alarm
   * prefix by default). Per region, one DescribeAlarms per prefix, or one
   * scan of all alarms when there are more prefixes than the configured
   * threshold; tags only for the alarms that belong to an entity.
   */
  async refreshAlarms(
    only?: Entity[],
    shard: RefreshShard = ALL_KEYS,
  ): Promise<{ alarms: number }> {
    const provider = this.alarms;
    if (!provider) return { alarms: 0 };
    const entities = (only ?? (await this.entitiesWithSources())).filter(
      e => prefixesOf(e).length > 0 && inShard(stringifyEntityRef(e), shard),
    );
    const byRegion = new Map<string, Entity[]>();
    for (const entity of entities) {
      const region = regionOf(entity) ?? '';
      byRegion.set(region, [...(byRegion.get(region) ?? []), entity]);
    }
    let count = 0;
    for (const [regionKey, group] of byRegion) {
      const region = regionKey || undefined;
      const keys = group.map(e => stringifyEntityRef(e));
      try {
        const prefixes = [...new Set(group.flatMap(prefixesOf))];
        const listed =
          prefixes.length > this.config.alarmScanThreshold
            ? await provider.listAlarms({ region })
            : await provider.listAlarms({ namePrefixes: prefixes, region });
        const perEntity = group.map(entity => {
          const own = prefixesOf(entity);
          return {
            entity,
            alarms: listed.filter(a => own.some(p => a.name.startsWith(p))),
          };
        });
        const tags = await this.tagsOf(
          provider,
          perEntity.flatMap(p => p.alarms),
          region,
        );
        for (const { entity, alarms } of perEntity) {
          const data: AlarmsSnapshot = {
            prefixes: prefixesOf(entity),
            alarms: alarms.map(a => this.toStoredAlarm(a, tags, region)),
          };
          count += data.alarms.length;
          await this.snapshots.put(
            ALARMS_KIND,
            stringifyEntityRef(entity),
            data,
          );
        }
      } catch (error) {
        const message = describeError(error);
        this.logger.warn(
          `Could not list alarms in ${
            region ?? 'the default region'
          }: ${message}`,
        );
        for (const key of keys) {
          await this.snapshots.markFailed(ALARMS_KIND, key, message);
        }
      }
    }
    if (!only) {
      await this.snapshots.retain(
        ALARMS_KIND,
        entities.map(e => stringifyEntityRef(e)),
        key => inShard(key, shard),
      );
    }
    return { alarms: count };
  }

  /**
   * The runbooks last read for these entities (from the snapshots; nothing
   * is read on demand), for features that link alarms to runbooks the way
   * this one does (`linkAlarmsToRunbooks`). Entities not read yet are absent.
   */
  async runbookSummaries(
    entityRefs: string[],
  ): Promise<Map<string, RunbookSummary[]>> {
    const stored = await this.snapshots.getMany<RunbooksSnapshot>(
      RUNBOOKS_KIND,
      entityRefs,
    );
    const result = new Map<string, RunbookSummary[]>();
    for (const [key, snapshot] of stored) {
      if (snapshot.data) result.set(key, snapshot.data.runbooks);
    }
    return result;
  }

  /** The entity's runbooks and alarms, linked, for the card and the tab. */
  async getEntityRunbooks(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<EntityRunbooks> {
    const entity = await this.loadEntity(entityRef, credentials);
    const key = stringifyEntityRef(entity);
    const [runbooks, alarms] = await Promise.all([
      this.currentRunbooks(entity),
      this.currentAlarms(entity),
    ]);
    return this.compose(entity, key, runbooks, alarms);
  }

  /** One markdown runbook, rendered, with the alarms it covers. */
  async getDocument(
    entityRef: string,
    id: string,
    credentials: BackstageCredentials,
  ): Promise<RunbookDocument> {
    const view = await this.getEntityRunbooks(entityRef, credentials);
    const runbook = view.runbooks.find(r => r.id === id);
    if (!runbook) {
      throw new NotFoundError(`${view.entityRef} has no runbook "${id}"`);
    }
    if (runbook.source !== 'markdown') {
      throw new NotFoundError(
        `"${runbook.title}" is not a markdown runbook; it lives at ${runbook.url}`,
      );
    }
    const key = docKey(view.entityRef, id);
    let body = await this.snapshots.get<RunbookBody>(RUNBOOK_DOC_KIND, key);
    if (!body?.data) {
      const entity = await this.loadEntity(entityRef, credentials);
      await this.flights.do(`runbooks:${view.entityRef}`, async () => {
        await this.refreshEntityRunbooks(entity, { force: true });
      });
      body = await this.snapshots.get<RunbookBody>(RUNBOOK_DOC_KIND, key);
    }
    if (!body?.data) {
      throw new NotFoundError(`The body of runbook "${id}" is not available`);
    }
    return {
      entityRef: view.entityRef,
      runbook,
      toc: body.data.toc,
      blocks: body.data.blocks,
      alarms: view.alarms.filter(a =>
        a.runbooks.some(link => link.runbookId === id),
      ),
      freshness: view.freshness.runbooks,
    };
  }

  /** Runbook coverage of every component the caller may see, per service and team. */
  async getCoverage(
    credentials: BackstageCredentials,
  ): Promise<RunbookCoverageReport> {
    const { items } = await this.catalog.getEntities(
      {
        filter: [{ kind: 'component' }, ...SOURCE_FILTERS],
        fields: ['kind', 'metadata', 'spec.owner'],
      },
      { credentials },
    );
    const keys = items.map(e => stringifyEntityRef(e));
    const [runbooks, alarms] = await Promise.all([
      this.snapshots.getMany<RunbooksSnapshot>(RUNBOOKS_KIND, keys),
      this.snapshots.getMany<AlarmsSnapshot>(ALARMS_KIND, keys),
    ]);
    const services: RunbookCoverageService[] = items.map((entity, i) => {
      const view = this.compose(
        entity,
        keys[i],
        runbooks.get(keys[i]),
        alarms.get(keys[i]),
      );
      const owner = (entity.spec as { owner?: unknown })?.owner;
      return {
        entityRef: keys[i],
        title: entity.metadata.title ?? entity.metadata.name,
        ...(typeof owner === 'string' ? { owner } : {}),
        runbooks: view.counts.runbooks,
        staleRunbooks: view.runbooks
          .filter(r => r.stale)
          .map(r => ({ id: r.id, title: r.title, lastUpdated: r.lastUpdated })),
        alarms: view.counts.alarms,
        alarmsFiring: view.counts.alarmsFiring,
        alarmsWithoutRunbook: view.alarms
          .filter(a => a.runbooks.length === 0)
          .map(a => ({ name: a.name, severity: a.severity, state: a.state })),
        problems: view.problems.length,
        noRunbookSource:
          !view.setup.markdown && !view.setup.links && !view.setup.techdocs,
        freshness: view.freshness.runbooks.error
          ? view.freshness.runbooks
          : view.freshness.alarms,
      };
    });
    services.sort(
      (a, b) =>
        b.alarmsWithoutRunbook.length - a.alarmsWithoutRunbook.length ||
        a.title.localeCompare(b.title),
    );

    const teams = new Map<string, RunbookCoverageTeam>();
    for (const service of services) {
      const owner = service.owner ?? 'unowned';
      const team = teams.get(owner) ?? {
        owner,
        services: 0,
        runbooks: 0,
        staleRunbooks: 0,
        alarms: 0,
        alarmsWithoutRunbook: 0,
        servicesWithoutRunbooks: 0,
      };
      team.services += 1;
      team.runbooks += service.runbooks;
      team.staleRunbooks += service.staleRunbooks.length;
      team.alarms += service.alarms;
      team.alarmsWithoutRunbook += service.alarmsWithoutRunbook.length;
      if (service.runbooks === 0) team.servicesWithoutRunbooks += 1;
      teams.set(owner, team);
    }
    const teamList = [...teams.values()].sort((a, b) =>
      a.owner.localeCompare(b.owner),
    );
    const sum = (pick: (t: RunbookCoverageTeam) => number) =>
      teamList.reduce((n, t) => n + pick(t), 0);
    return {
      staleAfterDays: this.config.staleAfterDays,
      totals: {
        services: sum(t => t.services),
        runbooks: sum(t => t.runbooks),
        staleRunbooks: sum(t => t.staleRunbooks),
        alarms: sum(t => t.alarms),
        alarmsWithoutRunbook: sum(t => t.alarmsWithoutRunbook),
        servicesWithoutRunbooks: sum(t => t.servicesWithoutRunbooks),
      },
      teams: teamList,
      services,
    };
  }

  /**
   * Runbooks as search documents, a page of entities at a time (for the
   * search collator). Markdown runbooks carry their text; links their title.
   * TechDocs pages are left to TechDocs' own collator.
   */
  async searchDocuments(cursor?: string): Promise<RunbookSearchPage> {
    const all = await this.snapshots.list<RunbooksSnapshot>(RUNBOOKS_KIND);
    const start = cursor ? all.findIndex(s => s.key > cursor) : 0;
    const page =
      start < 0 ? [] : all.slice(start, start + SEARCH_PAGE_ENTITIES);
    const wanted: string[] = [];
    for (const snapshot of page) {
      for (const runbook of snapshot.data?.runbooks ?? []) {
        if (runbook.source === 'markdown') {
          wanted.push(docKey(snapshot.key, runbook.id));
        }
      }
    }
    const bodies = await this.snapshots.getMany<RunbookBody>(
      RUNBOOK_DOC_KIND,
      wanted,
    );
    const documents: RunbookSearchDocument[] = [];
    for (const snapshot of page) {
      const data = snapshot.data;
      if (!data) continue;
      for (const runbook of data.runbooks) {
        if (runbook.source === 'techdocs') continue;
        const body = bodies.get(docKey(snapshot.key, runbook.id))?.data;
        documents.push({
          title: runbook.title,
          text:
            body?.text ??
            [runbook.title, ...runbook.alarms, ...runbook.tags].join(' '),
          location:
            runbook.source === 'link'
              ? runbook.url!
              : runbookPath(snapshot.key, runbook.id),
          entityRef: snapshot.key,
          ...(data.entityTitle ? { entityTitle: data.entityTitle } : {}),
          ...(runbook.owner ? { owner: runbook.owner } : {}),
          alarms: runbook.alarms,
          source: runbook.source,
          ...(runbook.lastUpdated ? { lastUpdated: runbook.lastUpdated } : {}),
        });
      }
    }
    const more = start >= 0 && start + SEARCH_PAGE_ENTITIES < all.length;
    return {
      documents,
      ...(more ? { nextCursor: page[page.length - 1].key } : {}),
    };
  }

  private async loadEntity(
    entityRef: string,
    credentials: BackstageCredentials,
  ): Promise<Entity> {
    let ref;
    try {
      ref = parseEntityRef(entityRef, {
        defaultKind: 'component',
        defaultNamespace: DEFAULT_NAMESPACE,
      });
    } catch (error) {
      throw new InputError(
        `entityRef is not an entity reference: ${(error as Error).message}`,
      );
    }
    const entity = await this.catalog.getEntityByRef(ref, { credentials });
    if (!entity) {
      throw new NotFoundError(`No entity ${stringifyEntityRef(ref)}`);
    }
    return entity;
  }

  private async entitiesWithSources(): Promise<Entity[]> {
    const credentials = await this.auth.getOwnServiceCredentials();
    const { items } = await this.catalog.getEntities(
      { filter: SOURCE_FILTERS },
      { credentials },
    );
    return items;
  }

  private async currentRunbooks(entity: Entity) {
    const key = stringifyEntityRef(entity);
    const snapshot = await this.snapshots.get<RunbooksSnapshot>(
      RUNBOOKS_KIND,
      key,
    );
    const upToDate =
      snapshot &&
      (snapshot.data?.sources === sourcesOf(entity) || !snapshot.data);
    if (snapshot && upToDate) return snapshot;
    await this.flights.do(`runbooks:${key}`, async () => {
      await this.refreshEntityRunbooks(entity);
    });
    return this.snapshots.get<RunbooksSnapshot>(RUNBOOKS_KIND, key);
  }

  private async currentAlarms(entity: Entity) {
    const key = stringifyEntityRef(entity);
    const prefixes = prefixesOf(entity);
    if (prefixes.length === 0 || !this.alarms) return undefined;
    const snapshot = await this.snapshots.get<AlarmsSnapshot>(ALARMS_KIND, key);
    const upToDate =
      snapshot &&
      (!snapshot.data ||
        JSON.stringify(snapshot.data.prefixes) === JSON.stringify(prefixes));
    if (snapshot && upToDate) return snapshot;
    await this.flights.do(`alarms:${key}`, async () => {
      await this.refreshAlarms([entity]);
    });
    return this.snapshots.get<AlarmsSnapshot>(ALARMS_KIND, key);
  }

  /** Reads one entity's runbooks into its snapshot; answers how many it has. */
  private async refreshEntityRunbooks(
    entity: Entity,
    options: { force?: boolean } = {},
  ): Promise<number> {
    const key = stringifyEntityRef(entity);
    try {
      const previous = await this.snapshots.get<RunbooksSnapshot>(
        RUNBOOKS_KIND,
        key,
      );
      const collected = await this.collector.collect(
        entity,
        previous?.data
          ? { runbooks: previous.data.runbooks, fetchedAt: previous.fetchedAt }
          : undefined,
      );
      const known = new Map(
        (previous?.data?.runbooks ?? []).map(r => [r.id, r.contentHash]),
      );
      for (const runbook of collected.runbooks) {
        const body = collected.bodies.get(runbook.id);
        if (!body) continue;
        if (!options.force && known.get(runbook.id) === runbook.contentHash) {
          continue;
        }
        await this.snapshots.put(
          RUNBOOK_DOC_KIND,
          docKey(key, runbook.id),
          body,
        );
      }
      const owner = (entity.spec as { owner?: unknown })?.owner;
      const data: RunbooksSnapshot = {
        sources: sourcesOf(entity),
        entityTitle: entity.metadata.title ?? entity.metadata.name,
        ...(typeof owner === 'string' ? { owner } : {}),
        runbooks: collected.runbooks,
        problems: collected.problems,
      };
      await this.snapshots.put(RUNBOOKS_KIND, key, data);
      return collected.runbooks.length;
    } catch (error) {
      const message = describeError(error);
      this.logger.warn(`Could not read the runbooks of ${key}: ${message}`);
      await this.snapshots.markFailed(RUNBOOKS_KIND, key, message);
      return 0;
    }
  }

  private tagsOf(
    provider: AlarmsProvider,
    alarms: Alarm[],
    region: string | undefined,
  ): Promise<Map<string, Record<string, string>>> {
    return readAlarmTags({
      provider,
      alarms,
      region,
      severityTag: this.config.severityTag,
      cache: this.tagCache,
      ttlMinutes: this.config.alarmTagsCacheMinutes,
      logger: this.logger,
    });
  }

  private toStoredAlarm(
    alarm: Alarm,
    tags: Map<string, Record<string, string>>,
    region: string | undefined,
  ): StoredAlarm {
    const alarmTags =
      alarm.tags ?? (alarm.arn ? tags.get(alarm.arn) : undefined);
    const tagValue = this.config.severityTag
      ? alarmTags?.[this.config.severityTag]
      : undefined;
    const { severity, source } = resolveSeverity(alarm.name, tagValue, {
      rules: this.config.severityRules,
      defaultSeverity: this.config.defaultSeverity,
    });
    return {
      name: alarm.name,
      ...(region ? { region } : {}),
      state: alarm.state,
      ...(alarm.stateReason ? { stateReason: alarm.stateReason } : {}),
      ...(alarm.stateUpdatedAt ? { since: alarm.stateUpdatedAt } : {}),
      ...(alarm.description ? { description: alarm.description } : {}),
      severity,
      severitySource: source,
      ...(alarm.metric
        ? { metric: `${alarm.metric.namespace} ${alarm.metric.metricName}` }
        : {}),
      runbookUrls: runbookUrlsInText(alarm.description),
    };
  }

  private compose(
    entity: Entity,
    key: string,
    runbooksSnapshot: StoredSnapshot<RunbooksSnapshot> | undefined,
    alarmsSnapshot: StoredSnapshot<AlarmsSnapshot> | undefined,
  ): EntityRunbooks {
    const now = this.clock.now();
    const summaries = runbooksSnapshot?.data?.runbooks ?? [];
    const runbooks: RunbookListItem[] = summaries.map(r => ({
      ...r,
      stale: isRunbookStale(r, now, this.config.staleAfterDays),
    }));
    const prefixes = prefixesOf(entity);
    const alarms = linkAlarmsToRunbooks(
      alarmsSnapshot?.data?.alarms ?? [],
      summaries,
      prefixes,
    ).sort(compareAlarms);
    const annotations = entity.metadata.annotations ?? {};
    return {
      entityRef: key,
      runbooks,
      problems: runbooksSnapshot?.data?.problems ?? [],
      alarms,
      counts: {
        runbooks: runbooks.length,
        staleRunbooks: runbooks.filter(r => r.stale).length,
        alarms: alarms.length,
        alarmsFiring: alarms.filter(a => a.state === 'ALARM').length,
        alarmsWithoutRunbook: alarms.filter(a => a.runbooks.length === 0)
          .length,
      },
      setup: {
        markdown: Boolean(annotations[ANNOTATION_RUNBOOKS]),
        links: (entity.metadata.links ?? []).some(
          l => l.type?.toLowerCase() === 'runbook',
        ),
        techdocs: Boolean(annotations[ANNOTATION_TECHDOCS_REF]),
        alarms: prefixes.length > 0,
      },
      staleAfterDays: this.config.staleAfterDays,
      freshness: {
        runbooks: freshnessOf(runbooksSnapshot),
        alarms: freshnessOf(alarmsSnapshot),
      },
    };
  }
}

/** Portal path of a markdown runbook in the entity's Runbooks tab. */
function runbookPath(entityRef: string, id: string): string {
  const ref = parseEntityRef(entityRef);
  return `/catalog/${ref.namespace}/${ref.kind.toLowerCase()}/${
    ref.name
  }/runbooks?runbook=${encodeURIComponent(id)}`;
}
