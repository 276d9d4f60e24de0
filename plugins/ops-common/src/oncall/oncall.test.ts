import { escalationLevelLabel, pagerDutyIdsOf } from '.';
import { isOnCallConfigured } from '../setup';

describe('pagerDutyIdsOf', () => {
  it('reads several comma-separated ids per annotation, without duplicates', () => {
    const ids = pagerDutyIdsOf({
      apiVersion: 'backstage.io/v1alpha1',
      kind: 'Group',
      metadata: {
        name: 'sre-team',
        annotations: {
          'pagerduty.com/service-id': 'PSVPAYM, PSVPGWY,PSVPAYM',
          'pagerduty.com/schedule-id': 'PSCHSRE',
        },
      },
    });
    expect(ids).toEqual({
      serviceIds: ['PSVPAYM', 'PSVPGWY'],
      escalationPolicyIds: [],
      scheduleIds: ['PSCHSRE'],
    });
  });

  it('knows an entity without PagerDuty annotations', () => {
    expect(
      isOnCallConfigured({
        apiVersion: 'backstage.io/v1alpha1',
        kind: 'Component',
        metadata: { name: 'storefront' },
      }),
    ).toBe(false);
  });
});

describe('escalationLevelLabel', () => {
  it('names the seed chain primary, secondary, escalation', () => {
    expect([1, 2, 3].map(l => escalationLevelLabel(l, 3))).toEqual([
      'Primary',
      'Secondary',
      'Escalation',
    ]);
    expect(escalationLevelLabel(4, 4)).toBe('Escalation 2');
  });
});
