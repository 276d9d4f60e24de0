import { UpstreamLogEntry } from '@opsportal/plugin-ops-node';
import {
  DEFAULT_UPDATE_CADENCE_MINUTES,
  lastStatusUpdateAt,
  laterOf,
  updateCadenceOf,
} from './cadence';

const at = (minute: number) =>
  new Date(Date.UTC(2026, 11, 5, 10, minute)).toISOString();

const annotate = (id: string, minute: number, detail: string) =>
  ({
    id,
    kind: 'annotate',
    type: 'annotate_log_entry',
    at: at(minute),
    summary: 'Note added',
    detail,
  } satisfies UpstreamLogEntry);

describe('update cadence', () => {
  const p1 = {
    severity: 'P1' as const,
    status: 'acknowledged' as const,
    createdAt: at(0),
  };

  it('finds the last status update in the log, not counting notes', () => {
    const log = {
      logEntries: [
        annotate('U1', 4, 'Investigating elevated errors.'),
        annotate('U2', 9, 'Rolled back; errors falling.'),
        annotate('N1', 12, 'Looking at the pool size.'),
      ],
      notes: [{ id: 'N1', content: 'Looking at the pool size.', at: at(12) }],
    };
    expect(lastStatusUpdateAt(log)).toBe(at(9));
    expect(lastStatusUpdateAt({ logEntries: [], notes: [] })).toBeUndefined();
  });

  it('is due one interval after the last update, or after the start', () => {
    const now = new Date(at(20));
    expect(
      updateCadenceOf(p1, undefined, DEFAULT_UPDATE_CADENCE_MINUTES, now),
    ).toEqual({
      intervalMinutes: 15,
      lastUpdateAt: at(0),
      nextUpdateDue: at(15),
      overdue: true,
    });
    expect(
      updateCadenceOf(p1, at(9), DEFAULT_UPDATE_CADENCE_MINUTES, now),
    ).toMatchObject({ nextUpdateDue: at(24), overdue: false });
    expect(
      updateCadenceOf(
        { ...p1, severity: 'P2' },
        at(9),
        DEFAULT_UPDATE_CADENCE_MINUTES,
        now,
      )?.nextUpdateDue,
    ).toBe(at(39));
  });

  it('owes nothing once resolved or for severities without a cadence', () => {
    const now = new Date(at(20));
    const minutes = DEFAULT_UPDATE_CADENCE_MINUTES;
    expect(
      updateCadenceOf({ ...p1, status: 'resolved' }, at(9), minutes, now),
    ).toBeUndefined();
    expect(
      updateCadenceOf({ ...p1, severity: 'P3' }, at(9), minutes, now),
    ).toBeUndefined();
    expect(updateCadenceOf(p1, at(9), { P2: 30 }, now)).toBeUndefined();
  });

  it('keeps the later of two known last updates', () => {
    expect(laterOf(at(3), at(9))).toBe(at(9));
    expect(laterOf(at(9), at(3))).toBe(at(9));
    expect(laterOf(undefined, at(3))).toBe(at(3));
    expect(laterOf(at(3), undefined)).toBe(at(3));
    expect(laterOf(undefined, undefined)).toBeUndefined();
  });
});
