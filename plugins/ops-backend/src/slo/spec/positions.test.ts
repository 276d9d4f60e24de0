import { FileProblems } from './positions';

const text = `# comment
apiVersion: openslo/v1
metadata:
  name: a
  labels: { team: payments }
spec:
  objectives:
    - displayName: first
      target: 0.9
    -
      target: 0.99
  empty:
---
kind: SLO
`;

describe('FileProblems.lineOf', () => {
  const file = new FileProblems('slo.yaml');
  const [doc, second] = file.documents(text);
  const lineOf = (...path: (string | number)[]) => file.lineOf({ doc, path });

  it('gives the line of a scalar value', () => {
    expect(lineOf('apiVersion')).toBe(2);
    expect(lineOf('metadata', 'name')).toBe(4);
    expect(lineOf('metadata', 'labels', 'team')).toBe(5);
    expect(lineOf('spec', 'objectives', 1, 'target')).toBe(11);
  });

  it('gives the line of the key for a mapping or list under a key', () => {
    expect(lineOf('metadata')).toBe(3);
    expect(lineOf('spec', 'objectives')).toBe(7);
    expect(lineOf('metadata', 'labels')).toBe(5);
  });

  it('gives the line of a list item where the item starts', () => {
    expect(lineOf('spec', 'objectives', 0)).toBe(8);
    expect(lineOf('spec', 'objectives', 1)).toBe(11);
  });

  it('gives the line of the nearest value there for a missing one', () => {
    expect(lineOf('spec', 'budgetingMethod')).toBe(6);
    expect(lineOf('spec', 'objectives', 5, 'target')).toBe(7);
    expect(lineOf('metadata', 'name', 'deeper')).toBe(4);
    expect(lineOf('kind')).toBe(2);
    expect(lineOf('spec', 'empty')).toBe(12);
  });

  it('counts lines across documents', () => {
    expect(file.lineOf({ doc: second, path: ['kind'] })).toBe(14);
  });
});
