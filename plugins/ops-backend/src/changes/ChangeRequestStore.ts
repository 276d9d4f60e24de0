import { ConflictError, InputError, NotFoundError } from '@backstage/errors';
import { PermissionCriteria } from '@backstage/plugin-permission-common';
import {
  activeChangeStatuses,
  ChangeAction,
  ChangeApproval,
  ChangeCategory,
  ChangeHistoryEntry,
  ChangeMeasureRecord,
  ChangeOutcome,
  ChangeRequest,
  ChangeRequestFields,
  ChangeRequestList,
  ChangeRequestSummary,
  ChangeRisk,
  ChangeStatus,
  formatChangeId,
  ListChangeRequestsQuery,
  MAX_CHANGE_DB_ID,
} from '@opsportal/plugin-ops-common';
import { ChangeRequestFilter } from '@opsportal/plugin-ops-node';
import { randomUUID } from 'node:crypto';
import { Knex } from 'knex';

const CHANGES = 'ops_change_requests';
const ENTITIES = 'ops_change_request_entities';
const HISTORY = 'ops_change_request_history';

/** A step to record in the history. */
export interface HistoryStep {
  action: ChangeAction | 'create' | 'edit';
  fromStatus?: ChangeStatus;
  toStatus: ChangeStatus;
  comment?: string;
}

/** The workflow columns a step sets. */
export interface StatusChange {
  status: ChangeStatus;
  outcome?: ChangeOutcome;
  submittedAt?: Date;
  startedAt?: Date;
  finishedAt?: Date;
}

/** Fields as stored: every text present, the optional ones possibly absent. */
export type StoredFields = Omit<
  ChangeRequestFields,
  'standardType' | 'justification'
> & { standardType?: string | null; justification?: string | null };

/**
 * Where change requests live. Every write checks the version the writer read
 * and records its step in the history in the same transaction.
 */
export interface ChangeRequestStore {
  create(options: {
    fields: StoredFields;
    requester: string;
    now: Date;
    steps: Array<HistoryStep & { set: StatusChange }>;
  }): Promise<ChangeRequest>;
  get(dbId: number): Promise<ChangeRequest | undefined>;
  /**
   * The history of a change request, oldest first. With `upToVersion`, only
   * the steps up to that version: the history as it was when the change was
   * read at that version, whatever was written since.
   */
  history(
    dbId: number,
    options?: { upToVersion?: number },
  ): Promise<ChangeHistoryEntry[]>;
  list(
    query: ListChangeRequestsQuery,
    filter?: PermissionCriteria<ChangeRequestFilter>,
  ): Promise<ChangeRequestList>;
  update(options: {
    dbId: number;
    expectedVersion: number;
    fields: Partial<StoredFields>;
    actor: string;
    comment?: string;
    now: Date;
  }): Promise<ChangeRequest>;
  transition(options: {
    dbId: number;
    expectedVersion: number;
    set: StatusChange;
    step: HistoryStep;
    actor: string;
    now: Date;
  }): Promise<ChangeRequest>;
  /** Active changes on any of the entities whose planned periods overlap. */
  findOverlapping(options: {
    entityRefs: string[];
    plannedStart: string;
    plannedEnd: string;
    excludeDbId?: number;
    filter?: PermissionCriteria<ChangeRequestFilter>;
  }): Promise<ChangeRequestSummary[]>;
  /**
   * Changes whose implementation finished in [from, to), among those the
   * filter (the caller's read permission) lets through.
   */
  listImplemented(
    from: Date,
    to: Date,
    filter?: PermissionCriteria<ChangeRequestFilter>,
  ): Promise<ChangeMeasureRecord[]>;
}

type ChangeRow = {
  id: number;
  uid: string;
  title: string;
  description: string;
  category: string;
  risk: string;
  standard_type: string | null;
  justification: string | null;
  planned_start: Date | string | number;
  planned_end: Date | string | number;
  implementation_plan: string;
  rollback_plan: string;
  test_plan: string;
  requester: string;
  status: string;
  outcome: string | null;
  version: number;
  created_at: Date | string | number;
  updated_at: Date | string | number;
  submitted_at: Date | string | number | null;
  started_at: Date | string | number | null;
  finished_at: Date | string | number | null;
};

type HistoryRow = {
  version: number;
  actor: string;
  at: Date | string | number;
  action: string;
  from_status: string | null;
  to_status: string;
  comment: string | null;
};

/** A stored time as ISO 8601; SQLite hands back epoch ms, the others Dates. */
function iso(value: Date | string | number): string;
function iso(value: Date | string | number | null): string | undefined;
function iso(value: Date | string | number | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value)).toISOString();
  }
  return new Date(value).toISOString();
}

const sortColumns = {
  plannedStart: 'planned_start',
  createdAt: 'created_at',
  updatedAt: 'updated_at',
} as const;

const summaryColumns = [
  'id',
  'title',
  'category',
  'risk',
  'status',
  'outcome',
  'planned_start',
  'planned_end',
  'requester',
  'version',
  'created_at',
  'updated_at',
];

function encodeCursor(value: string, id: number): string {
  return Buffer.from(JSON.stringify([value, id]), 'utf8').toString('base64url');
}

/** Times a cursor can carry: what every supported database can compare. */
const CURSOR_MIN = Date.UTC(1970, 0, 1);
const CURSOR_MAX = Date.UTC(9999, 11, 31);

function decodeCursor(cursor: string): { value: Date; id: number } {
  try {
    const [value, id] = JSON.parse(
      Buffer.from(cursor, 'base64url').toString('utf8'),
    );
    const date = new Date(value);
    if (
      typeof value === 'string' &&
      date.getTime() >= CURSOR_MIN &&
      date.getTime() <= CURSOR_MAX &&
      Number.isSafeInteger(id) &&
      id > 0 &&
      id <= MAX_CHANGE_DB_ID
    ) {
      return { value: date, id };
    }
  } catch {
    // fall through
  }
  throw new InputError('cursor: is not a cursor from this API');
}

/** Applies a permission filter (from a conditional decision) to a query. */
function applyFilter(
  qb: Knex.QueryBuilder,
  filter: PermissionCriteria<ChangeRequestFilter>,
  knex: Knex,
): void {
  if ('allOf' in filter) {
    qb.where(inner => {
      for (const f of filter.allOf)
        inner.andWhere(b => applyFilter(b, f, knex));
    });
  } else if ('anyOf' in filter) {
    qb.where(inner => {
      for (const f of filter.anyOf) inner.orWhere(b => applyFilter(b, f, knex));
    });
  } else if ('not' in filter) {
    qb.whereNot(inner => applyFilter(inner, filter.not, knex));
  } else if (filter.property === 'entityRef') {
    qb.whereIn(
      `${CHANGES}.id`,
      knex(ENTITIES).select('change_id').whereIn('entity_ref', filter.values),
    );
  } else {
    qb.whereIn(`${CHANGES}.${filter.property}`, filter.values);
  }
}

/** {@link ChangeRequestStore} over the plugin's database (knex). */
export class DatabaseChangeRequestStore implements ChangeRequestStore {
  constructor(private readonly knex: Knex) {}

  async create(options: {
    fields: StoredFields;
    requester: string;
    now: Date;
    steps: Array<HistoryStep & { set: StatusChange }>;
  }): Promise<ChangeRequest> {
    const { fields, requester, now, steps } = options;
    const uid = randomUUID();
    const last = steps[steps.length - 1].set;
    const dbId = await this.knex.transaction(async trx => {
      await trx(CHANGES).insert({
        uid,
        title: fields.title,
        description: fields.description,
        category: fields.category,
        risk: fields.risk,
        standard_type: fields.standardType ?? null,
        justification: fields.justification ?? null,
        planned_start: new Date(fields.plannedStart),
        planned_end: new Date(fields.plannedEnd),
        implementation_plan: fields.implementationPlan,
        rollback_plan: fields.rollbackPlan,
        test_plan: fields.testPlan,
        requester,
        status: last.status,
        outcome: last.outcome ?? null,
        version: steps.length,
        created_at: now,
        updated_at: now,
        submitted_at:
          steps.find(s => s.set.submittedAt)?.set.submittedAt ?? null,
        started_at: steps.find(s => s.set.startedAt)?.set.startedAt ?? null,
        finished_at: null,
      });
      // `.returning()` does not work on MySQL: read the id back by uid.
      const row = await trx(CHANGES).where({ uid }).first('id');
      const id = Number(row.id);
      await trx(ENTITIES).insert(
        fields.entityRefs.map(ref => ({
          change_id: id,
          entity_ref: ref,
          status: last.status,
        })),
      );
      await trx(HISTORY).insert(
        steps.map((step, i) => ({
          change_id: id,
          version: i + 1,
          actor: requester,
          at: now,
          action: step.action,
          from_status: step.fromStatus ?? null,
          to_status: step.toStatus,
          comment: step.comment ?? null,
        })),
      );
      return id;
    });
    // What was just written, without reading it back.
    const at = now.toISOString();
    return {
      id: formatChangeId(dbId),
      title: fields.title,
      description: fields.description,
      category: fields.category,
      risk: fields.risk,
      standardType: fields.standardType ?? undefined,
      justification: fields.justification ?? undefined,
      entityRefs: [...fields.entityRefs].sort(),
      plannedStart: new Date(fields.plannedStart).toISOString(),
      plannedEnd: new Date(fields.plannedEnd).toISOString(),
      implementationPlan: fields.implementationPlan,
      rollbackPlan: fields.rollbackPlan,
      testPlan: fields.testPlan,
      requester,
      status: last.status,
      outcome: last.outcome,
      version: steps.length,
      createdAt: at,
      updatedAt: at,
      submittedAt: steps
        .find(s => s.set.submittedAt)
        ?.set.submittedAt?.toISOString(),
      startedAt: steps.find(s => s.set.startedAt)?.set.startedAt?.toISOString(),
    };
  }

  async get(dbId: number): Promise<ChangeRequest | undefined> {
    const row: ChangeRow | undefined = await this.knex(CHANGES)
      .where({ id: dbId })
      .first();
    if (!row) return undefined;
    const refs = await this.entityRefsOf([row.id]);
    return this.toChange(row, refs.get(row.id) ?? []);
  }

  async history(
    dbId: number,
    options: { upToVersion?: number } = {},
  ): Promise<ChangeHistoryEntry[]> {
    const qb = this.knex(HISTORY)
      .where({ change_id: dbId })
      .orderBy('version', 'asc');
    if (options.upToVersion !== undefined) {
      qb.where('version', '<=', options.upToVersion);
    }
    const rows: HistoryRow[] = await qb;
    return rows.map(r => ({
      version: r.version,
      actor: r.actor,
      at: iso(r.at),
      action: r.action as ChangeHistoryEntry['action'],
      fromStatus: (r.from_status ?? undefined) as ChangeStatus | undefined,
      toStatus: r.to_status as ChangeStatus,
      comment: r.comment ?? undefined,
    }));
  }

  async list(
    query: ListChangeRequestsQuery,
    filter?: PermissionCriteria<ChangeRequestFilter>,
  ): Promise<ChangeRequestList> {
    const column = sortColumns[query.sort];
    const desc = query.order === 'desc';
    const qb = this.knex(CHANGES).select(summaryColumns);

    if (query.entityRef?.length) {
      // One index (entity, status) finds the few candidates.
      const candidates = this.knex(ENTITIES)
        .select('change_id')
        .whereIn('entity_ref', query.entityRef);
      if (query.status?.length) candidates.whereIn('status', query.status);
      qb.whereIn('id', candidates);
    }
    if (query.status?.length) qb.whereIn('status', query.status);
    if (query.category?.length) qb.whereIn('category', query.category);
    if (query.requester?.length) qb.whereIn('requester', query.requester);
    if (query.plannedTo)
      qb.where('planned_start', '<', new Date(query.plannedTo));
    if (query.plannedFrom) {
      qb.where('planned_end', '>', new Date(query.plannedFrom));
    }
    if (filter) applyFilter(qb, filter, this.knex);
    if (query.cursor) {
      const { value, id } = decodeCursor(query.cursor);
      const op = desc ? '<' : '>';
      qb.where(inner =>
        inner
          .where(column, op, value)
          .orWhere(b => b.where(column, '=', value).andWhere('id', op, id)),
      );
    }
    qb.orderBy([
      { column, order: query.order },
      { column: 'id', order: query.order },
    ]).limit(query.limit + 1);

    const rows: ChangeRow[] = await qb;
    const page = rows.slice(0, query.limit);
    const refs = await this.entityRefsOf(page.map(r => r.id));
    const items = page.map(r => this.toSummary(r, refs.get(r.id) ?? []));
    const lastRow = page[page.length - 1];
    return {
      items,
      nextCursor:
        rows.length > query.limit && lastRow
          ? encodeCursor(iso(lastRow[column]), lastRow.id)
          : undefined,
    };
  }

  async update(options: {
    dbId: number;
    expectedVersion: number;
    fields: Partial<StoredFields>;
    actor: string;
    comment?: string;
    now: Date;
  }): Promise<ChangeRequest> {
    const { dbId, expectedVersion, fields, actor, comment, now } = options;
    await this.knex.transaction(async trx => {
      const current = await this.bumpVersion(trx, dbId, expectedVersion, {
        ...(fields.title !== undefined && { title: fields.title }),
        ...(fields.description !== undefined && {
          description: fields.description,
        }),
        ...(fields.category !== undefined && { category: fields.category }),
        ...(fields.risk !== undefined && { risk: fields.risk }),
        ...(fields.standardType !== undefined && {
          standard_type: fields.standardType,
        }),
        ...(fields.justification !== undefined && {
          justification: fields.justification,
        }),
        ...(fields.plannedStart !== undefined && {
          planned_start: new Date(fields.plannedStart),
        }),
        ...(fields.plannedEnd !== undefined && {
          planned_end: new Date(fields.plannedEnd),
        }),
        ...(fields.implementationPlan !== undefined && {
          implementation_plan: fields.implementationPlan,
        }),
        ...(fields.rollbackPlan !== undefined && {
          rollback_plan: fields.rollbackPlan,
        }),
        ...(fields.testPlan !== undefined && { test_plan: fields.testPlan }),
        updated_at: now,
      });
      if (fields.entityRefs) {
        await trx(ENTITIES).where({ change_id: dbId }).delete();
        await trx(ENTITIES).insert(
          fields.entityRefs.map(ref => ({
            change_id: dbId,
            entity_ref: ref,
            status: current.status,
          })),
        );
      }
      await trx(HISTORY).insert({
        change_id: dbId,
        version: expectedVersion + 1,
        actor,
        at: now,
        action: 'edit',
        from_status: current.status,
        to_status: current.status,
        comment: comment ?? null,
      });
    });
    return (await this.get(dbId))!;
  }

  async transition(options: {
    dbId: number;
    expectedVersion: number;
    set: StatusChange;
    step: HistoryStep;
    actor: string;
    now: Date;
  }): Promise<ChangeRequest> {
    const { dbId, expectedVersion, set, step, actor, now } = options;
    await this.knex.transaction(async trx => {
      await this.bumpVersion(trx, dbId, expectedVersion, {
        status: set.status,
        ...(set.outcome && { outcome: set.outcome }),
        ...(set.submittedAt && { submitted_at: set.submittedAt }),
        ...(set.startedAt && { started_at: set.startedAt }),
        ...(set.finishedAt && { finished_at: set.finishedAt }),
        updated_at: now,
      });
      await trx(ENTITIES)
        .where({ change_id: dbId })
        .update({ status: set.status });
      await trx(HISTORY).insert({
        change_id: dbId,
        version: expectedVersion + 1,
        actor,
        at: now,
        action: step.action,
        from_status: step.fromStatus ?? null,
        to_status: step.toStatus,
        comment: step.comment ?? null,
      });
    });
    return (await this.get(dbId))!;
  }

  async findOverlapping(options: {
    entityRefs: string[];
    plannedStart: string;
    plannedEnd: string;
    excludeDbId?: number;
    filter?: PermissionCriteria<ChangeRequestFilter>;
  }): Promise<ChangeRequestSummary[]> {
    const qb = this.knex(CHANGES)
      .select(summaryColumns)
      .whereIn(
        'id',
        this.knex(ENTITIES)
          .select('change_id')
          .whereIn('entity_ref', options.entityRefs)
          .whereIn('status', activeChangeStatuses),
      )
      .whereIn('status', activeChangeStatuses)
      .where('planned_start', '<', new Date(options.plannedEnd))
      .where('planned_end', '>', new Date(options.plannedStart))
      .orderBy('planned_start', 'asc')
      .limit(50);
    if (options.excludeDbId !== undefined) {
      qb.whereNot('id', options.excludeDbId);
    }
    if (options.filter) applyFilter(qb, options.filter, this.knex);
    const rows: ChangeRow[] = await qb;
    const refs = await this.entityRefsOf(rows.map(r => r.id));
    return rows.map(r => this.toSummary(r, refs.get(r.id) ?? []));
  }

  async listImplemented(
    from: Date,
    to: Date,
    filter?: PermissionCriteria<ChangeRequestFilter>,
  ): Promise<ChangeMeasureRecord[]> {
    const qb = this.knex(CHANGES)
      .select(
        'id',
        'category',
        'standard_type',
        'outcome',
        'submitted_at',
        'finished_at',
      )
      .where('finished_at', '>=', from)
      .andWhere('finished_at', '<', to)
      .whereNotNull('outcome');
    if (filter) applyFilter(qb, filter, this.knex);
    const rows: ChangeRow[] = await qb;
    const refs = await this.entityRefsOf(rows.map(r => r.id));
    return rows.map(r => ({
      id: formatChangeId(r.id),
      category: r.category as ChangeCategory,
      ...(r.standard_type ? { standardType: r.standard_type } : {}),
      outcome: r.outcome as ChangeOutcome,
      entityRefs: refs.get(r.id) ?? [],
      submittedAt: iso(r.submitted_at),
      finishedAt: iso(r.finished_at!),
    }));
  }

  /**
   * Moves a change request from the version the writer read to the next one,
   * or fails: 409 when someone else wrote first, 404 when there is no such
   * change. Runs inside the caller's transaction.
   */
  private async bumpVersion(
    trx: Knex.Transaction,
    dbId: number,
    expectedVersion: number,
    columns: Record<string, unknown>,
  ): Promise<{ status: ChangeStatus }> {
    const updated = await trx(CHANGES)
      .where({ id: dbId, version: expectedVersion })
      .update({ ...columns, version: expectedVersion + 1 });
    if (updated === 1) {
      const row = await trx(CHANGES).where({ id: dbId }).first('status');
      return { status: row.status };
    }
    const row = await trx(CHANGES).where({ id: dbId }).first('version');
    if (!row) {
      throw new NotFoundError(`${formatChangeId(dbId)} does not exist`);
    }
    throw new ConflictError(
      `${formatChangeId(
        dbId,
      )} was changed by someone else: you read version ${expectedVersion}, it is now at version ${
        row.version
      }. Reload it and try again.`,
    );
  }

  private async entityRefsOf(ids: number[]): Promise<Map<number, string[]>> {
    const map = new Map<number, string[]>();
    if (ids.length === 0) return map;
    const rows: Array<{ change_id: number; entity_ref: string }> =
      await this.knex(ENTITIES)
        .whereIn('change_id', ids)
        .orderBy('entity_ref', 'asc');
    for (const row of rows) {
      const id = Number(row.change_id);
      map.set(id, [...(map.get(id) ?? []), row.entity_ref]);
    }
    return map;
  }

  private toSummary(
    row: ChangeRow,
    entityRefs: string[],
  ): ChangeRequestSummary {
    return {
      id: formatChangeId(row.id),
      title: row.title,
      category: row.category as ChangeCategory,
      risk: row.risk as ChangeRisk,
      status: row.status as ChangeStatus,
      outcome: (row.outcome ?? undefined) as ChangeOutcome | undefined,
      entityRefs,
      plannedStart: iso(row.planned_start),
      plannedEnd: iso(row.planned_end),
      requester: row.requester,
      version: row.version,
      createdAt: iso(row.created_at),
      updatedAt: iso(row.updated_at),
    };
  }

  private toChange(row: ChangeRow, entityRefs: string[]): ChangeRequest {
    return {
      ...this.toSummary(row, entityRefs),
      description: row.description,
      standardType: row.standard_type ?? undefined,
      justification: row.justification ?? undefined,
      implementationPlan: row.implementation_plan,
      rollbackPlan: row.rollback_plan,
      testPlan: row.test_plan,
      submittedAt: iso(row.submitted_at),
      startedAt: iso(row.started_at),
      finishedAt: iso(row.finished_at),
    };
  }
}

/** The approvals of the current round: those since the last submission. */
export function currentApprovals(
  history: ChangeHistoryEntry[],
): ChangeApproval[] {
  let lastSubmit = -1;
  history.forEach((entry, i) => {
    if (entry.action === 'submit') lastSubmit = i;
  });
  return history
    .slice(lastSubmit + 1)
    .filter(e => e.action === 'approve')
    .map(e => ({ by: e.actor, at: e.at, comment: e.comment }));
}
