import {
  AlarmReview,
  AlarmReviewOutcome,
  alarmReviewOutcomes,
} from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';

const REVIEWS = 'ops_alarm_reviews';
const READ_CHUNK = 500;

type Time = Date | string | number;

type ReviewRow = {
  id: string;
  region: string;
  alarm_name: string;
  entity_ref: string;
  outcome: string;
  note: string;
  reviewed_by: string;
  reviewed_at: Time;
};

function iso(value: Time): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value)).toISOString();
  }
  return new Date(value).toISOString();
}

function toReview(row: ReviewRow): AlarmReview {
  const outcome = (alarmReviewOutcomes as readonly string[]).includes(
    row.outcome,
  )
    ? (row.outcome as AlarmReviewOutcome)
    : 'keep';
  return {
    id: row.id,
    alarmName: row.alarm_name,
    ...(row.region ? { region: row.region } : {}),
    entityRef: row.entity_ref,
    outcome,
    note: row.note,
    reviewedBy: row.reviewed_by,
    reviewedAt: iso(row.reviewed_at),
  };
}

/** An alarm as reviews name it: its name and region (`''` or absent for the default). */
export interface AlarmId {
  alarmName: string;
  region?: string;
}

/** Key of an alarm in the maps this store answers. */
export function alarmKey(alarm: AlarmId): string {
  return `${alarm.region ?? ''}\u0000${alarm.alarmName}`;
}

/**
 * Reviews of alarms (the monthly alert review), in ops_alarm_reviews. A
 * review is never edited: a new one supersedes it, and the latest per alarm
 * is the one rows show.
 */
export class AlarmReviewsStore {
  constructor(private readonly db: Knex) {}

  /** Stores a review (its id made by the caller, a UUID). */
  async create(review: AlarmReview): Promise<AlarmReview> {
    // No `.returning()`: MySQL has none; the row is what was given.
    await this.db(REVIEWS).insert({
      id: review.id,
      region: review.region ?? '',
      alarm_name: review.alarmName,
      entity_ref: review.entityRef,
      outcome: review.outcome,
      note: review.note,
      reviewed_by: review.reviewedBy,
      reviewed_at: new Date(review.reviewedAt),
    });
    const row = await this.db<ReviewRow>(REVIEWS)
      .where({ id: review.id })
      .first();
    return toReview(row!);
  }

  /** The latest review of each of these alarms that has one, by {@link alarmKey}. */
  async latestFor(alarms: AlarmId[]): Promise<Map<string, AlarmReview>> {
    const wanted = new Set(alarms.map(alarmKey));
    const names = [...new Set(alarms.map(a => a.alarmName))];
    const result = new Map<string, AlarmReview>();
    for (let i = 0; i < names.length; i += READ_CHUNK) {
      const rows: ReviewRow[] = await this.db<ReviewRow>(REVIEWS)
        .whereIn('alarm_name', names.slice(i, i + READ_CHUNK))
        .orderBy([
          { column: 'reviewed_at', order: 'desc' },
          { column: 'id', order: 'desc' },
        ]);
      for (const row of rows) {
        const review = toReview(row);
        const key = alarmKey(review);
        if (wanted.has(key) && !result.has(key)) result.set(key, review);
      }
    }
    return result;
  }

  /** Reviews in [since, until), newest first; of these entities only, when given. */
  async list(options: {
    since: Date;
    until?: Date;
    entityRefs?: string[];
  }): Promise<AlarmReview[]> {
    const query = () => {
      const q = this.db<ReviewRow>(REVIEWS).where(
        'reviewed_at',
        '>=',
        options.since,
      );
      if (options.until) q.andWhere('reviewed_at', '<', options.until);
      return q;
    };
    let rows: ReviewRow[] = [];
    if (options.entityRefs) {
      const refs = [...new Set(options.entityRefs)];
      for (let i = 0; i < refs.length; i += READ_CHUNK) {
        rows.push(
          ...(await query().whereIn(
            'entity_ref',
            refs.slice(i, i + READ_CHUNK),
          )),
        );
      }
    } else {
      rows = await query();
    }
    return rows
      .map(toReview)
      .sort(
        (a, b) =>
          b.reviewedAt.localeCompare(a.reviewedAt) || b.id.localeCompare(a.id),
      );
  }
}
