import {
  BackstageCredentials,
  BackstageUserPrincipal,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  ANNOTATION_PAGERDUTY_USER_ID,
  EntityOnCall,
  Freshness,
  HomeApproval,
  HomeApprovalsResponse,
  HomeIncident,
  HomeIncidentReason,
  HomeIncidentsResponse,
  HomeShift,
  HomeShiftLevel,
  HomeShiftsResponse,
  HomeSloStatusResponse,
  listChangeRequestsQuerySchema,
  RefreshHealth,
  summarizeHomeSlos,
} from '@opsportal/plugin-ops-common';
import { ChangeRequestService } from '../changes/ChangeRequestService';
import { Clock, systemClock } from '../lib/clock';
import { IncidentsService } from '../incidents';
import { OnCallService } from '../oncall';
import { message, NotReadYetError } from '../oncall/pagerDutyEntities';
import { ReviewsService } from '../reviews/ReviewsService';
import { SloService } from '../slo/SloService';

const DAY = 86_400_000;
/** Change requests awaiting approval that one call checks at most. */
const MAX_APPROVAL_CANDIDATES = 100;
/** Entities whose on-call views are read at once. */
const PARALLEL_VIEWS = 8;
/** Severities, most severe first. */
const SEVERITY_ORDER = ['P1', 'P2', 'P3', 'P4', 'P5'];

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

/** What the home cards are computed from: the other features' services. */
export interface HomeSources {
  catalog: CatalogService;
  oncall: Pick<OnCallService, 'getPlatformOnCall' | 'getEntityOnCall'>;
  changes: Pick<ChangeRequestService, 'list' | 'get'>;
  incidents: Pick<
    IncidentsService,
    'listAllIncidents' | 'freshnessOf' | 'getEntityIncidents'
  >;
  reviews: Pick<ReviewsService, 'report'>;
  slo: Pick<SloService, 'entitiesWithSlos' | 'listPlatform'>;
  /**
   * The refresh tasks' status (every replica's): whether the incidents
   * refresh has completed once since the backend started.
   */
  refreshes?: { health(): Promise<RefreshHealth[]> };
  clock?: Clock;
}

/** The signed-in user as the catalog knows them. */
interface Me {
  ref: string;
  email?: string;
  /** The groups the user is a member of (full, lower-case refs). */
  groups: Set<string>;
  /** PagerDuty user ids of the user (annotation, or learned by email). */
  pagerDutyIds: Set<string>;
}

type MatchedBy = HomeShiftsResponse['matchedBy'][number];

const lower = (s: string) => s.toLocaleLowerCase('en-US');

/** The oldest, worst freshness of several answers. */
function combine(all: Freshness[]): Freshness {
  const fetched = all
    .map(f => f.fetchedAt)
    .filter((f): f is string => Boolean(f))
    .sort();
  const error = all.find(f => f.error)?.error;
  return {
    ...(fetched[0] && { fetchedAt: fetched[0] }),
    stale: all.some(f => f.stale),
    ...(error && { error }),
  };
}

async function inBatches<T, R>(
  items: T[],
  size: number,
  fn: (item: T) => Promise<R>,
): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) {
    out.push(...(await Promise.all(items.slice(i, i + size).map(fn))));
  }
  return out;
}

/**
 * The home page cards of the signed-in user: their on-call shifts, the
 * change requests they may approve, their open incidents and overdue
 * reviews, and the platform's SLO status. Everything is read through the
 * other features' services with the user's credentials, so a card shows
 * only what the user may see elsewhere in the portal.
 */
export class HomeService {
  private readonly clock: Clock;

  constructor(private readonly sources: HomeSources) {
    this.clock = sources.clock ?? systemClock;
  }

  /** The user entity: its email and groups (`memberOf`). */
  private async me(credentials: UserCredentials): Promise<Me> {
    const ref = lower(credentials.principal.userEntityRef);
    const entity = await this.sources.catalog.getEntityByRef(ref, {
      credentials,
    });
    const groups = new Set<string>();
    for (const r of entity?.relations ?? []) {
      if (r.type === 'memberOf') groups.add(lower(r.targetRef));
    }
    const memberOf = (entity?.spec as { memberOf?: unknown })?.memberOf;
    if (Array.isArray(memberOf)) {
      for (const g of memberOf) {
        if (typeof g !== 'string') continue;
        try {
          groups.add(
            lower(
              stringifyEntityRef(
                parseEntityRef(g, {
                  defaultKind: 'group',
                  defaultNamespace: entity!.metadata.namespace ?? 'default',
                }),
              ),
            ),
          );
        } catch {
          // Not a ref: the catalog's own processing reports it.
        }
      }
    }
    const email = (entity?.spec as { profile?: { email?: unknown } })?.profile
      ?.email;
    const annotated = entity?.metadata.annotations?.[
      ANNOTATION_PAGERDUTY_USER_ID
    ]?.split(',')
      .map(id => id.trim())
      .filter(Boolean);
    return {
      ref,
      email: typeof email === 'string' && email ? lower(email) : undefined,
      groups,
      pagerDutyIds: new Set(annotated ?? []),
    };
  }

  /**
   * How a PagerDuty person is the user: by their PagerDuty id (the User's
   * `pagerduty.com/user-id` annotation, or an id seen with the user's
   * email), by the catalog user the on-call feature linked by email, or by
   * the email itself. Schedules name people by id only.
   */
  private isMe(
    me: Me,
    person: { id: string; email?: string; userEntityRef?: string },
  ): MatchedBy | undefined {
    if (person.userEntityRef && lower(person.userEntityRef) === me.ref) {
      return 'catalog-user';
    }
    if (me.email && person.email && lower(person.email) === me.email) {
      return 'email';
    }
    if (me.pagerDutyIds.has(person.id)) return 'pagerduty-id';
    return undefined;
  }

  /** The user's on-call shifts from now to `days` ahead. */
  async shifts(
    credentials: UserCredentials,
    days: number,
  ): Promise<HomeShiftsResponse> {
    const me = await this.me(credentials);
    const now = this.clock.now().getTime();
    const until = now + days * DAY;
    const { rows: platform } = await this.sources.oncall.getPlatformOnCall(
      credentials,
    );
    // The user's own teams even before a refresh has read them: their views
    // are then read at once (as when someone opens the team's page).
    const rows: { entityRef: string; title: string; kind: string }[] = [
      ...platform,
    ];
    const missing = [...me.groups].filter(
      g => !platform.some(r => lower(r.entityRef) === g),
    );
    if (missing.length > 0) {
      const { items } = await this.sources.catalog.getEntitiesByRefs(
        {
          entityRefs: missing,
          fields: [
            'kind',
            'metadata.name',
            'metadata.namespace',
            'metadata.title',
            'metadata.annotations',
            'spec.profile.displayName',
          ],
        },
        { credentials },
      );
      items.forEach((entity, i) => {
        if (!entity) return;
        const annotations = entity.metadata.annotations ?? {};
        if (!Object.keys(annotations).some(k => k.startsWith('pagerduty.com/')))
          return;
        const profile = (entity.spec as { profile?: { displayName?: unknown } })
          ?.profile;
        rows.push({
          entityRef: missing[i],
          kind: lower(entity.kind),
          title:
            (typeof profile?.displayName === 'string' && profile.displayName) ||
            entity.metadata.title ||
            entity.metadata.name,
        });
      });
    }
    const views = (
      await inBatches(rows, PARALLEL_VIEWS, async row => {
        const answer = await this.sources.oncall
          .getEntityOnCall(row.entityRef, credentials)
          .catch(() => undefined);
        return answer && { row, answer };
      })
    ).filter(<T>(v: T | undefined): v is T => v !== undefined);

    // Which levels of which policies page a schedule or a person directly.
    const levelsOf = new Map<string, Map<string, HomeShiftLevel>>();
    const addLevel = (target: string, level: HomeShiftLevel) => {
      const known = levelsOf.get(target) ?? new Map();
      known.set(`${level.policyId}/${level.level}`, level);
      levelsOf.set(target, known);
    };
    const policiesOf = (data: EntityOnCall) => [
      ...data.services.flatMap(s =>
        s.escalationPolicy ? [s.escalationPolicy] : [],
      ),
      ...data.escalationPolicies,
    ];
    for (const { answer } of views) {
      for (const policy of policiesOf(answer.data)) {
        for (const level of policy.levels) {
          for (const t of level.targets) {
            addLevel(`${t.type}:${t.id}`, {
              policyId: policy.id,
              policyName: policy.name,
              level: level.level,
              label: level.label,
            });
          }
        }
      }
    }

    // Ids of people seen with the user's email (who is on call now comes
    // with emails; schedules do not): the user's shifts on any schedule.
    for (const { answer } of views) {
      for (const policy of policiesOf(answer.data)) {
        for (const level of policy.levels) {
          for (const a of level.onCall) {
            const how = this.isMe(me, a.person);
            if (how === 'catalog-user' || how === 'email') {
              me.pagerDutyIds.add(a.person.id);
            }
          }
        }
      }
    }
    const matchedBy = new Set<MatchedBy>();
    const shifts = new Map<string, HomeShift>();
    const add = (
      key: string,
      shift: Omit<HomeShift, 'entities' | 'levels'>,
      levelKey: string,
      entity: { entityRef: string; title: string; kind: string },
    ) => {
      const known =
        shifts.get(key) ??
        ({
          ...shift,
          entities: [],
          levels: [...(levelsOf.get(levelKey)?.values() ?? [])].sort(
            (a, b) =>
              a.level - b.level || a.policyName.localeCompare(b.policyName),
          ),
        } as HomeShift);
      if (!known.entities.some(e => e.entityRef === entity.entityRef)) {
        known.entities.push(entity);
      }
      shifts.set(key, known);
    };
    const freshness: Freshness[] = [];
    for (const { row, answer } of views) {
      const entity = {
        entityRef: row.entityRef,
        title: row.title,
        kind: row.kind,
      };
      let mine = false;
      // The coming weeks: the rotations the entity's view renders.
      for (const rotation of answer.data.rotations) {
        for (const s of rotation.shifts) {
          const start = Date.parse(s.start);
          const end = Date.parse(s.end);
          if (end <= now || start >= until) continue;
          const how = this.isMe(me, s.person);
          if (!how) continue;
          matchedBy.add(how);
          mine = true;
          add(
            `${rotation.id}|${s.start}|${s.end}`,
            {
              schedule: {
                id: rotation.id,
                name: rotation.name,
                htmlUrl: rotation.htmlUrl,
              },
              start: s.start,
              end: s.end,
              override: s.override,
              now: start <= now && now < end,
            },
            `schedule:${rotation.id}`,
            entity,
          );
        }
      }
      // Now: who the escalation levels page (services name no rotation).
      for (const policy of policiesOf(answer.data)) {
        for (const level of policy.levels) {
          for (const a of level.onCall) {
            const how = this.isMe(me, a.person);
            if (!how) continue;
            matchedBy.add(how);
            mine = true;
            if (a.schedule) {
              add(
                `${a.schedule.id}|${a.start}|${a.end}`,
                {
                  schedule: a.schedule,
                  start: a.start,
                  end: a.end,
                  override: a.override,
                  now: true,
                },
                `schedule:${a.schedule.id}`,
                entity,
              );
            } else {
              add(
                `user:${a.person.id}`,
                { override: false, now: true },
                `user:${a.person.id}`,
                entity,
              );
            }
          }
        }
      }
      if (mine) freshness.push(answer);
    }
    const sorted = [...shifts.values()].sort(
      (a, b) =>
        Number(b.now) - Number(a.now) ||
        (a.start ?? '').localeCompare(b.start ?? '') ||
        (a.schedule?.name ?? '').localeCompare(b.schedule?.name ?? ''),
    );
    for (const s of sorted) {
      s.entities.sort((a, b) => a.title.localeCompare(b.title));
    }
    return {
      userEntityRef: me.ref,
      matchedBy: [...matchedBy].sort(),
      since: new Date(now).toISOString(),
      until: new Date(until).toISOString(),
      shifts: sorted,
      ...combine(freshness.length ? freshness : views.map(v => v.answer)),
    };
  }

  /** Change requests awaiting approval that the user may approve now. */
  async approvals(
    credentials: UserCredentials,
  ): Promise<HomeApprovalsResponse> {
    const ctx = { credentials };
    const query = listChangeRequestsQuerySchema.parse({
      status: 'submitted',
      sort: 'plannedStart',
      order: 'asc',
      limit: MAX_APPROVAL_CANDIDATES,
    });
    const list = await this.sources.changes.list(query, ctx);
    const details = await inBatches(list.items, PARALLEL_VIEWS, item =>
      this.sources.changes.get(item.id, ctx),
    );
    const items: HomeApproval[] = details
      .filter(d => d.actions.some(a => a.action === 'approve' && a.allowed))
      .map(({ change, approvals, requiredApprovals }) => ({
        id: change.id,
        title: change.title,
        category: change.category,
        risk: change.risk,
        requester: change.requester,
        entityRefs: change.entityRefs,
        plannedStart: change.plannedStart,
        plannedEnd: change.plannedEnd,
        submittedAt: change.submittedAt,
        approvals: approvals.length,
        requiredApprovals,
      }));
    return { items, truncated: Boolean(list.nextCursor) };
  }

  /**
   * Open incidents on entities the user can see that the user owns (or a
   * group of theirs does), their teams answer for, they are on call for
   * now, or that are assigned to them; and the overdue reviews they own.
   */
  async incidents(
    credentials: UserCredentials,
  ): Promise<HomeIncidentsResponse> {
    const me = await this.me(credentials);
    // What the user is on call for now; this also reads the on-call views
    // of their teams (a team's incidents are those of its services).
    const onCallNow = new Set<string>();
    const { shifts } = await this.shifts(credentials, 1);
    for (const s of shifts.filter(x => x.now)) {
      for (const e of s.entities) onCallNow.add(lower(e.entityRef));
    }
    // Until the incidents refresh has read every service once, the
    // snapshots may lack some of the user's: the answer says it is still
    // loading (the card then says so and asks again) rather than "none".
    // A first refresh that fails, or has not finished in three intervals
    // (stale), is an error to show, not a wait the card would poll forever.
    let loading = false;
    const problems: Freshness[] = [];
    for (const r of (await this.sources.refreshes?.health()) ?? []) {
      if (r.feature !== 'incidents' || r.lastSuccessAt) continue;
      if (r.status === 'never') loading = true;
      else {
        problems.push({
          stale: true,
          error: `Incidents could not be read yet: ${
            r.lastError ?? 'the first refresh has not finished'
          }`,
        });
      }
    }
    const all = await this.sources.incidents.listAllIncidents();
    // The user's own teams even before a refresh has read them: read at
    // once (as when someone opens the team's page).
    const read = new Set(all.flatMap(i => i.entityRefs.map(lower)));
    for (const group of me.groups) {
      if (read.has(group)) continue;
      let answer;
      try {
        answer = await this.sources.incidents.getEntityIncidents(
          group,
          credentials,
        );
      } catch (error) {
        if (error instanceof NotReadYetError) loading = true;
        else problems.push({ stale: false, error: message(error) });
      }
      for (const incident of answer?.data.incidents ?? []) {
        const known = all.find(i => i.incident.id === incident.id);
        if (known) known.entityRefs.push(group);
        else all.push({ incident, entityRefs: [group] });
      }
    }
    const open = all.filter(i => i.incident.status !== 'resolved');
    const refs = [...new Set(open.flatMap(i => i.entityRefs))];
    const { items } = refs.length
      ? await this.sources.catalog.getEntitiesByRefs(
          {
            entityRefs: refs,
            fields: [
              'kind',
              'metadata.name',
              'metadata.namespace',
              'spec.owner',
            ],
          },
          { credentials },
        )
      : { items: [] };
    const visible = new Map<string, Entity>();
    refs.forEach((ref, i) => {
      if (items[i]) visible.set(ref, items[i]!);
    });
    const owners = new Set([me.ref, ...me.groups]);
    const ownedBy = (entity: Entity) => {
      const owner = (entity.spec as { owner?: unknown })?.owner;
      if (typeof owner !== 'string') return false;
      try {
        return owners.has(
          lower(
            stringifyEntityRef(
              parseEntityRef(owner, {
                defaultKind: 'group',
                defaultNamespace: entity.metadata.namespace ?? 'default',
              }),
            ),
          ),
        );
      } catch {
        return false;
      }
    };

    const incidents: HomeIncident[] = [];
    for (const { incident, entityRefs } of open) {
      const seen = entityRefs.filter(r => visible.has(r));
      if (seen.length === 0) continue;
      const reasons = new Set<HomeIncidentReason>();
      if (incident.assignees.some(a => this.isMe(me, a))) {
        reasons.add('assigned');
      }
      for (const ref of seen) {
        if (ownedBy(visible.get(ref)!)) reasons.add('owned');
        if (me.groups.has(lower(ref))) reasons.add('team');
        if (onCallNow.has(lower(ref))) reasons.add('on-call');
      }
      if (reasons.size === 0) continue;
      incidents.push({
        id: incident.id,
        number: incident.number,
        title: incident.title,
        status: incident.status,
        severity: incident.severity,
        severityLabel: incident.severityLabel,
        serviceName: incident.serviceName,
        createdAt: incident.createdAt,
        htmlUrl: incident.htmlUrl,
        entityRefs: seen.sort(),
        reasons: [...reasons].sort(),
      });
    }
    const rank = (s: string) => {
      const i = SEVERITY_ORDER.indexOf(s);
      return i < 0 ? SEVERITY_ORDER.length : i;
    };
    incidents.sort(
      (a, b) =>
        rank(a.severity) - rank(b.severity) ||
        b.createdAt.localeCompare(a.createdAt),
    );

    const report = await this.sources.reviews.report({}, { credentials });
    const overdueReviews = report.open
      .filter(r => r.overdue && r.owner && lower(r.owner) === me.ref)
      .sort((a, b) => a.dueDate.localeCompare(b.dueDate))
      .map(r => ({
        id: r.id,
        title: r.subject.title,
        ...(r.subject.kind === 'incident'
          ? { incidentId: r.subject.incidentId }
          : { changeId: r.subject.changeId }),
        dueDate: r.dueDate,
        entityRefs: r.entityRefs,
      }));

    const freshness = await this.sources.incidents.freshnessOf(
      [...visible.keys()].filter(ref =>
        incidents.some(i => i.entityRefs.includes(ref)),
      ),
    );
    return {
      incidents,
      overdueReviews,
      loading,
      ...combine([...freshness.values(), ...problems]),
    };
  }

  /** SLO counts by state over the platform, and the worst few. */
  async sloStatus(
    credentials: UserCredentials,
    worst: number,
  ): Promise<HomeSloStatusResponse> {
    const entities = await this.sources.slo.entitiesWithSlos(credentials);
    const { platform, services } = await this.sources.slo.listPlatform(
      entities,
    );
    const rows = [...platform, ...services];
    return { ...summarizeHomeSlos(rows, worst), ...combine(rows) };
  }
}
