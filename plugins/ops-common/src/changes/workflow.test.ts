import { ChangeCategory, ChangeStatus } from './model';
import {
  availableChangeActions,
  ChangeActor,
  decideTransition,
  statusesOf,
} from './workflow';

const requester = 'user:default/guest';
const everything = { update: true, approve: true, review: true };
const alice: ChangeActor = {
  userEntityRef: 'user:default/alice-chen',
  may: everything,
};
const bruno: ChangeActor = {
  userEntityRef: 'user:default/bruno-silva',
  may: everything,
};
const guest: ChangeActor = {
  userEntityRef: requester,
  may: { update: true, approve: false, review: false },
};
const none = { approvals: [], requiredApprovals: 0 };

function change(category: ChangeCategory, status: ChangeStatus) {
  return { category, status, requester };
}

describe('change workflows', () => {
  it('walks a standard change without approval', () => {
    expect(
      decideTransition(change('standard', 'draft'), 'submit', guest, none),
    ).toMatchObject({ ok: true, to: 'approved' });
    expect(
      decideTransition(change('standard', 'approved'), 'start', guest, none),
    ).toMatchObject({ ok: true, to: 'in-progress' });
    expect(
      decideTransition(
        change('standard', 'in-progress'),
        'complete',
        guest,
        none,
      ),
    ).toMatchObject({ ok: true, to: 'completed', outcome: 'successful' });
    expect(
      decideTransition(change('standard', 'draft'), 'approve', alice, none),
    ).toMatchObject({ ok: false, kind: 'state' });
  });

  it('needs an approver other than the requester for a normal change', () => {
    const submitted = change('normal', 'submitted');
    const context = { approvals: [], requiredApprovals: 1 };
    expect(
      decideTransition(submitted, 'approve', guest, context),
    ).toMatchObject({
      ok: false,
      kind: 'forbidden',
      reason: expect.stringMatching(/permission/),
    });
    const self: ChangeActor = { userEntityRef: requester, may: everything };
    expect(decideTransition(submitted, 'approve', self, context)).toMatchObject(
      {
        ok: false,
        kind: 'forbidden',
        reason: expect.stringMatching(/someone else/),
      },
    );
    expect(decideTransition(submitted, 'approve', alice, context)).toEqual({
      ok: true,
      from: 'submitted',
      to: 'approved',
      approvalComplete: true,
    });
    expect(
      decideTransition(change('normal', 'approved'), 'start', guest, none),
    ).toMatchObject({ ok: true, to: 'in-progress' });
  });

  it('needs two different approvers for a high-risk normal change', () => {
    const submitted = change('normal', 'submitted');
    const first = decideTransition(submitted, 'approve', alice, {
      approvals: [],
      requiredApprovals: 2,
    });
    expect(first).toMatchObject({
      ok: true,
      to: 'submitted',
      approvalComplete: false,
    });

    const afterAlice = {
      approvals: [
        { by: 'user:default/alice-chen', at: '2026-11-25T12:00:00Z' },
      ],
      requiredApprovals: 2,
    };
    expect(
      decideTransition(submitted, 'approve', alice, afterAlice),
    ).toMatchObject({
      ok: false,
      reason: expect.stringMatching(/already approved.*1 more approval /),
    });
    expect(
      decideTransition(submitted, 'approve', bruno, afterAlice),
    ).toMatchObject({
      ok: true,
      to: 'approved',
      approvalComplete: true,
    });
  });

  it('sends an emergency change to review after implementation, whatever the outcome', () => {
    expect(
      decideTransition(change('emergency', 'draft'), 'start', guest, none),
    ).toMatchObject({ ok: true, to: 'in-progress' });
    expect(
      decideTransition(change('emergency', 'draft'), 'submit', guest, none),
    ).toMatchObject({ ok: false, kind: 'state' });
    expect(
      decideTransition(
        change('emergency', 'in-progress'),
        'roll-back',
        guest,
        none,
      ),
    ).toMatchObject({ ok: true, to: 'review-pending', outcome: 'rolled-back' });
    const pending = change('emergency', 'review-pending');
    expect(
      decideTransition(pending, 'complete-review', guest, none),
    ).toMatchObject({
      ok: false,
      kind: 'forbidden',
    });
    expect(
      decideTransition(pending, 'complete-review', alice, none),
    ).toMatchObject({
      ok: true,
      to: 'reviewed',
    });
  });

  it('lists the next steps with the reasons a caller cannot take them', () => {
    const actions = availableChangeActions(
      change('normal', 'submitted'),
      guest,
      {
        approvals: [],
        requiredApprovals: 1,
      },
    );
    expect(actions).toEqual([
      expect.objectContaining({ action: 'approve', allowed: false }),
      expect.objectContaining({
        action: 'reject',
        allowed: false,
        commentRequired: true,
      }),
      expect.objectContaining({ action: 'cancel', allowed: true }),
    ]);
    expect(
      availableChangeActions(change('normal', 'completed'), alice, none),
    ).toEqual([]);
  });

  it('has no dead ends: every status but the final ones has a way on', () => {
    const finals = [
      'completed',
      'failed',
      'rolled-back',
      'rejected',
      'cancelled',
      'reviewed',
    ];
    for (const category of ['standard', 'normal', 'emergency'] as const) {
      for (const status of statusesOf(category)) {
        const next = availableChangeActions(change(category, status), alice, {
          approvals: [],
          requiredApprovals: 1,
        });
        expect([category, status, next.length > 0]).toEqual([
          category,
          status,
          !finals.includes(status),
        ]);
      }
    }
    expect(statusesOf('emergency')).not.toContain('approved');
    expect(statusesOf('standard')).not.toContain('submitted');
  });
});
