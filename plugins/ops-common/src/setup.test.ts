import { Entity } from '@backstage/catalog-model';
import {
  describeOpsSetup,
  isCapacityConfigured,
  isChangesConfigured,
  isIncidentsConfigured,
  isOnCallConfigured,
  isRunbooksConfigured,
  isSloConfigured,
  isTeamOnCallConfigured,
} from './setup';

function entity(
  annotations: Record<string, string>,
  extra: Partial<Entity['metadata']> = {},
  kind = 'Component',
): Entity {
  return {
    apiVersion: 'backstage.io/v1alpha1',
    kind,
    metadata: { name: 'queue-worker', annotations, ...extra },
  };
}

describe('what is configured', () => {
  it('counts a queue or a load balancer target group as a capacity source, as the capacity card does', () => {
    const queueOnly = entity({ 'opsportal.dev/sqs-queue': 'orders-events' });
    const albOnly = entity({
      'opsportal.dev/alb': 'app/shop/123',
      'opsportal.dev/alb-target-group': 'targetgroup/orders/456',
    });
    for (const e of [queueOnly, albOnly]) {
      expect(isCapacityConfigured(e)).toBe(true);
      expect(describeOpsSetup(e).find(i => i.feature === 'Capacity')).toEqual(
        expect.objectContaining({ configured: true }),
      );
    }
    expect(
      describeOpsSetup(queueOnly).find(i => i.feature === 'Capacity')?.detail,
    ).toBe('SQS orders-events');
    expect(isCapacityConfigured(entity({ 'opsportal.dev/alb': 'x' }))).toBe(
      false,
    );
  });

  it('counts a Prometheus job as a capacity source', () => {
    const job = entity({ 'prometheus.io/job': 'queue-worker' });
    expect(isCapacityConfigured(job)).toBe(true);
    expect(describeOpsSetup(job).find(i => i.feature === 'Capacity')).toEqual(
      expect.objectContaining({
        configured: true,
        detail: 'Prometheus job queue-worker',
      }),
    );
  });

  it('counts any SLO annotation, not only the spec or availability', () => {
    const latencyOnly = entity({ 'opsportal.dev/slo-latency-p95': '250ms' });
    expect(isSloConfigured(latencyOnly)).toBe(true);
    expect(describeOpsSetup(latencyOnly)[1]).toEqual({
      feature: 'SLOs and error budgets',
      configured: true,
      detail: 'p95 latency 250ms',
    });
  });

  it('counts TechDocs and runbook links as runbooks', () => {
    expect(
      isRunbooksConfigured(entity({ 'backstage.io/techdocs-ref': 'dir:.' })),
    ).toBe(true);
    expect(
      isRunbooksConfigured(
        entity({}, { links: [{ url: 'https://x/rb', type: 'Runbook' }] }),
      ),
    ).toBe(true);
    expect(isRunbooksConfigured(entity({}))).toBe(false);
  });

  it('tells a team with an escalation policy from a service', () => {
    const team = entity(
      { 'pagerduty.com/escalation-policy-id': 'PABC' },
      {},
      'Group',
    );
    expect(isTeamOnCallConfigured(team)).toBe(true);
    expect(isIncidentsConfigured(team)).toBe(true);
    const service = entity({ 'pagerduty.com/service-id': 'PSVC' });
    expect(isTeamOnCallConfigured(service)).toBe(false);
    expect(isOnCallConfigured(service)).toBe(true);
    expect(isIncidentsConfigured(service)).toBe(true);
  });

  it('lets change requests affect components, resources and systems', () => {
    expect(isChangesConfigured(entity({}))).toBe(true);
    expect(isChangesConfigured(entity({}, {}, 'Resource'))).toBe(true);
    expect(isChangesConfigured(entity({}, {}, 'System'))).toBe(true);
    expect(isChangesConfigured(entity({}, {}, 'Group'))).toBe(false);
  });
});
