import { ConflictError } from '@backstage/errors';
import { IncidentRole } from '@opsportal/plugin-ops-common';
import { Knex } from 'knex';

/** A role as stored: who holds it, who assigned it and when. */
export interface StoredRoleAssignment {
  incidentId: string;
  role: IncidentRole;
  userRef: string;
  assignedBy: string;
  assignedAt: string;
  version: number;
}

/** One assignment as it happened (the timeline shows every one). */
export interface RoleAssignmentEvent {
  id: number;
  incidentId: string;
  role: IncidentRole;
  userRef: string;
  assignedBy: string;
  assignedAt: string;
}

/** What {@link IncidentRoleStore.assign} writes. */
export interface RoleAssignmentInput {
  incidentId: string;
  role: IncidentRole;
  userRef: string;
  assignedBy: string;
  now: Date;
  /**
   * The version the client saw; `null`/`undefined` when it saw the role
   * unassigned. A mismatch (someone assigned it meanwhile) is a conflict.
   */
  expectedVersion?: number | null;
}

/** Role assignments of incidents (tables `ops_incident_roles` and its history). */
export interface IncidentRoleStore {
  list(incidentId: string): Promise<StoredRoleAssignment[]>;
  history(incidentId: string): Promise<RoleAssignmentEvent[]>;
  /** Assigns a role; ConflictError when `expectedVersion` is stale. */
  assign(input: RoleAssignmentInput): Promise<StoredRoleAssignment>;
}

type RoleRow = {
  incident_id: string;
  role: string;
  user_ref: string;
  assigned_by: string;
  assigned_at: Date | string | number;
  version: number | string;
};

type HistoryRow = Omit<RoleRow, 'version'> & { id: number | string };

/** A stored time as ISO 8601; SQLite hands back epoch ms, the others Dates. */
function iso(value: Date | string | number): string {
  if (value instanceof Date) return value.toISOString();
  if (typeof value === 'number' || /^\d+$/.test(value)) {
    return new Date(Number(value)).toISOString();
  }
  return new Date(value).toISOString();
}

function fromRow(row: RoleRow): StoredRoleAssignment {
  return {
    incidentId: row.incident_id,
    role: row.role as IncidentRole,
    userRef: row.user_ref,
    assignedBy: row.assigned_by,
    assignedAt: iso(row.assigned_at),
    version: Number(row.version),
  };
}

/** Whether a write failed on the primary key (someone inserted first). */
function isDuplicateKey(error: unknown): boolean {
  const e = error as { code?: string; errno?: number; message?: string };
  return (
    e?.code === '23505' || // PostgreSQL
    e?.code === 'ER_DUP_ENTRY' || // MySQL
    e?.errno === 1062 ||
    e?.code === 'SQLITE_CONSTRAINT' ||
    e?.code === 'SQLITE_CONSTRAINT_PRIMARYKEY' ||
    /UNIQUE constraint failed|duplicate key/i.test(e?.message ?? '')
  );
}

/**
 * Role assignments in the ops plugin's database. An assignment replaces the
 * role's row only at the version the client saw (compare-and-set in one
 * UPDATE, or an INSERT the primary key refuses when someone was first), so
 * that two people assigning the same role at once do not silently overwrite
 * each other: the second gets a 409 and sees the first's choice.
 */
export class DatabaseIncidentRoleStore implements IncidentRoleStore {
  constructor(private readonly db: Knex) {}

  async list(incidentId: string): Promise<StoredRoleAssignment[]> {
    const rows: RoleRow[] = await this.db('ops_incident_roles')
      .where({ incident_id: incidentId })
      .orderBy('role');
    return rows.map(fromRow);
  }

  async history(incidentId: string): Promise<RoleAssignmentEvent[]> {
    const rows: HistoryRow[] = await this.db('ops_incident_role_history')
      .where({ incident_id: incidentId })
      .orderBy('id');
    return rows.map(row => ({
      id: Number(row.id),
      incidentId: row.incident_id,
      role: row.role as IncidentRole,
      userRef: row.user_ref,
      assignedBy: row.assigned_by,
      assignedAt: iso(row.assigned_at),
    }));
  }

  async assign(input: RoleAssignmentInput): Promise<StoredRoleAssignment> {
    const { incidentId, role, userRef, assignedBy, now } = input;
    const expected = input.expectedVersion ?? undefined;
    const stale = () =>
      new ConflictError(
        `The ${role} role of incident ${incidentId} was assigned by someone else meanwhile; reload and try again`,
      );
    try {
      return await this.db.transaction(async tx => {
        let version: number;
        if (expected === undefined) {
          version = 1;
          await tx('ops_incident_roles').insert({
            incident_id: incidentId,
            role,
            user_ref: userRef,
            assigned_by: assignedBy,
            assigned_at: now,
            version,
          });
        } else {
          version = expected + 1;
          const updated = await tx('ops_incident_roles')
            .where({ incident_id: incidentId, role, version: expected })
            .update({
              user_ref: userRef,
              assigned_by: assignedBy,
              assigned_at: now,
              version,
            });
          if (updated !== 1) throw stale();
        }
        await tx('ops_incident_role_history').insert({
          incident_id: incidentId,
          role,
          user_ref: userRef,
          assigned_by: assignedBy,
          assigned_at: now,
        });
        return {
          incidentId,
          role,
          userRef,
          assignedBy,
          assignedAt: now.toISOString(),
          version,
        };
      });
    } catch (error) {
      if (isDuplicateKey(error)) throw stale();
      throw error;
    }
  }
}
