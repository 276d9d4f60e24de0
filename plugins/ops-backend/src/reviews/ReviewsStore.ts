import { ConflictError, NotFoundError } from '@backstage/errors';
import {
  ActionItemStatus,
  formatActionItemId,
  formatReviewId,
  ReviewStatus,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';

const REVIEWS = 'ops_incident_reviews';
const ITEMS = 'ops_review_action_items';

/** What a review is about: an incident (PagerDuty id) or a change (CHG-n). */
export type ReviewSubjectKind = 'incident' | 'change';

/** An action item as stored. */
export interface StoredActionItem {
  dbId: number;
  reviewDbId: number;
  title: string;
  owner: string;
  dueDate: string;
  status: ActionItemStatus;
  url?: string;
  version: number;
  createdAt: string;
  /** When it was marked done (absent while not done). */
  doneAt?: string;
}

/** An action item with its review's entities, for the KPIs. */
export interface ActionItemWithEntities extends StoredActionItem {
  entityRefs: string[];
}

/** A review as stored, with its action items (oldest first). */
export interface StoredReview {
  dbId: number;
  subjectKind: ReviewSubjectKind;
  subjectId: string;
  title: string;
  severity?: string;
  entityRefs: string[];
  owner?: string;
  dueDate: string;
  status: ReviewStatus;
  documentUrl?: string;
  contributingFactors: string;
  createdAt: string;
  createdBy: string;
  completedAt?: string;
  dueNotifiedAt?: string;
  overdueNotifiedAt?: string;
  version: number;
  actionItems: StoredActionItem[];
}

/** A review to create. */
export interface NewReview {
  subjectKind: ReviewSubjectKind;
  subjectId: string;
  title: string;
  severity?: string;
  entityRefs: string[];
  owner?: string;
  dueDate: string;
  createdBy: string;
  now: Date;
}

/**
 * Fields of a review edit; `null` clears an optional one. Changing the
 * owner or the due date makes the reminders due again (the new owner, or
 * the owner of a new date, has not been told).
 */
export interface ReviewPatch {
  owner?: string;
  dueDate?: string;
  documentUrl?: string | null;
  contributingFactors?: string;
  status?: ReviewStatus;
}

/** Fields of an action item edit; `null` clears the link. */
export interface ActionItemPatch {
  title?: string;
  owner?: string;
  dueDate?: string;
  status?: ActionItemStatus;
  url?: string | null;
}

/** The reminders a review's owner gets, each once. */
export type ReviewReminder = 'due' | 'overdue';

/**
 * Where post-incident reviews live. Edits check the version the writer read
 * in a transaction (409 when stale); creation is idempotent per subject.
 */
export interface ReviewsStore {
  /** Creates the subject's review unless it has one; answers the one stored. */
  ensure(
    review: NewReview,
  ): Promise<{ review: StoredReview; created: boolean }>;
  get(dbId: number): Promise<StoredReview | undefined>;
  getBySubject(
    kind: ReviewSubjectKind,
    subjectId: string,
  ): Promise<StoredReview | undefined>;
  /** Which of the subjects have a review. */
  subjectsWithReviews(
    kind: ReviewSubjectKind,
    subjectIds: string[],
  ): Promise<Set<string>>;
  /** Open reviews, and those completed since `completedSince`; soonest due first. */
  list(options: { completedSince?: Date }): Promise<StoredReview[]>;
  /** Reviews (any status) due on dates in [from, to] (`YYYY-MM-DD`). */
  listDueBetween(from: string, to: string): Promise<StoredReview[]>;
  update(options: {
    dbId: number;
    expectedVersion: number;
    patch: ReviewPatch;
    now: Date;
  }): Promise<StoredReview>;
  addActionItem(options: {
    reviewDbId: number;
    title: string;
    owner: string;
    dueDate: string;
    url?: string;
    now: Date;
  }): Promise<{ review: StoredReview; item: StoredActionItem }>;
  updateActionItem(options: {
    reviewDbId: number;
    itemDbId: number;
    expectedVersion: number;
    patch: ActionItemPatch;
    now: Date;
  }): Promise<{ review: StoredReview; item: StoredActionItem }>;
  /**
   * Action items not done, or done since `doneSince`, with their review's
   * entities: what the KPI of overdue action items counts from.
   */
  listActionItemsForKpis(doneSince: Date): Promise<ActionItemWithEntities[]>;
  /** Action items not done, due on or before `dueOnOrBefore` when given. */
  listOpenActionItems(options?: {
    dueOnOrBefore?: string;
  }): Promise<StoredActionItem[]>;
  /**
   * Marks a reminder as sent unless it was: true for the one caller that
   * should send it.
   */
  claimReminder(
    dbId: number,
    reminder: ReviewReminder,
    now: Date,
  ): Promise<boolean>;
  /** Forgets a claimed reminder whose sending failed, so it is tried again. */
  releaseReminder(dbId: number, reminder: ReviewReminder): Promise<void>;
}

type Time = Date | string | number;

type ReviewRow = {
  id: number;
  subject_kind: string;
  subject_id: string;
  title: string;
  severity: string | null;
  entity_refs: string;
  owner: string | null;
  due_date: string;
  status: string;
  document_url: string | null;
  contributing_factors: string;
  created_at: Time;
  created_by: string;
  completed_at: Time | null;
  due_notified_at: Time | null;
  overdue_notified_at: Time | null;
  version: number;
};

type ItemRow = {
  id: number;
  review_id: number;
  title: string;
  owner: string;
  due_date: string;
  status: string;
  url: string | null;
  version: number;
  created_at: Time;
  done_at: Time | null;
};

/** A stored time as ISO 8601; SQLite hands back epoch ms, the others Dates. */
function iso(value: Time): string;
function iso(value: Time | null): string | undefined;
function iso(value: Time | null): string | undefined {
  if (value === null || value === undefined) return undefined;
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value)).toISOString();
  }
  return new Date(value).toISOString();
}

function parseRefs(text: string): string[] {
  try {
    const refs = JSON.parse(text);
    return Array.isArray(refs) ? refs.filter(r => typeof r === 'string') : [];
  } catch {
    return [];
  }
}

function toItem(row: ItemRow): StoredActionItem {
  return {
    dbId: Number(row.id),
    reviewDbId: Number(row.review_id),
    title: row.title,
    owner: row.owner,
    dueDate: row.due_date,
    status: row.status as ActionItemStatus,
    ...(row.url ? { url: row.url } : {}),
    version: Number(row.version),
    createdAt: iso(row.created_at),
    ...(row.done_at ? { doneAt: iso(row.done_at) } : {}),
  };
}

function toReview(row: ReviewRow, items: StoredActionItem[]): StoredReview {
  const optional = {
    severity: row.severity ?? undefined,
    owner: row.owner ?? undefined,
    documentUrl: row.document_url ?? undefined,
    completedAt: iso(row.completed_at),
    dueNotifiedAt: iso(row.due_notified_at),
    overdueNotifiedAt: iso(row.overdue_notified_at),
  };
  return {
    dbId: Number(row.id),
    subjectKind: row.subject_kind as ReviewSubjectKind,
    subjectId: row.subject_id,
    title: row.title,
    entityRefs: parseRefs(row.entity_refs),
    dueDate: row.due_date,
    status: row.status as ReviewStatus,
    contributingFactors: row.contributing_factors,
    createdAt: iso(row.created_at),
    createdBy: row.created_by,
    version: Number(row.version),
    actionItems: items,
    ...(Object.fromEntries(
      Object.entries(optional).filter(([, v]) => v !== undefined),
    ) as Partial<StoredReview>),
  };
}

/**
 * Whether a database error is a unique-key violation (PostgreSQL 23505,
 * MySQL ER_DUP_ENTRY, SQLite's UNIQUE constraint): another writer created
 * the same row first.
 */
export function isUniqueViolation(error: unknown): boolean {
  const e = error as { code?: unknown; errno?: unknown; message?: unknown };
  return (
    e?.code === '23505' ||
    e?.code === 'ER_DUP_ENTRY' ||
    e?.errno === 1062 ||
    e?.code === 'SQLITE_CONSTRAINT_UNIQUE' ||
    (typeof e?.message === 'string' &&
      /UNIQUE constraint failed/i.test(e.message))
  );
}

const reminderColumn: Record<ReviewReminder, string> = {
  due: 'due_notified_at',
  overdue: 'overdue_notified_at',
};

/** {@link ReviewsStore} over the plugin's database (knex). */
export class DatabaseReviewsStore implements ReviewsStore {
  constructor(private readonly knex: Knex) {}

  async ensure(
    review: NewReview,
  ): Promise<{ review: StoredReview; created: boolean }> {
    const existing = await this.getBySubject(
      review.subjectKind,
      review.subjectId,
    );
    if (existing) return { review: existing, created: false };
    let created = true;
    try {
      await this.knex(REVIEWS).insert({
        subject_kind: review.subjectKind,
        subject_id: review.subjectId,
        title: review.title.slice(0, 500),
        severity: review.severity ?? null,
        entity_refs: JSON.stringify(review.entityRefs),
        owner: review.owner ?? null,
        due_date: review.dueDate,
        status: 'open',
        document_url: null,
        contributing_factors: '',
        created_at: review.now,
        created_by: review.createdBy,
        completed_at: null,
        version: 1,
      });
    } catch (error) {
      // Another replica (or request) created it between our read and insert.
      if (!isUniqueViolation(error)) throw error;
      created = false;
    }
    const stored = await this.getBySubject(
      review.subjectKind,
      review.subjectId,
    );
    if (!stored) {
      throw new Error(
        `The review of ${review.subjectKind} ${review.subjectId} vanished after it was created`,
      );
    }
    return { review: stored, created };
  }

  async get(dbId: number): Promise<StoredReview | undefined> {
    return this.readOne(this.knex, { id: dbId });
  }

  async getBySubject(
    kind: ReviewSubjectKind,
    subjectId: string,
  ): Promise<StoredReview | undefined> {
    return this.readOne(this.knex, {
      subject_kind: kind,
      subject_id: subjectId,
    });
  }

  async subjectsWithReviews(
    kind: ReviewSubjectKind,
    subjectIds: string[],
  ): Promise<Set<string>> {
    const found = new Set<string>();
    // Chunks keep the IN list within every database's parameter limit.
    for (let i = 0; i < subjectIds.length; i += 500) {
      const rows: { subject_id: string }[] = await this.knex(REVIEWS)
        .select('subject_id')
        .where('subject_kind', kind)
        .whereIn('subject_id', subjectIds.slice(i, i + 500));
      for (const r of rows) found.add(r.subject_id);
    }
    return found;
  }

  async list(options: { completedSince?: Date }): Promise<StoredReview[]> {
    const qb = this.knex<ReviewRow>(REVIEWS).where(inner => {
      inner.where('status', 'open');
      if (options.completedSince) {
        inner.orWhere(b =>
          b
            .where('status', 'completed')
            .andWhere('completed_at', '>=', options.completedSince!),
        );
      }
    });
    qb.orderBy([
      { column: 'due_date', order: 'asc' },
      { column: 'id', order: 'asc' },
    ]);
    return this.withItems(await qb);
  }

  async listDueBetween(from: string, to: string): Promise<StoredReview[]> {
    const rows: ReviewRow[] = await this.knex(REVIEWS)
      .where('due_date', '>=', from)
      .andWhere('due_date', '<=', to)
      .orderBy([
        { column: 'due_date', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    return this.withItems(rows);
  }

  async update(options: {
    dbId: number;
    expectedVersion: number;
    patch: ReviewPatch;
    now: Date;
  }): Promise<StoredReview> {
    const { dbId, expectedVersion, patch, now } = options;
    return this.knex.transaction(async trx => {
      const current: ReviewRow | undefined = await trx(REVIEWS)
        .where({ id: dbId })
        .first();
      if (!current)
        throw new NotFoundError(`${formatReviewId(dbId)} not found`);
      if (Number(current.version) !== expectedVersion) {
        throw stale(formatReviewId(dbId), expectedVersion, current.version);
      }
      const set: Record<string, unknown> = { version: expectedVersion + 1 };
      if (patch.owner !== undefined) set.owner = patch.owner;
      if (patch.dueDate !== undefined) set.due_date = patch.dueDate;
      if (patch.documentUrl !== undefined) set.document_url = patch.documentUrl;
      if (patch.contributingFactors !== undefined) {
        set.contributing_factors = patch.contributingFactors;
      }
      if (patch.status !== undefined && patch.status !== current.status) {
        set.status = patch.status;
        set.completed_at = patch.status === 'completed' ? now : null;
      }
      if (
        (patch.owner !== undefined && patch.owner !== current.owner) ||
        (patch.dueDate !== undefined && patch.dueDate !== current.due_date)
      ) {
        set.due_notified_at = null;
        set.overdue_notified_at = null;
      }
      const count = await trx(REVIEWS)
        .where({ id: dbId, version: expectedVersion })
        .update(set);
      if (count !== 1) {
        const now2: ReviewRow | undefined = await trx(REVIEWS)
          .where({ id: dbId })
          .first();
        throw stale(formatReviewId(dbId), expectedVersion, now2?.version);
      }
      return (await this.readOne(trx, { id: dbId }))!;
    });
  }

  async addActionItem(options: {
    reviewDbId: number;
    title: string;
    owner: string;
    dueDate: string;
    url?: string;
    now: Date;
  }): Promise<{ review: StoredReview; item: StoredActionItem }> {
    return this.knex.transaction(async trx => {
      const review = await trx(REVIEWS)
        .where({ id: options.reviewDbId })
        .first('id');
      if (!review) {
        throw new NotFoundError(
          `${formatReviewId(options.reviewDbId)} not found`,
        );
      }
      const row = {
        review_id: options.reviewDbId,
        title: options.title,
        owner: options.owner,
        due_date: options.dueDate,
        status: 'open',
        url: options.url ?? null,
        version: 1,
        created_at: options.now,
      };
      const itemDbId = await insertId(trx, ITEMS, row);
      const stored = (await this.readOne(trx, { id: options.reviewDbId }))!;
      return {
        review: stored,
        item: stored.actionItems.find(i => i.dbId === itemDbId)!,
      };
    });
  }

  async updateActionItem(options: {
    reviewDbId: number;
    itemDbId: number;
    expectedVersion: number;
    patch: ActionItemPatch;
    now: Date;
  }): Promise<{ review: StoredReview; item: StoredActionItem }> {
    const { reviewDbId, itemDbId, expectedVersion, patch, now } = options;
    return this.knex.transaction(async trx => {
      const current: ItemRow | undefined = await trx(ITEMS)
        .where({ id: itemDbId, review_id: reviewDbId })
        .first();
      const name = formatActionItemId(itemDbId);
      if (!current) {
        throw new NotFoundError(
          `${name} is not an action item of ${formatReviewId(reviewDbId)}`,
        );
      }
      if (Number(current.version) !== expectedVersion) {
        throw stale(name, expectedVersion, current.version);
      }
      const set: Record<string, unknown> = { version: expectedVersion + 1 };
      if (patch.title !== undefined) set.title = patch.title;
      if (patch.owner !== undefined) set.owner = patch.owner;
      if (patch.dueDate !== undefined) set.due_date = patch.dueDate;
      if (patch.status !== undefined && patch.status !== current.status) {
        set.status = patch.status;
        if (patch.status === 'done') set.done_at = now;
        else if (current.status === 'done') set.done_at = null;
      }
      if (patch.url !== undefined) set.url = patch.url;
      const count = await trx(ITEMS)
        .where({ id: itemDbId, version: expectedVersion })
        .update(set);
      if (count !== 1) {
        const again: ItemRow | undefined = await trx(ITEMS)
          .where({ id: itemDbId })
          .first();
        throw stale(name, expectedVersion, again?.version);
      }
      const stored = (await this.readOne(trx, { id: reviewDbId }))!;
      return {
        review: stored,
        item: stored.actionItems.find(i => i.dbId === itemDbId)!,
      };
    });
  }

  async listOpenActionItems(
    options: { dueOnOrBefore?: string } = {},
  ): Promise<StoredActionItem[]> {
    const qb = this.knex<ItemRow>(ITEMS)
      .whereNot('status', 'done')
      .orderBy([
        { column: 'due_date', order: 'asc' },
        { column: 'id', order: 'asc' },
      ]);
    if (options.dueOnOrBefore) {
      qb.where('due_date', '<=', options.dueOnOrBefore);
    }
    const rows: ItemRow[] = await qb;
    return rows.map(toItem);
  }

  async listActionItemsForKpis(
    doneSince: Date,
  ): Promise<ActionItemWithEntities[]> {
    const rows: Array<ItemRow & { entity_refs: string }> = await this.knex(
      ITEMS,
    )
      .join(REVIEWS, `${REVIEWS}.id`, `${ITEMS}.review_id`)
      .select(`${ITEMS}.*`, `${REVIEWS}.entity_refs`)
      .where(inner =>
        inner
          .whereNot(`${ITEMS}.status`, 'done')
          .orWhere(`${ITEMS}.done_at`, '>=', doneSince),
      )
      .orderBy(`${ITEMS}.id`, 'asc');
    return rows.map(row => ({
      ...toItem(row),
      entityRefs: parseRefs(row.entity_refs),
    }));
  }

  async claimReminder(
    dbId: number,
    reminder: ReviewReminder,
    now: Date,
  ): Promise<boolean> {
    const column = reminderColumn[reminder];
    const count = await this.knex(REVIEWS)
      .where({ id: dbId })
      .whereNull(column)
      .update({ [column]: now });
    return count === 1;
  }

  async releaseReminder(dbId: number, reminder: ReviewReminder): Promise<void> {
    await this.knex(REVIEWS)
      .where({ id: dbId })
      .update({ [reminderColumn[reminder]]: null });
  }

  private async readOne(
    db: Knex | Knex.Transaction,
    where: Record<string, unknown>,
  ): Promise<StoredReview | undefined> {
    const row: ReviewRow | undefined = await db(REVIEWS).where(where).first();
    if (!row) return undefined;
    const items: ItemRow[] = await db(ITEMS)
      .where({ review_id: row.id })
      .orderBy('id', 'asc');
    return toReview(row, items.map(toItem));
  }

  /** Reviews with their action items, in two queries. */
  private async withItems(rows: ReviewRow[]): Promise<StoredReview[]> {
    const byReview = new Map<number, StoredActionItem[]>();
    const ids = rows.map(r => Number(r.id));
    for (let i = 0; i < ids.length; i += 500) {
      const items: ItemRow[] = await this.knex(ITEMS)
        .whereIn('review_id', ids.slice(i, i + 500))
        .orderBy('id', 'asc');
      for (const item of items) {
        const list = byReview.get(Number(item.review_id)) ?? [];
        list.push(toItem(item));
        byReview.set(Number(item.review_id), list);
      }
    }
    return rows.map(r => toReview(r, byReview.get(Number(r.id)) ?? []));
  }
}

function stale(name: string, read: number, now: number | undefined) {
  return new ConflictError(
    `${name} was changed by someone else: you read version ${read}, it is now at version ${now}. Reload it and try again.`,
  );
}

/**
 * Inserts a row and answers its id: PostgreSQL says it through RETURNING,
 * MySQL and SQLite as the insert's result (knex warns about RETURNING there).
 */
async function insertId(
  trx: Knex.Transaction,
  table: string,
  row: Record<string, unknown>,
): Promise<number> {
  const client = trx.client as {
    dialect?: string;
    config?: { client?: unknown };
  };
  if (
    client.dialect === 'postgresql' ||
    /^(pg|postgres)/i.test(String(client.config?.client ?? ''))
  ) {
    const [returned] = await trx(table).insert(row).returning('id');
    return Number(
      typeof returned === 'object' ? (returned as { id: number }).id : returned,
    );
  }
  const [id] = await trx(table).insert(row);
  return Number(id);
}
