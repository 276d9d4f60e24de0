import { DEFAULT_AUTOSCALING, parseAutoscalingAnnotation } from './autoscaling';

describe('the autoscaling annotation', () => {
  it('reads the bounds of the seed', () => {
    const { bounds, problems } = parseAutoscalingAnnotation(
      'min=2,max=10,cpu=70,memory=80,nodes=3-20',
    );
    expect(problems).toEqual([]);
    expect(bounds).toEqual({
      minReplicas: 2,
      maxReplicas: 10,
      targetCpu: 70,
      targetMemory: 80,
      nodes: { min: 3, max: 20, targetCpu: 70 },
      source: 'annotation',
    });
  });

  it('fills in what is not given from the defaults', () => {
    const { bounds } = parseAutoscalingAnnotation(' max = 6 ');
    expect(bounds.maxReplicas).toBe(6);
    expect(bounds.minReplicas).toBe(2);
    expect(bounds.targetCpu).toBe(70);
  });

  it('uses the configured defaults when there is no annotation', () => {
    const defaults = { ...DEFAULT_AUTOSCALING, maxReplicas: 30 };
    const { bounds, problems } = parseAutoscalingAnnotation(
      undefined,
      defaults,
    );
    expect(bounds.maxReplicas).toBe(30);
    expect(bounds.source).toBe('config');
    expect(problems).toEqual([]);
  });

  it('reports bad values and unknown keys, keeping the defaults', () => {
    const { bounds, problems } = parseAutoscalingAnnotation(
      'min=two,cpu=150,replicas=4,nodes=3..20',
    );
    expect(problems).toEqual([
      'min=two is not a valid number',
      'cpu=150 is not a valid number',
      'unknown key "replicas"',
      'nodes=3..20 should look like nodes=3-20',
    ]);
    expect(bounds.minReplicas).toBe(2);
    expect(bounds.targetCpu).toBe(70);
  });

  it('refuses min above max', () => {
    const { bounds, problems } = parseAutoscalingAnnotation('min=12,max=4');
    expect(problems).toEqual(['min (12) is above max (4)']);
    expect(bounds.minReplicas).toBe(2);
    expect(bounds.maxReplicas).toBe(10);
  });
});
