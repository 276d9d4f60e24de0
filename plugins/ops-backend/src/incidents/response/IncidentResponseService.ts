import {
  AuthService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  InputError,
  NotAllowedError,
  ServiceUnavailableError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { AuthorizeResult } from '@backstage/plugin-permission-common';
import {
  AssessedIncident,
  assessIncident,
  currentIncidentStage,
  IncidentDetail,
  IncidentPolicy,
  IncidentRelatedChange,
  IncidentRole,
  IncidentRoleAssignment,
  incidentRespondPermission,
  incidentReviewUpdatePermission,
  incidentRoles,
  incidentStageSteps,
  isMitigationText,
  PostIncidentReview,
  Severity,
} from '@opsportal/plugin-ops-common';
import { IncidentResponseProvider } from '@opsportal/plugin-ops-node';
import { z } from 'zod';
import { ChangeRequestService } from '../../changes';
import { Clock, systemClock } from '../../lib/clock';
import { OnCallService } from '../../oncall';
import { loadPagerDutyTargets, message } from '../../oncall/pagerDutyEntities';
import {
  CatalogPeople,
  CatalogPerson,
  normalizeUserRef,
} from './catalogPeople';
import { fillTemplate, IncidentResponseConfig } from './config';
import { IncidentReadCache, UpstreamIncidentView } from './IncidentReadCache';
import { IncidentRoleStore } from './IncidentRoleStore';
import { IncidentReviews } from './reviews';
import {
  lastStatusUpdateAt,
  StatusUpdateListener,
  updateCadenceOf,
} from './cadence';
import {
  mitigatedAt,
  respondersOf,
  roleMirrorNote,
  timelineOf,
} from './timeline';

const HOUR = 3_600_000;
/** "What changed?" looks this far back before the incident. */
const WHAT_CHANGED_WINDOW_MS = 24 * HOUR;

type UserCredentials = BackstageCredentials<BackstageUserPrincipal>;

export interface IncidentResponseServiceOptions {
  provider?: IncidentResponseProvider;
  store: IncidentRoleStore;
  catalog: CatalogService;
  auth: AuthService;
  permissions: PermissionsService;
  /** Proposes the Incident Commander (the on-call primary). */
  oncall?: Pick<OnCallService, 'getEntityOnCall'>;
  /** "What changed?": change requests of the incident's entities. */
  changes?: Pick<ChangeRequestService, 'startedOrFinishedBetween'>;
  /** Post-incident reviews (the reviews feature), when wired. */
  reviews?: IncidentReviews;
  /** Told of status updates posted here: the incident cards' snapshots. */
  statusUpdates?: StatusUpdateListener;
  policy: IncidentPolicy;
  config: IncidentResponseConfig;
  logger: LoggerService;
  clock?: Clock;
}

/**
 * The incident page (`/incidents/:id`): the incident as PagerDuty has it
 * (log, notes, related change events), with what the portal adds: roles,
 * stages, update cadence, the change requests that preceded it, its
 * review. Writes (roles, status updates, notes, responder requests) go to
 * PagerDuty in the acting user's name and are permission-guarded.
 */
export class IncidentResponseService {
  private readonly clock: Clock;
  private readonly people: CatalogPeople;
  private readonly cache?: IncidentReadCache;

  constructor(private readonly options: IncidentResponseServiceOptions) {
    this.clock = options.clock ?? systemClock;
    this.people = new CatalogPeople(options.catalog);
    if (options.provider) {
      this.cache = new IncidentReadCache(options.provider, {
        clock: this.clock,
        cacheSeconds: options.config.cacheSeconds,
        maxEntries: options.config.maxCachedIncidents,
      });
    }
  }

  /** Everything the incident page shows. */
  async getDetail(
    incidentId: string,
    credentials: BackstageCredentials,
  ): Promise<IncidentDetail> {
    const { view, freshness } = await this.read(incidentId);
    const now = this.clock.now();
    const upstream = view.incident;

    const [entityRefs, stored, history, decisions] = await Promise.all([
      this.entityRefsOf(upstream.serviceId, credentials),
      this.options.store.list(incidentId),
      this.options.store.history(incidentId),
      this.options.permissions.authorize(
        [
          { permission: incidentRespondPermission },
          { permission: incidentReviewUpdatePermission },
        ],
        { credentials },
      ),
    ]);

    // People: role holders and assigners by ref, PagerDuty people by email.
    const emails = [
      ...upstream.assignees.map(a => a.email),
      ...view.logEntries.map(e => e.agent?.email),
      ...view.notes.map(n => n.user?.email),
    ].filter((e): e is string => Boolean(e));
    const [byRef, byEmail] = await Promise.all([
      this.people.byRefs(
        [
          ...stored.flatMap(r => [r.userRef, r.assignedBy]),
          ...history.flatMap(h => [h.userRef, h.assignedBy]),
        ],
        credentials,
      ),
      this.people.byEmails(emails, credentials),
    ]);
    const nameOf = (ref: string) =>
      byRef.get(normalizeUserRef(ref) ?? ref)?.name ?? ref;
    const refOfEmail = (email?: string) =>
      email ? byEmail.get(email.toLocaleLowerCase('en-US'))?.ref : undefined;

    const firstAck = view.logEntries.find(e => e.kind === 'acknowledge');
    const incident = assessIncident(
      {
        id: upstream.id,
        number: upstream.number,
        title: upstream.title,
        status: upstream.status,
        urgency: upstream.urgency,
        priority: upstream.priority,
        serviceId: upstream.serviceId,
        serviceName: upstream.serviceName,
        createdAt: upstream.createdAt,
        acknowledgedAt: upstream.acknowledgedAt ?? firstAck?.at,
        resolvedAt:
          upstream.resolvedAt ??
          (upstream.status === 'resolved'
            ? view.logEntries.filter(e => e.kind === 'resolve').pop()?.at
            : undefined),
        htmlUrl: upstream.htmlUrl,
        assignees: upstream.assignees,
      },
      now,
      this.options.policy,
    );

    const [review, proposedCommander, whatChanged] = await Promise.all([
      this.options.reviews?.forIncident(incidentId),
      this.proposeCommander(incident, upstream.escalationPolicyId, entityRefs, {
        credentials,
        refOfEmail,
      }),
      this.whatChanged(incident, entityRefs, view, credentials),
    ]);

    const roles: IncidentRoleAssignment[] = stored.map(r => ({
      role: r.role,
      userRef: r.userRef,
      displayName: nameOf(r.userRef),
      assignedBy: r.assignedBy,
      assignedByName: nameOf(r.assignedBy),
      assignedAt: r.assignedAt,
      version: r.version,
    }));
    const cadence = updateCadenceOf(
      incident,
      lastStatusUpdateAt(view),
      this.options.config.updateCadenceMinutes,
      now,
    );
    const commander = history.find(h => h.role === 'commander');
    const stages = incidentStageSteps({
      status: incident.status,
      createdAt: incident.createdAt,
      acknowledgedAt: incident.acknowledgedAt,
      acknowledgedBy: firstAck?.agent?.name,
      commanderAssignedAt: commander?.assignedAt,
      commanderName: commander ? nameOf(commander.userRef) : undefined,
      mitigatedAt: mitigatedAt(view),
      resolvedAt: incident.resolvedAt,
      reviewCompletedAt:
        review?.status === 'completed' ? review.completedAt : undefined,
    });

    return {
      incident: cadence
        ? { ...incident, nextUpdateDue: cadence.nextUpdateDue }
        : incident,
      entityRefs,
      stage: currentIncidentStage(stages),
      stages,
      timeline: timelineOf(view, history, { nameOf, refOfEmail }),
      roles,
      proposedCommander,
      responders: respondersOf(view),
      cadence,
      links: this.linksOf(incident),
      whatChanged,
      reviewRequired: this.reviewRequired(incident.severity),
      review,
      canRespond: decisions[0].result === AuthorizeResult.ALLOW,
      canReview: decisions[1].result === AuthorizeResult.ALLOW,
      freshness,
    };
  }

  /**
   * Assigns a role to a catalog user: stored with who and when (409 when
   * someone assigned it since the version the client saw), then mirrored
   * to PagerDuty as a note. The assignment stands when the note fails (it
   * is logged): the portal holds the roles.
   */
  async assignRole(
    incidentId: string,
    role: IncidentRole,
    request: { userRef: string; version?: number | null },
    credentials: UserCredentials,
  ): Promise<IncidentRoleAssignment> {
    if (!incidentRoles.includes(role)) {
      throw new InputError(
        `role must be one of ${incidentRoles.join(', ')}, got "${role}"`,
      );
    }
    await this.authorizeRespond(credentials);
    await this.read(incidentId);
    const holder = await this.catalogUser(request.userRef, credentials);
    const actorRef = credentials.principal.userEntityRef;
    const saved = await this.options.store.assign({
      incidentId,
      role,
      userRef: holder.ref,
      assignedBy: actorRef,
      now: this.clock.now(),
      expectedVersion: request.version,
    });

    const actor = (await this.people.byRefs([actorRef], credentials)).get(
      normalizeUserRef(actorRef) ?? actorRef,
    );
    try {
      const fromEmail = await this.fromEmail(credentials, actor);
      await this.requireProvider().addNote(incidentId, {
        content: roleMirrorNote(role, holder.name, actor?.name ?? actorRef),
        fromEmail,
      });
    } catch (error) {
      this.options.logger.warn(
        `The ${role} assignment of incident ${incidentId} was stored but not mirrored to PagerDuty: ${message(
          error,
        )}`,
      );
    }
    // After the note, so that no view keeps the log from before it.
    this.cache?.invalidate(incidentId);
    return {
      role,
      userRef: saved.userRef,
      displayName: holder.name,
      assignedBy: saved.assignedBy,
      assignedByName: actor?.name,
      assignedAt: saved.assignedAt,
      version: saved.version,
    };
  }

  /**
   * Posts a status update to PagerDuty. `mitigated` marks it as the
   * mitigation being in place: the message then starts with "Mitigated:",
   * which is how the stage rule finds it again in PagerDuty's log.
   */
  async postStatusUpdate(
    incidentId: string,
    request: { message: string; mitigated?: boolean },
    credentials: UserCredentials,
  ): Promise<{ id: string; at: string }> {
    await this.authorizeRespond(credentials);
    await this.read(incidentId);
    const fromEmail = await this.fromEmail(credentials);
    const text =
      request.mitigated && !isMitigationText(request.message)
        ? `Mitigated: ${request.message}`
        : request.message;
    const update = await this.requireProvider().postStatusUpdate(incidentId, {
      message: text,
      fromEmail,
    });
    this.cache?.invalidate(incidentId);
    await this.tellStatusUpdate(incidentId, update.at);
    return { id: update.id, at: update.at };
  }

  async addNote(
    incidentId: string,
    request: { content: string },
    credentials: UserCredentials,
  ): Promise<{ id: string; at: string }> {
    await this.authorizeRespond(credentials);
    await this.read(incidentId);
    const fromEmail = await this.fromEmail(credentials);
    const note = await this.requireProvider().addNote(incidentId, {
      content: request.content,
      fromEmail,
    });
    this.cache?.invalidate(incidentId);
    return { id: note.id, at: note.at };
  }

  /** Asks catalog users (by their catalog email) to join the incident. */
  async requestResponders(
    incidentId: string,
    request: { userRefs: string[]; message: string },
    credentials: UserCredentials,
  ): Promise<void> {
    await this.authorizeRespond(credentials);
    await this.read(incidentId);
    const found = await this.people.byRefs(request.userRefs, credentials);
    const emails: string[] = [];
    const problems: string[] = [];
    for (const ref of request.userRefs) {
      const person = found.get(normalizeUserRef(ref) ?? ref);
      if (!person) problems.push(`${ref} is not a User in the catalog`);
      else if (!person.email)
        problems.push(`${ref} has no email in the catalog`);
      else emails.push(person.email);
    }
    if (problems.length > 0) {
      throw new InputError(`userRefs: ${problems.join('; ')}`);
    }
    const fromEmail = await this.fromEmail(credentials);
    await this.requireProvider().requestResponders(incidentId, {
      fromEmail,
      responderEmails: emails,
      message: request.message,
    });
    this.cache?.invalidate(incidentId);
  }

  /** Starts the incident's review (or answers the one it has). */
  async startReview(
    incidentId: string,
    credentials: UserCredentials,
  ): Promise<{ review: PostIncidentReview; created: boolean }> {
    const reviews = this.options.reviews;
    if (!reviews) {
      throw new ServiceUnavailableError(
        'Post-incident reviews are not available in this portal',
      );
    }
    await this.authorizeRespond(credentials);
    const existing = await reviews.forIncident(incidentId);
    if (existing) return { review: existing, created: false };
    const { view } = await this.read(incidentId);
    const incident = assessIncident(
      { ...view.incident },
      this.clock.now(),
      this.options.policy,
    );
    const [entityRefs, roles] = await Promise.all([
      this.entityRefsOf(incident.serviceId, credentials),
      this.options.store.list(incidentId),
    ]);
    const review = await reviews.ensureForIncident({
      incidentId,
      title: incident.title,
      severity: incident.severity,
      entityRefs,
      createdAt: incident.createdAt,
      owner: roles.find(r => r.role === 'commander')?.userRef,
      createdBy: credentials.principal.userEntityRef,
    });
    return { review, created: true };
  }

  private requireProvider(): IncidentResponseProvider {
    if (!this.options.provider) {
      throw new ServiceUnavailableError(
        'No incident response provider is configured: install the PagerDuty module and set ops.pagerduty.token',
      );
    }
    return this.options.provider;
  }

  private read(incidentId: string) {
    if (!this.cache) this.requireProvider();
    return this.cache!.read(incidentId);
  }

  private reviewRequired(severity: Severity): boolean {
    return this.options.reviews
      ? this.options.reviews.isRequiredFor(severity)
      : severity === 'P1' || severity === 'P2';
  }

  private async authorizeRespond(credentials: UserCredentials) {
    const [decision] = await this.options.permissions.authorize(
      [{ permission: incidentRespondPermission }],
      { credentials },
    );
    if (decision.result !== AuthorizeResult.ALLOW) {
      throw new NotAllowedError('You may not respond to incidents');
    }
  }

  /** A catalog User named by a request; 400 when there is none. */
  private async catalogUser(
    ref: string,
    credentials: BackstageCredentials,
  ): Promise<CatalogPerson> {
    const person = (await this.people.byRefs([ref], credentials)).get(
      normalizeUserRef(ref) ?? ref,
    );
    if (!person) {
      throw new InputError(`userRef: ${ref} is not a User in the catalog`);
    }
    return person;
  }

  /** PagerDuty's `From`: the user's catalog email, else the configured one. */
  private async fromEmail(
    credentials: UserCredentials,
    known?: CatalogPerson,
  ): Promise<string> {
    const ref = credentials.principal.userEntityRef;
    const person =
      known ??
      (await this.people.byRefs([ref], credentials)).get(
        normalizeUserRef(ref) ?? ref,
      );
    const email = person?.email ?? this.options.config.fromEmail;
    if (!email) {
      throw new InputError(
        `PagerDuty needs the email of whoever writes: ${ref} has no spec.profile.email in the catalog and ops.incidents.response.fromEmail is not set`,
      );
    }
    return email;
  }

  /** Catalog entities whose `pagerduty.com/service-id` names the service. */
  private async entityRefsOf(
    serviceId: string,
    credentials: BackstageCredentials,
  ): Promise<string[]> {
    const targets = await loadPagerDutyTargets(
      this.options.catalog,
      credentials,
    );
    return targets
      .filter(t => t.ids.serviceIds.includes(serviceId))
      .map(t => t.entityRef)
      .sort();
  }

  /**
   * The on-call primary of the incident's escalation policy (from the
   * on-call view of the incident's entities), else its first assignee.
   */
  private async proposeCommander(
    incident: AssessedIncident,
    escalationPolicyId: string | undefined,
    entityRefs: string[],
    ctx: {
      credentials: BackstageCredentials;
      refOfEmail: (email?: string) => string | undefined;
    },
  ): Promise<IncidentDetail['proposedCommander']> {
    if (this.options.oncall) {
      for (const ref of entityRefs.slice(0, 3)) {
        try {
          const { data } = await this.options.oncall.getEntityOnCall(
            ref,
            ctx.credentials,
          );
          const policy =
            data.services.find(s => s.id === incident.serviceId)
              ?.escalationPolicy ??
            data.escalationPolicies.find(p => p.id === escalationPolicyId);
          const first = [...(policy?.levels ?? [])].sort(
            (a, b) => a.level - b.level,
          )[0];
          const person = first?.onCall[0]?.person;
          if (person) {
            return {
              userRef: person.userEntityRef ?? ctx.refOfEmail(person.email),
              name: person.name,
            };
          }
        } catch (error) {
          this.options.logger.debug(
            `No on-call primary for ${ref}: ${message(error)}`,
          );
        }
      }
    }
    const assignee = incident.assignees[0];
    return assignee
      ? { userRef: ctx.refOfEmail(assignee.email), name: assignee.name }
      : undefined;
  }

  /**
   * Change requests of the incident's entities that started or finished in
   * the 24 hours before it, and PagerDuty's related change events (less
   * those the portal sent for the same change requests), newest first.
   */
  private async whatChanged(
    incident: AssessedIncident,
    entityRefs: string[],
    view: UpstreamIncidentView,
    credentials: BackstageCredentials,
  ): Promise<IncidentRelatedChange[]> {
    const created = Date.parse(incident.createdAt);
    const from = created - WHAT_CHANGED_WINDOW_MS;
    const result: IncidentRelatedChange[] = [];
    const ours = new Set<string>();
    if (this.options.changes && entityRefs.length > 0) {
      const lower = new Set(entityRefs.map(r => r.toLocaleLowerCase('en-US')));
      const changes = await this.options.changes.startedOrFinishedBetween(
        { entityRefs, from: new Date(from), to: new Date(created) },
        { credentials },
      );
      const within = (iso?: string) => {
        const t = iso ? Date.parse(iso) : NaN;
        return t >= from && t < created;
      };
      for (const change of changes) {
        ours.add(change.id);
        const entityRef = change.entityRefs.find(r => lower.has(r));
        const base = {
          source: 'change-request' as const,
          id: change.id,
          title: change.title,
          entityRef,
          url: `/changes/${change.id}`,
        };
        if (within(change.startedAt)) {
          result.push({ ...base, event: 'started', at: change.startedAt! });
        }
        if (within(change.finishedAt)) {
          result.push({ ...base, event: 'completed', at: change.finishedAt! });
        }
      }
    }
    for (const event of view.changeEvents) {
      const id = /^(CHG-\d+)\b/.exec(event.summary)?.[1];
      if (id && ours.has(id)) continue;
      result.push({
        source: 'pagerduty',
        id: event.id,
        title: event.summary,
        event: 'change-event',
        at: event.at,
        url: event.htmlUrl,
      });
    }
    return result.sort((a, b) => Date.parse(b.at) - Date.parse(a.at));
  }

  /**
   * Lets the incident cards show the new due time at once. The update is
   * posted either way: a failure here is logged, and the next incidents
   * refresh reads the update from PagerDuty's log.
   */
  private async tellStatusUpdate(incidentId: string, at: string) {
    try {
      await this.options.statusUpdates?.statusUpdatePosted({ incidentId, at });
    } catch (error) {
      this.options.logger.warn(
        `The incident cards of ${incidentId} do not show its status update yet: ${message(
          error,
        )}`,
      );
    }
  }

  private linksOf(incident: AssessedIncident): IncidentDetail['links'] {
    const { chatChannel, statusPage } = this.options.config;
    return {
      pagerDuty: incident.htmlUrl,
      chat: chatChannel.name
        ? {
            name: fillTemplate(chatChannel.name, incident),
            url: chatChannel.url
              ? fillTemplate(chatChannel.url, incident, true)
              : undefined,
          }
        : undefined,
      statusPage: statusPage.url
        ? fillTemplate(statusPage.url, incident, true)
        : undefined,
    };
  }
}

/** The `:id` of the incident routes: PagerDuty's incident ids. */
export const incidentIdParam = z
  .string()
  .regex(/^[A-Z0-9]{1,40}$/i, 'must be an incident id such as Q1ABC2DEF3');
