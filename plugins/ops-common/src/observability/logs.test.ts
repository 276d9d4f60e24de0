import {
  encodeInsightsQueryDetail,
  isObservabilityConfigured,
  logGroupsOf,
  logsInsightsUrl,
  normaliseLogMessage,
  retentionVerdict,
} from './logs';

/** Reverses the console's encoding, as the console does when it opens the link. */
function decodeDetail(url: string) {
  const fragment = url.split('#logsV2:logs-insights')[1];
  const once = decodeURIComponent(fragment.replace(/\$/g, '%'));
  expect(once.startsWith('?queryDetail=')).toBe(true);
  return decodeURIComponent(once.slice('?queryDetail='.length));
}

function value(text: string) {
  return decodeURIComponent(text.slice(1).replace(/\*/g, '%'));
}

describe('logsInsightsUrl', () => {
  it('encodes the query detail as the console writes it', () => {
    expect(
      encodeInsightsQueryDetail({
        end: 0,
        start: -3600,
        timeType: 'RELATIVE',
        editorString: 'fields @timestamp, @message',
        isLiveTail: false,
        source: ['/aws/lambda/a', '/b'],
      }),
    ).toBe(
      "~(end~0~start~-3600~timeType~'RELATIVE~editorString~'fields*20*40timestamp*2C*20*40message~isLiveTail~false~source~(~'*2Faws*2Flambda*2Fa~'*2Fb))",
    );
  });

  it('builds a console link with region, log groups and the query, surviving quotes, pipes and tildes', () => {
    const query = `fields @timestamp, message
| filter toupper(level) = "ERROR" and message like 'it''s ~(odd)*'
| sort @timestamp desc`;
    const url = logsInsightsUrl({
      region: 'eu-west-1',
      logGroups: ['/ecommerce/prod/order-service', '/x/ü'],
      query,
      rangeSeconds: 86_400,
    });

    expect(url).toMatch(
      /^https:\/\/eu-west-1\.console\.aws\.amazon\.com\/cloudwatch\/home\?region=eu-west-1#logsV2:logs-insights\$3FqueryDetail\$3D\$257E\$2528end\$257E0\$257Estart\$257E-86400\$257E/,
    );
    // Nothing but the console's own alphabet in the fragment.
    expect(url.split('#')[1]).toMatch(/^[A-Za-z0-9:$*.\-]+$/);
    const detail = decodeDetail(url);
    const parts = detail.slice(2, -1).split('~');
    expect(parts.slice(0, 8)).toEqual([
      'end',
      '0',
      'start',
      '-86400',
      'timeType',
      "'RELATIVE",
      'unit',
      "'seconds",
    ]);
    expect(parts[8]).toBe('editorString');
    expect(value(parts[9])).toBe(query);
    expect(parts[10]).toBe('source');
    expect(value(parts[12])).toBe('/ecommerce/prod/order-service');
    expect(value(parts[13].replace(/\)$/, ''))).toBe('/x/ü');
  });

  it('uses the console of China and GovCloud regions', () => {
    const args = { logGroups: ['/a'], query: 'fields @message' };
    expect(logsInsightsUrl({ ...args, region: 'cn-north-1' })).toMatch(
      /^https:\/\/cn-north-1\.console\.amazonaws\.cn\//,
    );
    expect(logsInsightsUrl({ ...args, region: 'us-gov-west-1' })).toMatch(
      /^https:\/\/us-gov-west-1\.console\.amazonaws-us-gov\.com\//,
    );
  });
});

describe('normaliseLogMessage', () => {
  it('replaces ids and numbers so that occurrences group', () => {
    const a = normaliseLogMessage(
      'Payment authorization failed for order ord-123456: upstream timeout after 5012 ms',
    );
    const b = normaliseLogMessage(
      'Payment  authorization failed for order ord-99: upstream timeout after 200 ms',
    );
    expect(a).toBe(
      'Payment authorization failed for order ord-<n>: upstream timeout after <n> ms',
    );
    expect(b).toBe(a);
    expect(
      normaliseLogMessage(
        'Event 3f2a9c1e-1b2c-4d3e-8f90-0123456789ab from 10.0.3.17:8080 for ann@example.com trace 5f1e0a9b3c2d4e6f',
      ),
    ).toBe('Event <uuid> from <ip> for <email> trace <hex>');
    expect(normaliseLogMessage('x'.repeat(400))).toHaveLength(300);
  });
});

describe('retentionVerdict', () => {
  const policy = { hotDays: 30, archiveDays: 365 };
  it('says how a group differs from the policy', () => {
    expect(
      retentionVerdict({ name: 'a', exists: true, retentionDays: 30 }, policy),
    ).toEqual({ name: 'a', exists: true, retentionDays: 30, verdict: 'ok' });
    expect(
      retentionVerdict({ name: 'a', exists: true, retentionDays: 7 }, policy),
    ).toMatchObject({
      verdict: 'shorter',
      message: expect.stringContaining('7 days'),
    });
    expect(
      retentionVerdict({ name: 'a', exists: true, retentionDays: 90 }, policy),
    ).toMatchObject({ verdict: 'longer' });
    expect(retentionVerdict({ name: 'a', exists: true }, policy)).toMatchObject(
      { verdict: 'never-expires', message: expect.stringContaining('365') },
    );
    expect(
      retentionVerdict({ name: 'a', exists: false }, policy),
    ).toMatchObject({ verdict: 'missing' });
  });
});

describe('entity setup', () => {
  const entity = (annotations: Record<string, string>) => ({
    apiVersion: 'backstage.io/v1alpha1',
    kind: 'Component',
    metadata: { name: 'x', annotations },
  });
  it('reads log groups and tells which entities have observability', () => {
    expect(
      logGroupsOf(entity({ 'opsportal.dev/log-groups': ' /a , /b,/a,' })),
    ).toEqual(['/a', '/b']);
    expect(isObservabilityConfigured(entity({}))).toBe(false);
    expect(
      isObservabilityConfigured(entity({ 'grafana/overview-dashboard': 'u' })),
    ).toBe(true);
    expect(
      isObservabilityConfigured(entity({ 'opsportal.dev/log-groups': '/a' })),
    ).toBe(true);
  });
});
