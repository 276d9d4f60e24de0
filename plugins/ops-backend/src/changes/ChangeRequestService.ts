import {
  AuditorService,
  BackstageCredentials,
  BackstageUserPrincipal,
  LoggerService,
  PermissionsRegistryService,
  PermissionsService,
} from '@backstage/backend-plugin-api';
import {
  Entity,
  parseEntityRef,
  stringifyEntityRef,
} from '@backstage/catalog-model';
import {
  ConflictError,
  InputError,
  NotAllowedError,
  NotFoundError,
} from '@backstage/errors';
import { CatalogService } from '@backstage/plugin-catalog-node';
import {
  AuthorizeResult,
  PermissionCriteria,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  createConditionAuthorizer,
  createConditionTransformer,
} from '@backstage/plugin-permission-node';
import {
  availableChangeActions,
  blockingFindings,
  ChangeAction,
  CHANGE_ID_PATTERN,
  ChangeActor,
  ChangeApproverGroup,
  ChangeHistoryEntry,
  ChangeMeasureRecord,
  ChangeMeasuresReport,
  changeMeasuresReport,
  ChangePolicy,
  ChangeRequest,
  ChangeRequestDetail,
  ChangeRequestList,
  changeRequestCreatePermission,
  changeRequestApprovePermission,
  changeRequestReadPermission,
  changeRequestReviewPermission,
  changeRequestUpdatePermission,
  ChangeStatus,
  ChangeTransitionInput,
  checkChangePolicy,
  commentRequiredActions,
  CreateChangeRequest,
  decideTransition,
  describeMaintenanceWindow,
  findFreezes,
  ListChangeRequestsQuery,
  MaintenanceCalendar,
  maintenanceWindowsBetween,
  parseChangeId,
  requiredApprovals,
  startRefusal,
  UpdateChangeRequest,
} from '@opsportal/plugin-ops-common';
import {
  ChangeRequestFilter,
  changeRequestResourceRef,
} from '@opsportal/plugin-ops-node';
import { Request } from 'express';
import { auditedWrite } from '../lib/audit';
import { Clock } from '../lib/clock';
import { ChangeNotifier } from './ChangeNotifier';
import {
  ChangeRequestStore,
  currentApprovals,
  HistoryStep,
  StatusChange,
  StoredFields,
} from './ChangeRequestStore';

/** Who is calling, and the request for the audit log. */
export interface CallContext {
  credentials: BackstageCredentials<BackstageUserPrincipal>;
  request?: Request;
}

const accessKinds = ['read', 'update', 'approve', 'review'] as const;
type Access = Record<(typeof accessKinds)[number], boolean>;

const permissionOf = {
  read: changeRequestReadPermission,
  update: changeRequestUpdatePermission,
  approve: changeRequestApprovePermission,
  review: changeRequestReviewPermission,
};

/** Users whose permission decisions are kept at most. */
const MAX_CACHED_CALLERS = 10_000;

/** What the service reads of catalog entities: existence and titles. */
const LOOKUP_FIELDS = [
  'kind',
  'metadata.name',
  'metadata.namespace',
  'metadata.title',
  'spec.profile.displayName',
];

/**
 * Change management: filing, editing and moving change requests through
 * their category's workflow under the change policy, with permission checks,
 * audit events and notifications; and the measures computed from them. Other
 * features (KPIs) call {@link ChangeRequestService.measures} directly.
 */
/**
 * Hears about every transition a change request made (after it is stored):
 * other features react to starts and completions (PagerDuty change events,
 * post-implementation reviews). A listener that throws is logged and never
 * fails the transition.
 */
export type ChangeTransitionListener = (
  change: ChangeRequest,
  action: ChangeAction,
) => Promise<void>;

export class ChangeRequestService {
  private readonly listeners: ChangeTransitionListener[] = [];
  private readonly authorizeResource: ReturnType<
    typeof createConditionAuthorizer<ChangeRequest>
  >;
  private readonly toFilter: ReturnType<
    typeof createConditionTransformer<ChangeRequestFilter>
  >;
  private readonly decisionCache = new Map<
    string,
    { expiresAt: number; answers: Promise<PolicyDecision[]> }
  >();

  constructor(
    private readonly deps: {
      store: ChangeRequestStore;
      policy: ChangePolicy;
      catalog: CatalogService;
      permissions: PermissionsService;
      permissionsRegistry: PermissionsRegistryService;
      auditor: AuditorService;
      notifier: ChangeNotifier;
      clock: Clock;
      logger?: LoggerService;
      /** Groups asked to approve normal changes (`ops.changes.approverGroups`). */
      approverGroups?: string[];
      /** Seconds a user's permission decisions are reused (`ops.changes.decisionTtlSeconds`); 0 or absent: asked on every request. */
      decisionTtlSeconds?: number;
    },
  ) {
    const ruleset = deps.permissionsRegistry.getPermissionRuleset(
      changeRequestResourceRef,
    );
    this.authorizeResource = createConditionAuthorizer(ruleset);
    this.toFilter = createConditionTransformer(ruleset);
  }

  /** Adds a listener of transitions (see {@link ChangeTransitionListener}). */
  onTransition(listener: ChangeTransitionListener): void {
    this.listeners.push(listener);
  }

  /** The policy in force, for the form's own checks. */
  policy(): ChangePolicy {
    return this.deps.policy;
  }

  /** Maintenance windows and freezes that overlap [from, to). */
  maintenanceCalendar(from: Date, to: Date): MaintenanceCalendar {
    const rule = this.deps.policy.maintenanceWindow;
    return {
      timeZone: rule.timeZone,
      description: describeMaintenanceWindow(rule),
      windows: maintenanceWindowsBetween(rule, from, to),
      freezes: findFreezes(this.deps.policy.freezes, from, to),
    };
  }

  async create(
    input: CreateChangeRequest,
    ctx: CallContext,
  ): Promise<ChangeRequestDetail> {
    const auditMeta = {
      title: input.title,
      category: input.category,
      risk: input.risk,
      entityRefs: input.entityRefs,
      action: input.action ?? null,
    };
    return this.audited('change-request-create', ctx, auditMeta, async () => {
      const { action, ...fields } = input;
      const requester = ctx.credentials.principal.userEntityRef;
      // One request to the permission backend for filing and for what the
      // caller may then do with the change.
      const { create: mayCreate, decisions } = await this.decisionsFor(ctx);
      if (mayCreate !== AuthorizeResult.ALLOW) {
        throw new NotAllowedError(
          'You do not have permission to file change requests',
        );
      }
      this.checkStandardType(fields.standardType);
      // One catalog request for the affected entities and, for changes that
      // need approval, the approver groups the answer shows.
      const approverGroups = await this.checkEntitiesExist(
        fields.entityRefs,
        ctx,
        fields.category === 'standard' ? [] : this.deps.approverGroups ?? [],
      );

      const now = this.deps.clock.now();
      const steps: Array<HistoryStep & { set: StatusChange }> = [
        { action: 'create', toStatus: 'draft', set: { status: 'draft' } },
      ];
      if (action) {
        // Filing and acting in one go: the workflow and the policy decide as
        // they would for the same change saved as a draft first.
        const draft = this.asDraft(fields, requester, now);
        const may = this.mayOn(decisions, draft);
        const next = decideTransition(
          draft,
          action,
          { userEntityRef: requester, may },
          { approvals: [], requiredApprovals: 0 },
        );
        if (!next.ok) {
          throw next.kind === 'state'
            ? new InputError(`action: ${next.reason}`)
            : new NotAllowedError(next.reason);
        }
        this.enforcePolicy(action, draft, now);
        steps.push({
          action,
          fromStatus: 'draft',
          toStatus: next.to,
          set: {
            status: next.to,
            ...this.stamps(fields.category, action, now),
          },
        });
      }
      const change = await this.deps.store.create({
        fields,
        requester,
        now,
        steps,
      });
      await this.afterTransition(change, action);
      // An emergency change filed and started at once is a start too.
      if (action) await this.tellListeners(change, action);
      const history = steps.map((step, i) => ({
        version: i + 1,
        actor: requester,
        at: change.createdAt,
        action: step.action,
        fromStatus: step.fromStatus,
        toStatus: step.toStatus,
        comment: step.comment,
      }));
      return this.detailOf(change, ctx, {
        decisions,
        history,
        approverGroups,
      });
    });
  }

  async list(
    query: ListChangeRequestsQuery,
    ctx: CallContext,
  ): Promise<ChangeRequestList> {
    const filter = await this.readFilter(ctx);
    return this.deps.store.list(query, filter);
  }

  async get(id: string, ctx: CallContext): Promise<ChangeRequestDetail> {
    const change = await this.load(id);
    const { decisions } = await this.decisionsFor(ctx);
    if (!this.mayOn(decisions, change).read) {
      throw new NotAllowedError(`You may not see ${change.id}`);
    }
    return this.detailOf(change, ctx, { decisions });
  }

  async update(
    id: string,
    patch: UpdateChangeRequest,
    ctx: CallContext,
  ): Promise<ChangeRequestDetail> {
    return this.audited(
      'change-request-update',
      ctx,
      { changeId: id, fields: Object.keys(patch).filter(k => k !== 'version') },
      async () => {
        const { version, ...given } = patch;
        const change = await this.load(id);
        const { decisions } = await this.decisionsFor(ctx);
        const may = this.mayOn(decisions, change);
        if (!may.read || !may.update) {
          throw new NotAllowedError(`You may not edit ${change.id}`);
        }
        if (change.version !== version) {
          throw this.staleVersion(change, version);
        }
        if (change.status !== 'draft') {
          throw new ConflictError(
            `${change.id} is ${change.status}: only drafts can be edited`,
          );
        }
        // Only what differs from the stored change is an edit; a patch that
        // changes nothing writes nothing and keeps the version.
        const fields = changedFields(change, given);
        if (Object.keys(fields).length === 0) {
          return this.detailOf(change, ctx, { decisions });
        }
        const merged = { ...change, ...withoutNulls(fields) };
        if (Date.parse(merged.plannedEnd) <= Date.parse(merged.plannedStart)) {
          throw new InputError('plannedEnd: must be after the planned start');
        }
        if (fields.standardType) this.checkStandardType(fields.standardType);
        if (fields.entityRefs) {
          await this.checkEntitiesExist(fields.entityRefs, ctx);
        }
        const updated = await this.deps.store.update({
          dbId: parseChangeId(change.id)!,
          expectedVersion: version,
          fields: fields as Partial<StoredFields>,
          actor: ctx.credentials.principal.userEntityRef,
          comment: `Edited ${Object.keys(fields).join(', ')}`,
          now: this.deps.clock.now(),
        });
        return this.detailOf(updated, ctx, { decisions });
      },
    );
  }

  async transition(
    id: string,
    input: ChangeTransitionInput,
    ctx: CallContext,
  ): Promise<ChangeRequestDetail> {
    return this.audited(
      'change-request-transition',
      ctx,
      { changeId: id, action: input.action, version: input.version },
      async () => {
        const change = await this.load(id);
        const actorRef = ctx.credentials.principal.userEntityRef;
        const { decisions } = await this.decisionsFor(ctx);
        const may = this.mayOn(decisions, change);
        if (!may.read) {
          throw new NotAllowedError(`You may not see ${change.id}`);
        }
        if (change.version !== input.version) {
          throw this.staleVersion(change, input.version);
        }
        // The history as of the version read: steps written since by a
        // concurrent writer must not decide this one (its write fails on the
        // version check and answers 409).
        const history = await this.deps.store.history(
          parseChangeId(change.id)!,
          { upToVersion: change.version },
        );
        const approvals = currentApprovals(history);
        const required = requiredApprovals(
          change.category,
          change.risk,
          this.deps.policy,
        );
        const decision = decideTransition(
          change,
          input.action,
          { userEntityRef: actorRef, may },
          { approvals, requiredApprovals: required },
        );
        if (!decision.ok) {
          throw decision.kind === 'state'
            ? new ConflictError(decision.reason)
            : new NotAllowedError(decision.reason);
        }
        if (
          commentRequiredActions.includes(input.action) &&
          !input.comment?.trim()
        ) {
          throw new InputError(
            `comment: is required to ${input.action.replace('-', ' ')}`,
          );
        }
        const now = this.deps.clock.now();
        this.enforcePolicy(input.action, change, now);

        const updated = await this.deps.store.transition({
          dbId: parseChangeId(change.id)!,
          expectedVersion: input.version,
          set: {
            status: decision.to,
            outcome: decision.outcome,
            ...this.stamps(change.category, input.action, now),
          },
          step: {
            action: input.action,
            fromStatus: change.status,
            toStatus: decision.to,
            comment: input.comment?.trim() || undefined,
          },
          actor: actorRef,
          now,
        });

        if (input.action === 'approve' && !decision.approvalComplete) {
          await this.deps.notifier.notify(updated, {
            kind: 'approval-recorded',
            approvals: approvals.length + 1,
            required,
          });
        } else {
          await this.afterTransition(updated, input.action, input.comment);
        }
        await this.tellListeners(updated, input.action);
        return this.detailOf(updated, ctx, {
          decisions,
          history: [
            ...history,
            {
              version: input.version + 1,
              actor: actorRef,
              at: now.toISOString(),
              action: input.action,
              fromStatus: change.status,
              toStatus: decision.to,
              comment: input.comment?.trim() || undefined,
            },
          ],
        });
      },
    );
  }

  /**
   * The change measures (success rate, rollback rate, emergency share, lead
   * time) of changes implemented in [from, to), for the platform, each
   * affected entity and each owning team. The KPI feature calls this.
   */
  async measures(
    range: { from: Date; to: Date },
    ctx: { credentials: BackstageCredentials },
  ): Promise<ChangeMeasuresReport> {
    const records = await this.implemented(range, ctx);
    const refs = [...new Set(records.flatMap(r => r.entityRefs))];
    const owners = new Map<string, string[]>();
    if (refs.length > 0) {
      const { items } = await this.deps.catalog.getEntitiesByRefs(
        { entityRefs: refs, fields: ['kind', 'metadata', 'spec.owner'] },
        { credentials: ctx.credentials },
      );
      items.forEach((entity, i) => {
        const owner = (entity?.spec as { owner?: unknown } | undefined)?.owner;
        if (typeof owner === 'string' && entity) {
          try {
            owners.set(refs[i], [
              stringifyEntityRef(
                parseEntityRef(owner, {
                  defaultKind: 'group',
                  defaultNamespace: entity.metadata.namespace ?? 'default',
                }),
              ).toLocaleLowerCase('en-US'),
            ]);
          } catch {
            // An owner that is not a ref counts for no team.
          }
        }
      });
    }
    return changeMeasuresReport(records, {
      from: range.from.toISOString(),
      to: range.to.toISOString(),
      ownersOf: ref => owners.get(ref) ?? [],
    });
  }

  /**
   * The changes implemented in [from, to) that the caller may see: the read
   * permission's conditions apply in SQL, as they do for the list. The
   * measures and the KPIs are computed from these.
   */
  async implemented(
    range: { from: Date; to: Date },
    ctx: { credentials: BackstageCredentials },
  ): Promise<ChangeMeasureRecord[]> {
    const filter = await this.readFilter(ctx);
    return this.deps.store.listImplemented(range.from, range.to, filter);
  }

  /** Loads a change request for the permission framework (getResources). */
  async loadForPermissions(
    refs: string[],
  ): Promise<(ChangeRequest | undefined)[]> {
    return Promise.all(
      refs.map(ref => {
        const dbId = parseChangeId(ref);
        return dbId ? this.deps.store.get(dbId) : undefined;
      }),
    );
  }

  private async load(id: string): Promise<ChangeRequest> {
    const dbId = parseChangeId(id);
    if (!dbId) {
      if (CHANGE_ID_PATTERN.test(id.trim())) {
        throw new NotFoundError(`${id.trim().toUpperCase()} does not exist`);
      }
      throw new InputError(`id: must be a change request id like CHG-1042`);
    }
    const change = await this.deps.store.get(dbId);
    if (!change) throw new NotFoundError(`${id.toUpperCase()} does not exist`);
    return change;
  }

  private async detailOf(
    change: ChangeRequest,
    ctx: CallContext,
    known: {
      decisions?: PolicyDecision[];
      history?: ChangeHistoryEntry[];
      /** The approver groups as already read from the catalog. */
      approverGroups?: ChangeApproverGroup[];
    } = {},
  ): Promise<ChangeRequestDetail> {
    const decisions =
      known.decisions ?? (await this.decisionsFor(ctx)).decisions;
    const may = this.mayOn(decisions, change);
    const dbId = parseChangeId(change.id)!;
    const history = known.history ?? (await this.deps.store.history(dbId));
    const approvals = currentApprovals(history);
    const required = requiredApprovals(
      change.category,
      change.risk,
      this.deps.policy,
    );
    const actor: ChangeActor = {
      userEntityRef: ctx.credentials.principal.userEntityRef,
      may,
    };
    const conflicts =
      decisions[0].result === AuthorizeResult.DENY
        ? []
        : await this.deps.store.findOverlapping({
            entityRefs: change.entityRefs,
            plannedStart: change.plannedStart,
            plannedEnd: change.plannedEnd,
            excludeDbId: dbId,
            filter: this.readFilterOf(decisions[0]),
          });
    const approverGroups =
      change.category === 'standard'
        ? undefined
        : known.approverGroups ?? (await this.approverGroups(ctx));
    return {
      change,
      history,
      approvals,
      requiredApprovals: required,
      ...(approverGroups && { approverGroups }),
      actions: availableChangeActions(change, actor, {
        approvals,
        requiredApprovals: required,
      }).map(a => {
        const refusal =
          a.action === 'start' && a.allowed
            ? startRefusal(change, this.deps.policy, this.deps.clock.now())
            : undefined;
        return refusal ? { ...a, allowed: false, reason: refusal } : a;
      }),
      canEdit: change.status === 'draft' && may.update,
      findings: checkChangePolicy(
        change,
        this.deps.policy,
        change.submittedAt
          ? new Date(change.submittedAt)
          : this.deps.clock.now(),
      ),
      conflicts,
    };
  }

  /** The configured approver groups as the catalog knows them. */
  private async approverGroups(ctx: {
    credentials: BackstageCredentials;
  }): Promise<ChangeApproverGroup[]> {
    const refs = this.deps.approverGroups ?? [];
    if (refs.length === 0) return [];
    const { items } = await this.deps.catalog.getEntitiesByRefs(
      { entityRefs: refs, fields: LOOKUP_FIELDS },
      { credentials: ctx.credentials },
    );
    return approverGroupsOf(refs, items);
  }

  /**
   * The caller's decisions on the change-request permissions (read, update,
   * approve, review) and on filing (create, a basic permission the
   * permission backend answers with ALLOW or DENY in the same batch): one
   * request to the permission backend, reused for the same user and token
   * for `decisionTtlSeconds` (see {@link ChangeRequestService.cachedAnswers}).
   * Conditional decisions are applied to each version of the change.
   */
  private async decisionsFor(ctx: {
    credentials: BackstageCredentials;
  }): Promise<{ decisions: PolicyDecision[]; create: AuthorizeResult }> {
    const answers = await this.cachedAnswers(ctx.credentials);
    return {
      decisions: answers.slice(0, accessKinds.length),
      create: answers[accessKinds.length].result,
    };
  }

  /**
   * The answers of the permission backend for a caller. A user's answers
   * are kept for `decisionTtlSeconds` per user and token expiry (the
   * token's ownership claims are what the policy decides on, and they do
   * not change during its life), so a user paging through the list asks
   * the permission backend once per that time instead of on every request;
   * a change of the policy itself shows after at most that long. Answers
   * are never shared between users; service callers are not cached; a
   * failed request is not kept.
   */
  private cachedAnswers(
    credentials: BackstageCredentials,
  ): Promise<PolicyDecision[]> {
    const ask = () =>
      this.deps.permissions.authorizeConditional(
        [
          ...accessKinds.map(kind => ({ permission: permissionOf[kind] })),
          {
            permission:
              changeRequestCreatePermission as unknown as (typeof permissionOf)['read'],
          },
        ],
        { credentials },
      );
    const ttlMs = (this.deps.decisionTtlSeconds ?? 0) * 1000;
    const principal = credentials.principal as Partial<BackstageUserPrincipal>;
    if (ttlMs <= 0 || principal.type !== 'user' || !principal.userEntityRef) {
      return ask();
    }
    const key = `${principal.userEntityRef}\u0000${
      credentials.expiresAt?.getTime() ?? ''
    }`;
    const now = Date.now();
    const kept = this.decisionCache.get(key);
    if (kept && kept.expiresAt > now) return kept.answers;
    if (kept) this.decisionCache.delete(key);
    const answers = ask();
    this.decisionCache.set(key, { expiresAt: now + ttlMs, answers });
    answers.catch(() => {
      if (this.decisionCache.get(key)?.answers === answers) {
        this.decisionCache.delete(key);
      }
    });
    // Bounded: the oldest entries go first.
    for (const oldest of this.decisionCache.keys()) {
      if (this.decisionCache.size <= MAX_CACHED_CALLERS) break;
      this.decisionCache.delete(oldest);
    }
    return answers;
  }

  /** What the decisions allow on one change request. */
  private mayOn(decisions: PolicyDecision[], change: ChangeRequest): Access {
    return Object.fromEntries(
      accessKinds.map((kind, i) => [
        kind,
        this.authorizeResource(decisions[i], change),
      ]),
    ) as Access;
  }

  /** The read decision as a list filter (undefined: no filter). */
  private readFilterOf(
    decision: PolicyDecision,
  ): PermissionCriteria<ChangeRequestFilter> | undefined {
    return decision.result === AuthorizeResult.CONDITIONAL
      ? this.toFilter(decision.conditions)
      : undefined;
  }

  /** The read permission as a list filter; throws when reading is denied. */
  private async readFilter(ctx: {
    credentials: BackstageCredentials;
  }): Promise<PermissionCriteria<ChangeRequestFilter> | undefined> {
    const {
      decisions: [decision],
    } = await this.decisionsFor(ctx);
    if (decision.result === AuthorizeResult.DENY) {
      throw new NotAllowedError('You may not see change requests');
    }
    return this.readFilterOf(decision);
  }

  /** The policy's word on an action: submissions and starts. */
  private enforcePolicy(
    action: string,
    change: Pick<
      ChangeRequest,
      | 'category'
      | 'standardType'
      | 'plannedStart'
      | 'plannedEnd'
      | 'implementationPlan'
      | 'rollbackPlan'
      | 'testPlan'
      | 'justification'
    >,
    now: Date,
  ): void {
    if (action === 'submit') {
      const blocking = blockingFindings(
        checkChangePolicy(change, this.deps.policy, now),
        change.justification,
      );
      if (blocking.length > 0) {
        throw new InputError(
          blocking.map(f => `${f.field ?? 'change'}: ${f.message}`).join('; '),
        );
      }
    }
    if (action === 'start') {
      const refusal = startRefusal(change, this.deps.policy, now);
      if (refusal) throw new NotAllowedError(refusal);
    }
  }

  private stamps(
    category: ChangeRequest['category'],
    action: string,
    now: Date,
  ): Omit<StatusChange, 'status'> {
    switch (action) {
      case 'submit':
        return { submittedAt: now };
      case 'start':
        // An emergency change counts as submitted when it starts.
        return category === 'emergency'
          ? { startedAt: now, submittedAt: now }
          : { startedAt: now };
      case 'complete':
      case 'fail':
      case 'roll-back':
        return { finishedAt: now };
      default:
        return {};
    }
  }

  /** The change as it would be stored as a draft. */
  private asDraft(
    fields: Omit<CreateChangeRequest, 'action'>,
    requester: string,
    now: Date,
  ): ChangeRequest {
    return {
      ...fields,
      id: 'CHG-NEW',
      requester,
      status: 'draft' as ChangeStatus,
      version: 1,
      createdAt: now.toISOString(),
      updatedAt: now.toISOString(),
    };
  }

  private async tellListeners(change: ChangeRequest, action: ChangeAction) {
    for (const listener of this.listeners) {
      try {
        await listener(change, action);
      } catch (error) {
        this.deps.logger?.warn(
          `A listener of ${change.id}'s '${action}' failed: ${
            (error as Error).message
          }`,
        );
      }
    }
  }

  private async afterTransition(
    change: ChangeRequest,
    action: string | undefined,
    comment?: string,
  ): Promise<void> {
    const conflicts = async () =>
      this.deps.store.findOverlapping({
        entityRefs: change.entityRefs,
        plannedStart: change.plannedStart,
        plannedEnd: change.plannedEnd,
        excludeDbId: parseChangeId(change.id),
      });
    if (action === 'submit' && change.category === 'normal') {
      await this.deps.notifier.notify(change, {
        kind: 'submitted',
        conflicts: await conflicts(),
      });
    } else if (action === 'start' && change.category === 'emergency') {
      await this.deps.notifier.notify(change, {
        kind: 'emergency-started',
        conflicts: await conflicts(),
      });
    } else if (action === 'approve') {
      await this.deps.notifier.notify(change, { kind: 'approved' });
    } else if (action === 'reject') {
      await this.deps.notifier.notify(change, { kind: 'rejected', comment });
    } else if (action === 'complete-review') {
      await this.deps.notifier.notify(change, { kind: 'reviewed', comment });
    }
  }

  private checkStandardType(standardType: string | undefined | null): void {
    if (
      standardType &&
      !this.deps.policy.standardTypes.some(t => t.id === standardType)
    ) {
      throw new InputError(
        `standardType: must be one of ${this.deps.policy.standardTypes
          .map(t => t.id)
          .join(', ')}`,
      );
    }
  }

  /**
   * Checks that the entities are in the catalog; in the same request reads
   * `alsoGroups` (approver groups), returned as the detail shows them.
   */
  private async checkEntitiesExist(
    entityRefs: string[],
    ctx: CallContext,
    alsoGroups: string[] = [],
  ): Promise<ChangeApproverGroup[] | undefined> {
    const { items } = await this.deps.catalog.getEntitiesByRefs(
      {
        entityRefs: [...entityRefs, ...alsoGroups],
        fields: LOOKUP_FIELDS,
      },
      { credentials: ctx.credentials },
    );
    const missing = entityRefs
      .map((ref, i) => (items[i] ? undefined : `entityRefs.${i}: ${ref}`))
      .filter(Boolean);
    if (missing.length > 0) {
      throw new InputError(`${missing.join('; ')}: not found in the catalog`);
    }
    return alsoGroups.length > 0
      ? approverGroupsOf(alsoGroups, items.slice(entityRefs.length))
      : undefined;
  }

  private staleVersion(change: ChangeRequest, version: number): ConflictError {
    return new ConflictError(
      `${change.id} was changed by someone else: you read version ${version}, it is now at version ${change.version}. Reload it and try again.`,
    );
  }

  /** Runs a write as an audit event: success or failure is recorded. */
  private audited<T>(
    eventId: string,
    ctx: CallContext,
    meta: Record<string, unknown>,
    fn: () => Promise<T>,
  ): Promise<T> {
    return auditedWrite(
      this.deps.auditor,
      { eventId, request: ctx.request, meta: JSON.parse(JSON.stringify(meta)) },
      fn,
      result => {
        const change = (result as unknown as ChangeRequestDetail).change;
        return change
          ? {
              changeId: change.id,
              status: change.status,
              version: change.version,
            }
          : {};
      },
    );
  }

  /**
   * Changes of these entities whose implementation started or finished in
   * [from, to), newest activity first, that the caller may see: what an
   * incident's "what changed?" lists. Read only (no workflow step): the list
   * is paged by last update down to `from`, since a change that started or
   * finished then was updated then or later.
   */
  async startedOrFinishedBetween(
    query: { entityRefs: string[]; from: Date; to: Date },
    ctx: { credentials: BackstageCredentials },
  ): Promise<ChangeRequest[]> {
    if (query.entityRefs.length === 0) return [];
    const filter = await this.readFilter(ctx);
    const from = query.from.getTime();
    const to = query.to.getTime();
    const ids: string[] = [];
    let cursor: string | undefined;
    // At most 1,000 candidates: a bound for entities changed very often.
    for (let page = 0; page < 5; page++) {
      const list = await this.deps.store.list(
        {
          entityRef: query.entityRefs.map(r => r.toLocaleLowerCase('en-US')),
          status: [
            'in-progress',
            'completed',
            'failed',
            'rolled-back',
            'review-pending',
            'reviewed',
          ],
          sort: 'updatedAt',
          order: 'desc',
          limit: 200,
          cursor,
        },
        filter,
      );
      const recent = list.items.filter(c => Date.parse(c.updatedAt) >= from);
      ids.push(...recent.map(c => c.id));
      if (recent.length < list.items.length || !list.nextCursor) break;
      cursor = list.nextCursor;
    }
    const within = (iso?: string) => {
      const t = iso ? Date.parse(iso) : NaN;
      return t >= from && t < to;
    };
    const changes = await Promise.all(
      ids.map(id => this.deps.store.get(parseChangeId(id)!)),
    );
    return changes.filter(
      (c): c is ChangeRequest =>
        !!c && (within(c.startedAt) || within(c.finishedAt)),
    );
  }
}

/** Approver groups as the detail shows them, from the catalog's answer. */
function approverGroupsOf(
  refs: string[],
  items: Array<Entity | undefined>,
): ChangeApproverGroup[] {
  return refs.map((entityRef, i) => {
    const entity = items[i];
    const profile = (entity?.spec as { profile?: { displayName?: unknown } })
      ?.profile;
    const title =
      (typeof profile?.displayName === 'string' && profile.displayName) ||
      entity?.metadata.title;
    return { entityRef, ...(title && { title }), inCatalog: Boolean(entity) };
  });
}

/** The fields of a patch whose values differ from the stored change. */
function changedFields(
  change: ChangeRequest,
  patch: Omit<UpdateChangeRequest, 'version'>,
): Omit<UpdateChangeRequest, 'version'> {
  const same = (key: string, value: unknown): boolean => {
    const current = (change as unknown as Record<string, unknown>)[key];
    if (value === null) return current === undefined || current === null;
    if (Array.isArray(value) && Array.isArray(current)) {
      const a = [...value].sort();
      const b = [...current].sort();
      return a.length === b.length && a.every((v, i) => v === b[i]);
    }
    if (key === 'plannedStart' || key === 'plannedEnd') {
      return Date.parse(String(value)) === Date.parse(String(current));
    }
    return value === current;
  };
  return Object.fromEntries(
    Object.entries(patch).filter(
      ([key, value]) => value !== undefined && !same(key, value),
    ),
  ) as Omit<UpdateChangeRequest, 'version'>;
}

function withoutNulls<T extends Record<string, unknown>>(value: T): Partial<T> {
  return Object.fromEntries(
    Object.entries(value).filter(([, v]) => v !== null && v !== undefined),
  ) as Partial<T>;
}
