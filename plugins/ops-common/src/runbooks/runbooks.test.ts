import {
  compareAlarms,
  isRunbookStale,
  linkAlarmsToRunbooks,
  parseSeverity,
  resolveSeverity,
  runbookUrlsInText,
  safeHref,
  slugify,
  StoredAlarm,
  RunbookSummary,
} from '.';

function alarm(name: string, extra: Partial<StoredAlarm> = {}): StoredAlarm {
  return {
    name,
    state: 'OK',
    severity: 'P3',
    severitySource: 'default',
    runbookUrls: [],
    ...extra,
  };
}

function runbook(
  id: string,
  extra: Partial<RunbookSummary> = {},
): RunbookSummary {
  return {
    id,
    source: 'markdown',
    title: id,
    alarms: [],
    headings: [],
    tags: [],
    ...extra,
  };
}

describe('safeHref', () => {
  /* eslint-disable no-script-url -- hostile URLs are what is tested */
  it.each([
    'javascript:alert(1)',
    'JaVaScRiPt:alert(1)',
    'java\tscript:alert(1)',
    ' javascript:alert(1)',
    'vbscript:msgbox(1)',
    'data:text/html,<script>alert(1)</script>',
    'file:///etc/passwd',
    '//evil.example/x',
    '/\\evil.example/x',
  ])('refuses %j', value => {
    expect(safeHref(value)).toBeUndefined();
  });
  /* eslint-enable no-script-url */

  it.each([
    ['https://runbooks.example/a?b=1#c', 'https://runbooks.example/a?b=1#c'],
    ['mailto:sre@example.com', 'mailto:sre@example.com'],
    ['/docs/default/component/x/', '/docs/default/component/x/'],
  ])('keeps %j', (value, expected) => {
    expect(safeHref(value)).toBe(expected);
  });
});

describe('runbookUrlsInText', () => {
  it('takes labelled URLs and URLs that say runbook, not dashboards', () => {
    const text =
      'p95 high. Dashboard: https://grafana.example/d/1. Runbook: https://wiki.example/ops/latency. See also https://runbooks.example/x/y.';
    expect(runbookUrlsInText(text)).toEqual([
      'https://wiki.example/ops/latency',
      'https://runbooks.example/x/y',
    ]);
  });

  it('answers nothing without a description', () => {
    expect(runbookUrlsInText(undefined)).toEqual([]);
  });
});

describe('severity', () => {
  it('reads P-levels, SEV-levels and the seed words', () => {
    expect(parseSeverity('p1')).toBe('P1');
    expect(parseSeverity('SEV-2')).toBe('P2');
    expect(parseSeverity('Medium')).toBe('P3');
    expect(parseSeverity('low')).toBe('P4');
    expect(parseSeverity('P9')).toBeUndefined();
    expect(parseSeverity(3)).toBeUndefined();
  });

  it('prefers the tag, then the first matching rule, then the default', () => {
    const options = {
      rules: [
        { pattern: '*-replica-lag', severity: 'P3' as const },
        { pattern: 'payment-*', severity: 'P1' as const },
      ],
      defaultSeverity: 'P4' as const,
    };
    expect(resolveSeverity('payment-service-x', 'P2', options)).toEqual({
      severity: 'P2',
      source: 'tag',
    });
    expect(resolveSeverity('payment-db-replica-lag', 'bogus', options)).toEqual(
      { severity: 'P3', source: 'rule' },
    );
    expect(resolveSeverity('payment-service-x', undefined, options)).toEqual({
      severity: 'P1',
      source: 'rule',
    });
    expect(resolveSeverity('search-x', undefined, options)).toEqual({
      severity: 'P4',
      source: 'default',
    });
  });
});

describe('isRunbookStale', () => {
  const now = new Date('2026-11-25T12:00:00Z');
  it('is stale past the age, fresh before it, never without a date', () => {
    expect(isRunbookStale({ lastUpdated: '2026-05-01' }, now, 180)).toBe(true);
    expect(isRunbookStale({ lastUpdated: '2026-06-10' }, now, 180)).toBe(false);
    expect(isRunbookStale({}, now, 180)).toBe(false);
  });
});

describe('linkAlarmsToRunbooks', () => {
  const runbooks = [
    runbook('payment-processing-failures', {
      name: 'payment-processing-failures.md',
      alarms: ['payment-service-processing-failures'],
    }),
    runbook('high-memory', { name: 'high-memory.md' }),
    runbook('db-failover', {
      name: 'db/db-failover.md',
      alarms: ['payment-service-db-*'],
    }),
    runbook('link-gateway', {
      source: 'link',
      url: 'https://runbooks.example/payment-service/gateway-timeouts',
    }),
  ];

  it('links by front matter, naming convention, pattern and description', () => {
    const linked = linkAlarmsToRunbooks(
      [
        alarm('payment-service-processing-failures'),
        alarm('payment-service-high-memory'),
        alarm('payment-service-db-unavailable'),
        alarm('payment-service-gateway-timeouts', {
          runbookUrls: [
            'https://runbooks.example/payment-service/gateway-timeouts/',
          ],
        }),
      ],
      runbooks,
      ['payment-service-'],
    );
    expect(linked.map(a => a.runbooks)).toEqual([
      [
        {
          runbookId: 'payment-processing-failures',
          title: 'payment-processing-failures',
          via: 'front-matter',
        },
      ],
      [{ runbookId: 'high-memory', title: 'high-memory', via: 'naming' }],
      [{ runbookId: 'db-failover', title: 'db-failover', via: 'front-matter' }],
      [
        {
          runbookId: 'link-gateway',
          title: 'link-gateway',
          via: 'description',
        },
      ],
    ]);
  });

  it('matches a repository link to the markdown file and keeps unknown links', () => {
    const [toFile, external] = linkAlarmsToRunbooks(
      [
        alarm('a', {
          runbookUrls: [
            'https://github.example/org/repo/blob/main/docs/db/db-failover.md',
          ],
        }),
        alarm('b', { runbookUrls: ['https://wiki.example/runbooks/b'] }),
      ],
      runbooks,
      [],
    );
    expect(toFile.runbooks).toEqual([
      { runbookId: 'db-failover', title: 'db-failover', via: 'description' },
    ]);
    expect(external.runbooks).toEqual([
      {
        url: 'https://wiki.example/runbooks/b',
        title: 'https://wiki.example/runbooks/b',
        via: 'description',
      },
    ]);
  });

  it('leaves an alarm nobody wrote a runbook for without links, once per runbook', () => {
    const [orphan, twice] = linkAlarmsToRunbooks(
      [
        alarm('payment-service-events-queue-backlog'),
        alarm('payment-service-high-memory', {
          runbookUrls: ['https://portal.example/x?runbook=high-memory'],
        }),
      ],
      runbooks,
      ['payment-service-'],
    );
    expect(orphan.runbooks).toEqual([]);
    expect(twice.runbooks).toHaveLength(1);
  });
});

describe('compareAlarms', () => {
  it('puts firing alarms first, then no data, then by severity', () => {
    const sorted = [
      alarm('ok-p1', { severity: 'P1' }),
      alarm('alarm-p3', { state: 'ALARM' }),
      alarm('nodata', { state: 'INSUFFICIENT_DATA' }),
      alarm('alarm-p2', { state: 'ALARM', severity: 'P2' }),
    ].sort(compareAlarms);
    expect(sorted.map(a => a.name)).toEqual([
      'alarm-p2',
      'alarm-p3',
      'nodata',
      'ok-p1',
    ]);
  });
});

describe('slugify', () => {
  it('makes anchors from headings', () => {
    expect(slugify('1. Roll back the last deployment!')).toBe(
      '1-roll-back-the-last-deployment',
    );
    expect(slugify('Über Größe')).toBe('uber-große');
    expect(slugify('***')).toBe('section');
  });
});
