import { currentIncidentStage, incidentStageSteps, isMitigationText } from '.';

const created = '2026-12-05T10:00:00.000Z';

describe('incidentStageSteps', () => {
  it('puts a triggered incident in detection, with its trigger time', () => {
    const steps = incidentStageSteps({
      status: 'triggered',
      createdAt: created,
    });
    expect(steps.map(s => s.stage)).toEqual([
      'detection',
      'triage',
      'investigation',
      'mitigation',
      'recovery',
      'review',
    ]);
    expect(steps[0]).toEqual({
      stage: 'detection',
      reached: true,
      at: created,
      reason: 'triggered',
    });
    expect(steps.slice(1).every(s => !s.reached)).toBe(true);
    expect(currentIncidentStage(steps)).toBe('detection');
  });

  it('moves to triage on acknowledgement and names who acknowledged', () => {
    const steps = incidentStageSteps({
      status: 'acknowledged',
      createdAt: created,
      acknowledgedAt: '2026-12-05T10:03:00.000Z',
      acknowledgedBy: 'Ana Silva',
    });
    expect(currentIncidentStage(steps)).toBe('triage');
    expect(steps[1]).toEqual({
      stage: 'triage',
      reached: true,
      at: '2026-12-05T10:03:00.000Z',
      reason: 'acknowledged by Ana Silva',
    });
  });

  it('moves to investigation when an Incident Commander is assigned', () => {
    const steps = incidentStageSteps({
      status: 'acknowledged',
      createdAt: created,
      acknowledgedAt: '2026-12-05T10:03:00.000Z',
      commanderAssignedAt: '2026-12-05T10:05:00.000Z',
      commanderName: 'Ben Okafor',
    });
    expect(currentIncidentStage(steps)).toBe('investigation');
    expect(steps[2].reason).toBe('Ben Okafor is Incident Commander');
  });

  it('moves to mitigation, recovery and review, each keeping its time', () => {
    const steps = incidentStageSteps({
      status: 'resolved',
      createdAt: created,
      acknowledgedAt: '2026-12-05T10:03:00.000Z',
      commanderAssignedAt: '2026-12-05T10:05:00.000Z',
      mitigatedAt: '2026-12-05T10:40:00.000Z',
      resolvedAt: '2026-12-05T11:00:00.000Z',
      reviewCompletedAt: '2026-12-09T15:00:00.000Z',
    });
    expect(steps.map(s => s.at)).toEqual([
      created,
      '2026-12-05T10:03:00.000Z',
      '2026-12-05T10:05:00.000Z',
      '2026-12-05T10:40:00.000Z',
      '2026-12-05T11:00:00.000Z',
      '2026-12-09T15:00:00.000Z',
    ]);
    expect(currentIncidentStage(steps)).toBe('review');
  });

  it('counts skipped steps before a later one as passed, without a time', () => {
    const steps = incidentStageSteps({
      status: 'resolved',
      createdAt: created,
      resolvedAt: '2026-12-05T10:20:00.000Z',
    });
    expect(currentIncidentStage(steps)).toBe('recovery');
    expect(steps[1]).toEqual({
      stage: 'triage',
      reached: true,
      reason: 'passed',
    });
    expect(steps[3]).toEqual({
      stage: 'mitigation',
      reached: true,
      reason: 'passed',
    });
    expect(steps[5]).toEqual({ stage: 'review', reached: false });
  });

  it('treats an acknowledged status without a known time as triage', () => {
    const steps = incidentStageSteps({
      status: 'acknowledged',
      createdAt: created,
    });
    expect(steps[1]).toEqual({
      stage: 'triage',
      reached: true,
      at: undefined,
      reason: 'acknowledged',
    });
  });
});

describe('isMitigationText', () => {
  it('recognises mitigation notes and updates by their first word', () => {
    expect(isMitigationText('Mitigation: traffic moved to eu-west-1')).toBe(
      true,
    );
    expect(isMitigationText('  mitigated by rolling back CHG-1012')).toBe(true);
    expect(isMitigationText('MITIGATED: rollback done')).toBe(true);
    expect(isMitigationText('Investigating; mitigation next')).toBe(false);
    expect(isMitigationText('Mitigation plan drafted')).toBe(false);
    expect(isMitigationText(undefined)).toBe(false);
  });
});
