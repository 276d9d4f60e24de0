import { ChangeCategory, ChangeOutcome } from './model';

/**
 * The change measures the seed steers by (change success rate, rollback
 * rate, emergency share, lead time), computed from implemented changes. Pure
 * functions, so the KPI feature and the frontend can use them as well.
 */

/** An implemented change, as the measures need it. @public */
export interface ChangeMeasureRecord {
  id: string;
  category: ChangeCategory;
  /** The standard-change type of a standard change. */
  standardType?: string;
  outcome: ChangeOutcome;
  entityRefs: string[];
  /** ISO 8601: when the change was submitted (emergency: started). */
  submittedAt?: string;
  /** ISO 8601: when the implementation finished. */
  finishedAt: string;
}

/** Measures of a set of implemented changes. Rates are fractions (0–1). @public */
export interface ChangeMeasures {
  /** Implemented changes: completed, failed or rolled back. */
  changes: number;
  successful: number;
  failed: number;
  rolledBack: number;
  emergency: number;
  /** successful / changes; undefined without changes. */
  successRate?: number;
  /** rolled back / changes. */
  rollbackRate?: number;
  /** emergency / changes. */
  emergencyShare?: number;
  /** Hours from submission to the end of implementation. */
  leadTimeHours: { median?: number; p90?: number; mean?: number };
}

/** Targets from the seed's KPI tables. @public */
export const changeMeasureTargets = {
  /** Change success rate > 95%. */
  successRate: 0.95,
  /** Rollback rate < 5%. */
  rollbackRate: 0.05,
};

/** Answer of `GET /change-measures`. @public */
export interface ChangeMeasuresReport {
  /** ISO 8601; changes that finished in [from, to) count. */
  from: string;
  to: string;
  platform: ChangeMeasures;
  /** Per affected entity (a change that touches two services counts for both). */
  services: Array<ChangeMeasures & { entityRef: string }>;
  /** Per owning team of the affected entities (each change once per team). */
  teams: Array<ChangeMeasures & { team: string }>;
  targets: typeof changeMeasureTargets;
}

/** Linear-interpolated quantile of sorted values. */
function quantile(sorted: number[], q: number): number | undefined {
  if (sorted.length === 0) return undefined;
  const pos = (sorted.length - 1) * q;
  const lower = Math.floor(pos);
  const upper = Math.ceil(pos);
  return sorted[lower] + (sorted[upper] - sorted[lower]) * (pos - lower);
}

/** Measures of one set of implemented changes. @public */
export function computeChangeMeasures(
  records: readonly ChangeMeasureRecord[],
): ChangeMeasures {
  const count = (o: ChangeOutcome) =>
    records.filter(r => r.outcome === o).length;
  const changes = records.length;
  const successful = count('successful');
  const failed = count('failed');
  const rolledBack = count('rolled-back');
  const emergency = records.filter(r => r.category === 'emergency').length;
  const leadTimes = records
    .filter(r => r.submittedAt)
    .map(
      r => (Date.parse(r.finishedAt) - Date.parse(r.submittedAt!)) / 3600_000,
    )
    .filter(h => Number.isFinite(h) && h >= 0)
    .sort((a, b) => a - b);
  const rate = (n: number) => (changes === 0 ? undefined : n / changes);
  return {
    changes,
    successful,
    failed,
    rolledBack,
    emergency,
    successRate: rate(successful),
    rollbackRate: rate(rolledBack),
    emergencyShare: rate(emergency),
    leadTimeHours: {
      median: quantile(leadTimes, 0.5),
      p90: quantile(leadTimes, 0.9),
      mean:
        leadTimes.length === 0
          ? undefined
          : leadTimes.reduce((a, b) => a + b, 0) / leadTimes.length,
    },
  };
}

/**
 * Measures for the platform, each affected entity, and each owning team.
 * `ownersOf` maps an entity ref to the refs of its owning groups.
 * @public
 */
export function changeMeasuresReport(
  records: readonly ChangeMeasureRecord[],
  options: {
    from: string;
    to: string;
    ownersOf: (entityRef: string) => readonly string[];
  },
): ChangeMeasuresReport {
  const byService = new Map<string, ChangeMeasureRecord[]>();
  const byTeam = new Map<string, ChangeMeasureRecord[]>();
  for (const record of records) {
    const teams = new Set<string>();
    for (const ref of new Set(record.entityRefs)) {
      byService.set(ref, [...(byService.get(ref) ?? []), record]);
      options.ownersOf(ref).forEach(team => teams.add(team));
    }
    for (const team of teams) {
      byTeam.set(team, [...(byTeam.get(team) ?? []), record]);
    }
  }
  const sorted = (map: Map<string, ChangeMeasureRecord[]>) =>
    [...map.entries()].sort(([a], [b]) => a.localeCompare(b));
  return {
    from: options.from,
    to: options.to,
    platform: computeChangeMeasures(records),
    services: sorted(byService).map(([entityRef, list]) => ({
      entityRef,
      ...computeChangeMeasures(list),
    })),
    teams: sorted(byTeam).map(([team, list]) => ({
      team,
      ...computeChangeMeasures(list),
    })),
    targets: changeMeasureTargets,
  };
}
