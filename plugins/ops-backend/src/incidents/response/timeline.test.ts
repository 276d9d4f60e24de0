import { UpstreamIncidentView } from './IncidentReadCache';
import {
  mitigatedAt,
  respondersOf,
  roleMirrorNote,
  statusUpdatesOf,
  timelineOf,
} from './timeline';

const at = (minute: number) =>
  new Date(Date.UTC(2026, 11, 5, 10, minute)).toISOString();
const ana = { id: 'PUANA', name: 'Ana Silva', email: 'ana@example.com' };
const ben = { id: 'PUBEN', name: 'Ben Okafor', email: 'ben@example.com' };

/** An incident as PagerDuty answers it: notes appear as notes and in the log. */
function view(): UpstreamIncidentView {
  const mirror = roleMirrorNote('commander', 'Ben Okafor', 'Ana Silva');
  return {
    incident: {
      id: 'Q1',
      title: 'Checkout errors',
      status: 'acknowledged',
      serviceId: 'PSV',
      createdAt: at(0),
      assignees: [ana],
    },
    logEntries: [
      {
        id: 'T',
        kind: 'trigger',
        type: 'trigger_log_entry',
        at: at(0),
        summary: 'Triggered through the API',
      },
      {
        id: 'N',
        kind: 'notify',
        type: 'notify_log_entry',
        at: at(0),
        summary: 'Notified Ana Silva',
      },
      {
        id: 'A',
        kind: 'acknowledge',
        type: 'acknowledge_log_entry',
        at: at(3),
        summary: 'Acknowledged by Ben Okafor',
        agent: ben,
      },
      {
        id: 'M',
        kind: 'annotate',
        type: 'annotate_log_entry',
        at: at(5),
        summary: 'Note added',
        detail: mirror,
        agent: ana,
      },
      {
        id: 'X',
        kind: 'annotate',
        type: 'annotate_log_entry',
        at: at(8),
        summary: 'Note added',
        detail: 'DB connections saturated',
        agent: ben,
      },
      {
        id: 'S1',
        kind: 'annotate',
        type: 'annotate_log_entry',
        at: at(10),
        summary: 'Status update sent',
        detail: 'Investigating 5xx on checkout',
        agent: ana,
      },
      {
        id: 'S2',
        kind: 'status-update',
        type: 'status_update_log_entry',
        at: at(25),
        summary: 'Status update',
        detail: 'Mitigated: pool size raised',
        agent: ana,
      },
    ],
    notes: [
      { id: 'PNM', content: mirror, at: at(5), user: ana },
      { id: 'PNX', content: 'DB connections saturated', at: at(8), user: ben },
    ],
    changeEvents: [],
    fetchedAt: at(26),
  };
}

describe('the incident timeline', () => {
  const people = {
    nameOf: (ref: string) =>
      ({ 'user:default/ben': 'Ben Okafor', 'user:default/ana': 'Ana Silva' }[
        ref
      ] ?? ref),
    refOfEmail: (email?: string) =>
      email ? `user:default/${email.split('@')[0]}` : undefined,
  };

  it('merges log, notes and role assignments oldest first, each note once, without the mirror note or notify entries', () => {
    const timeline = timelineOf(
      view(),
      [
        {
          id: 1,
          incidentId: 'Q1',
          role: 'commander',
          userRef: 'user:default/ben',
          assignedBy: 'user:default/ana',
          assignedAt: at(5),
        },
      ],
      people,
    );
    expect(timeline.map(e => [e.kind, e.summary, e.detail])).toEqual([
      ['triggered', 'Triggered through the API', undefined],
      ['acknowledged', 'Acknowledged by Ben Okafor', undefined],
      ['role-assigned', 'Incident Commander: Ben Okafor', undefined],
      ['note', 'Note', 'DB connections saturated'],
      ['status-update', 'Status update', 'Investigating 5xx on checkout'],
      ['status-update', 'Status update', 'Mitigated: pool size raised'],
    ]);
    expect(timeline[1].actor).toEqual({
      name: 'Ben Okafor',
      ref: 'user:default/ben',
    });
    expect(timeline[2]).toMatchObject({
      source: 'portal',
      actor: { name: 'Ana Silva', ref: 'user:default/ana' },
    });
    expect(timeline[3].id).toBe('pd-note-PNX');
  });

  it('finds status updates (annotations that are not notes) and the first mitigation', () => {
    expect(statusUpdatesOf(view()).map(e => e.id)).toEqual(['S1', 'S2']);
    expect(mitigatedAt(view())).toBe(at(25));

    const withNote = view();
    withNote.notes.push({
      id: 'PNY',
      content: 'Mitigation: traffic moved to the standby',
      at: at(20),
      user: ben,
    });
    expect(mitigatedAt(withNote)).toBe(at(20));
  });

  it('lists assignees and those who acknowledged as responders', () => {
    expect(respondersOf(view()).map(p => p.name)).toEqual([
      'Ana Silva',
      'Ben Okafor',
    ]);
  });
});
