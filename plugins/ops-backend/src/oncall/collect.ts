import {
  EntityOnCall,
  escalationLevelLabel,
  OnCallAssignment,
  OnCallLevel,
  OnCallPerson,
  OnCallPolicyView,
  OnCallServiceView,
  PagerDutyIds,
  RotationShift,
  RotationView,
  TeamServiceView,
} from '@opsportal/plugin-ops-common';
import {
  EscalationPolicy,
  OnCallProvider,
  OnCallService,
  OnCallShift,
  OnCallUser,
  ScheduleEntry,
  ScheduleRendering,
  UpstreamPriority,
} from '@opsportal/plugin-ops-node';

/** A catalog entity that names PagerDuty ids. */
export interface OnCallTarget {
  entityRef: string;
  kind: string;
  title: string;
  /** Entity ref of the owner (for a team's services). */
  owner?: string;
  ids: PagerDutyIds;
}

/** What is stored per entity: the view plus what the platform page lists. */
export interface OnCallSnapshotData extends EntityOnCall {
  kind: string;
  title: string;
  /**
   * Schedules of the view whose rotation was not read yet (or failed): a
   * page view reads them on demand.
   */
  pendingSchedules?: string[];
}

/** A schedule rendered over a range, as kept between rotation refreshes. */
export interface StoredRendering extends ScheduleRendering {
  /** The range rendered (ISO). */
  since: string;
  until: string;
}

/**
 * The renderings of schedules a collection needs: what was kept, plus what
 * was fetched because it was due (or missing), and why some are absent.
 */
export interface RotationRenderings {
  renderings: Map<string, StoredRendering>;
  /** Why a schedule has no rendering, when it is not just unknown to PagerDuty. */
  problems: Map<string, string>;
  /** Schedules not read yet, or whose read failed with nothing kept. */
  pending: Set<string>;
}

/** Everything read from the provider for one collection. */
interface Upstream extends RotationRenderings {
  services: Map<string, OnCallService>;
  policies: Map<string, EscalationPolicy>;
  shifts: OnCallShift[];
}

const WEEK = 7 * 86_400_000;

function isTeam(target: OnCallTarget): boolean {
  return target.kind.toLocaleLowerCase('en-US') === 'group';
}

/**
 * The entities whose services belong to a team: those it owns, and those
 * whose PagerDuty services page through one of its escalation policies.
 */
function teamMembers(
  team: OnCallTarget,
  context: OnCallTarget[],
  services?: Map<string, OnCallService>,
): OnCallTarget[] {
  const policies = new Set(team.ids.escalationPolicyIds);
  return context.filter(
    t =>
      t.entityRef !== team.entityRef &&
      t.ids.serviceIds.length > 0 &&
      (t.owner === team.entityRef ||
        (services !== undefined &&
          t.ids.serviceIds.some(id => {
            const policy = services.get(id)?.escalationPolicyId;
            return policy !== undefined && policies.has(policy);
          }))),
  );
}

/**
 * Reads what `targets` need from the provider in as few requests as it
 * allows (all services, then all their policies, then on-calls for a
 * hundred policies per request alongside the schedules' renderings, which
 * `rotations` keeps and refreshes on its own, longer interval) and builds
 * each target's on-call view. `context` is every annotated entity of the
 * catalog, for teams' services.
 */
export async function collectOnCall(options: {
  provider: OnCallProvider;
  targets: OnCallTarget[];
  context: OnCallTarget[];
  /** Catalog users by lower-case email. */
  users: Map<string, string>;
  now: Date;
  rotationWeeks: number;
  /** Renderings of the given schedules: kept ones, and those fetched as due. */
  rotations: (scheduleIds: string[]) => Promise<RotationRenderings>;
  signal?: AbortSignal;
  priority?: UpstreamPriority;
}): Promise<Map<string, OnCallSnapshotData>> {
  const { provider, targets, context, now, signal, priority } = options;

  const serviceIds = new Set<string>();
  for (const t of targets) {
    t.ids.serviceIds.forEach(id => serviceIds.add(id));
    if (isTeam(t)) {
      // Which services page through the team's policies is only known once
      // every annotated service is read.
      const candidates =
        t.ids.escalationPolicyIds.length > 0
          ? context
          : teamMembers(t, context);
      candidates.forEach(c =>
        c.ids.serviceIds.forEach(id => serviceIds.add(id)),
      );
    }
  }
  const services = new Map(
    (await provider.getServices([...serviceIds], { signal, priority })).map(
      s => [s.id, s],
    ),
  );

  const policyIds = new Set<string>();
  for (const s of services.values()) {
    if (s.escalationPolicyId) policyIds.add(s.escalationPolicyId);
  }
  targets.forEach(t =>
    t.ids.escalationPolicyIds.forEach(id => policyIds.add(id)),
  );
  const policies = new Map(
    (
      await provider.getEscalationPolicies([...policyIds], {
        signal,
        priority,
      })
    ).map(p => [p.id, p]),
  );

  const scheduleIds = new Set<string>();
  targets.forEach(t => t.ids.scheduleIds.forEach(id => scheduleIds.add(id)));
  for (const p of policies.values()) {
    for (const level of p.levels) {
      for (const target of level.targets) {
        if (target.type === 'schedule') scheduleIds.add(target.id);
      }
    }
  }
  const until = new Date(now.getTime() + options.rotationWeeks * WEEK);
  // Who is on call now and the rotations are independent: in parallel.
  const [shifts, rotations] = await Promise.all([
    policies.size > 0
      ? provider.listOnCalls({
          escalationPolicyIds: [...policies.keys()],
          signal,
          priority,
        })
      : Promise.resolve([]),
    options.rotations([...scheduleIds]),
  ]);

  const upstream: Upstream = { services, policies, shifts, ...rotations };
  const views = new Map<string, OnCallSnapshotData>();
  for (const target of targets) {
    views.set(
      target.entityRef,
      buildView(target, context, upstream, options.users, now, until),
    );
  }
  return views;
}

function buildView(
  target: OnCallTarget,
  context: OnCallTarget[],
  upstream: Upstream,
  users: Map<string, string>,
  now: Date,
  until: Date,
): OnCallSnapshotData {
  const person = (u: OnCallUser): OnCallPerson => ({
    id: u.id,
    name: u.name,
    email: u.email,
    htmlUrl: u.htmlUrl,
    userEntityRef: u.email
      ? users.get(u.email.toLocaleLowerCase('en-US'))
      : undefined,
  });
  const policyView = (id: string): OnCallPolicyView => {
    const policy = upstream.policies.get(id);
    if (!policy) {
      return {
        id,
        name: id,
        levels: [],
        problem: `PagerDuty has no escalation policy ${id}, or the credentials cannot see it`,
      };
    }
    return {
      id: policy.id,
      name: policy.name,
      htmlUrl: policy.htmlUrl,
      levels: policy.levels.map(level =>
        levelView(policy, level.level, upstream, person, now),
      ),
    };
  };
  const serviceView = (id: string): OnCallServiceView => {
    const service = upstream.services.get(id);
    if (!service) {
      return {
        id,
        name: id,
        problem: `PagerDuty has no service ${id}, or the credentials cannot see it`,
      };
    }
    return {
      id: service.id,
      name: service.name,
      htmlUrl: service.htmlUrl,
      status: service.status,
      escalationPolicy: service.escalationPolicyId
        ? policyView(service.escalationPolicyId)
        : undefined,
      problem: service.escalationPolicyId
        ? undefined
        : 'The service has no escalation policy: nobody is paged',
    };
  };

  // A team's rotation: the schedules it names, else those of its policies.
  let rotationIds = target.ids.scheduleIds;
  if (rotationIds.length === 0 && isTeam(target)) {
    rotationIds = [
      ...new Set(
        target.ids.escalationPolicyIds.flatMap(
          id =>
            upstream.policies
              .get(id)
              ?.levels.flatMap(l =>
                l.targets.filter(t => t.type === 'schedule').map(t => t.id),
              ) ?? [],
        ),
      ),
    ];
  }
  const rotations = rotationIds.map(id =>
    rotationView(
      id,
      upstream.renderings.get(id),
      upstream.problems.get(id),
      person,
      now,
      until,
    ),
  );

  const teamServices: TeamServiceView[] = [];
  if (isTeam(target)) {
    for (const member of teamMembers(target, context, upstream.services)) {
      for (const id of member.ids.serviceIds) {
        const service = upstream.services.get(id);
        if (!service) continue;
        const primary = upstream.shifts
          .filter(
            s =>
              s.escalationPolicyId === service.escalationPolicyId &&
              s.level === 1,
          )
          .map(s => person(s.user));
        teamServices.push({
          entityRef: member.entityRef,
          title: member.title,
          serviceId: service.id,
          serviceName: service.name,
          htmlUrl: service.htmlUrl,
          primary,
        });
      }
    }
  }

  const viewSchedules = new Set(rotationIds);
  const policyIds = [
    ...target.ids.serviceIds.map(id => upstream.services.get(id)),
  ]
    .map(s => s?.escalationPolicyId)
    .concat(target.ids.escalationPolicyIds);
  for (const id of policyIds) {
    const policy = id ? upstream.policies.get(id) : undefined;
    policy?.levels.forEach(l =>
      l.targets.forEach(t => t.type === 'schedule' && viewSchedules.add(t.id)),
    );
  }
  const pending = [...viewSchedules].filter(id => upstream.pending.has(id));

  return {
    entityRef: target.entityRef,
    kind: target.kind,
    title: target.title,
    ...(pending.length > 0 ? { pendingSchedules: pending } : {}),
    serviceIds: target.ids.serviceIds,
    escalationPolicyIds: target.ids.escalationPolicyIds,
    scheduleIds: target.ids.scheduleIds,
    services: target.ids.serviceIds.map(serviceView),
    escalationPolicies: target.ids.escalationPolicyIds.map(policyView),
    rotations,
    teamServices,
  };
}

function covers(entry: ScheduleEntry, t: number): boolean {
  return Date.parse(entry.start) <= t && t < Date.parse(entry.end);
}

function isOverride(
  rendering: ScheduleRendering | undefined,
  userId: string,
  start: number,
  end: number,
): boolean {
  return Boolean(
    rendering?.overrides.some(
      o =>
        o.user.id === userId &&
        Date.parse(o.start) < end &&
        Date.parse(o.end) > start,
    ),
  );
}

function levelView(
  policy: EscalationPolicy,
  level: number,
  upstream: Upstream,
  person: (u: OnCallUser) => OnCallPerson,
  now: Date,
): OnCallLevel {
  const definition = policy.levels.find(l => l.level === level)!;
  const t = now.getTime();
  const onCall: OnCallAssignment[] = [];
  const seen = new Set<string>();
  for (const shift of upstream.shifts) {
    if (shift.escalationPolicyId !== policy.id || shift.level !== level) {
      continue;
    }
    const key = `${shift.user.id}|${shift.scheduleId ?? ''}`;
    if (seen.has(key)) continue;
    seen.add(key);
    const rendering = shift.scheduleId
      ? upstream.renderings.get(shift.scheduleId)
      : undefined;
    const current = rendering?.entries.find(e => covers(e, t));
    const end = shift.end ?? current?.end;
    let next: OnCallAssignment['next'];
    if (rendering && end) {
      const following = rendering.entries.find(
        e =>
          Date.parse(e.start) >= Date.parse(end) && e.user.id !== shift.user.id,
      );
      if (following) {
        next = {
          person: person(following.user),
          start: following.start,
          override: isOverride(
            rendering,
            following.user.id,
            Date.parse(following.start),
            Date.parse(following.end),
          ),
        };
      }
    }
    onCall.push({
      person: person(shift.user),
      schedule: shift.scheduleId
        ? {
            id: shift.scheduleId,
            name: rendering?.name ?? shift.scheduleName ?? shift.scheduleId,
            htmlUrl: rendering?.htmlUrl,
          }
        : undefined,
      start: shift.start,
      end,
      override: isOverride(rendering, shift.user.id, t, t + 1),
      next,
    });
  }
  return {
    level,
    label: escalationLevelLabel(level, policy.levels.length),
    delayMinutes: definition.delayMinutes,
    targets: definition.targets.map(x => ({
      type: x.type,
      id: x.id,
      name: x.name,
    })),
    onCall,
  };
}

/**
 * A rotation from now to the end of its kept rendering (which may have been
 * read up to a rotation interval ago: shifts already over are left out).
 */
function rotationView(
  id: string,
  rendering: StoredRendering | undefined,
  problem: string | undefined,
  person: (u: OnCallUser) => OnCallPerson,
  since: Date,
  until: Date,
): RotationView {
  if (!rendering) {
    return {
      id,
      name: id,
      source: 'v2',
      since: since.toISOString(),
      until: until.toISOString(),
      shifts: [],
      overrides: [],
      problem:
        problem ??
        `PagerDuty has no schedule ${id}, or the credentials cannot see it`,
    };
  }
  const t = since.getTime();
  const current = (e: ScheduleEntry) => Date.parse(e.end) > t;
  const shift = (e: ScheduleEntry, override: boolean): RotationShift => ({
    person: person(e.user),
    start: e.start,
    end: e.end,
    override,
  });
  return {
    id: rendering.id,
    name: rendering.name,
    htmlUrl: rendering.htmlUrl,
    timeZone: rendering.timeZone,
    source: rendering.source,
    since: since.toISOString(),
    until: rendering.until,
    shifts: rendering.entries
      .filter(current)
      .map(e =>
        shift(
          e,
          isOverride(
            rendering,
            e.user.id,
            Date.parse(e.start),
            Date.parse(e.end),
          ),
        ),
      ),
    overrides: rendering.overrides.filter(current).map(e => shift(e, true)),
  };
}
