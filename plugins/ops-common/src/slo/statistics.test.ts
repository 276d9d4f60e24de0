import { checkCloudWatchStatistic, isCloudWatchStatistic } from './statistics';

describe('CloudWatch statistics', () => {
  it.each([
    'Sum',
    'Average',
    'Minimum',
    'Maximum',
    'SampleCount',
    'IQM',
    'p0',
    'p50',
    'p95',
    'p99.9',
    'p99.99',
    'p100',
    'tm99',
    'tc90',
    'ts90',
    'wm99',
    'tm99.5',
    'PR(10:20)',
    'PR(:300)',
    'PR(100:)',
    'TM(10%:90%)',
    'TM(:0.5)',
    'TM(150:1000)',
    'TM(2%:)',
    'TC(:0.25)',
    'TC(10%:90%)',
    'TS(:95%)',
    'WM(10%:90%)',
    'WM(:500)',
  ])('accepts %s as it is', stat => {
    expect(checkCloudWatchStatistic(stat)).toEqual({
      valid: true,
      statistic: stat,
      normalised: false,
    });
    expect(isCloudWatchStatistic(stat)).toBe(true);
  });

  it.each([
    ['sum', 'Sum'],
    ['SUM', 'Sum'],
    ['average', 'Average'],
    ['samplecount', 'SampleCount'],
    ['iqm', 'IQM'],
    ['P99', 'p99'],
    ['TM90', 'tm90'],
    ['tm(10%:90%)', 'TM(10%:90%)'],
    ['tc(:0.5)', 'TC(:0.5)'],
    ['pr(:300)', 'PR(:300)'],
  ])(
    'reads %s as %s: CloudWatch is case-sensitive, so the spelling is corrected and said to be',
    (stat, statistic) => {
      expect(checkCloudWatchStatistic(stat)).toEqual({
        valid: true,
        statistic,
        normalised: true,
      });
      // Sent as written, CloudWatch would refuse it.
      expect(isCloudWatchStatistic(stat)).toBe(false);
    },
  );

  it.each([
    ['Summ', /"Summ" is not a CloudWatch statistic: use Sum, Average/],
    ['', /is not a CloudWatch statistic/],
    ['avg', /"avg" is not a CloudWatch statistic: did you mean Average\?/],
    ['max', /did you mean Maximum\?/],
    ['p', /use Sum/],
    ['p101', /above p100/],
    ['p99.999', /at most 2 decimals/],
    ['p9x', /9x is not a plain number/],
    ['tm101', /above tm100/],
    ['p-5', /use Sum/],
    ['TM(10%:500)', /both bounds as percentages or both as values/],
    ['TM(90%:10%)', /the lower bound is above the upper one/],
    ['TM(:)', /at least one bound/],
    ['TM(10%)', /two bounds separated by a colon/],
    ['TM(10%:120%)', /between 0% and 100%/],
    ['TM(10%: 90%)', /without spaces/],
    ['TC(:1e-7)', /1e-7 is not a plain number/],
    ['TC(:0.00000000001)', /more than 10 decimals/],
    ['PR(10%:90%)', /PR counts values between two thresholds/],
    ['XX(1:2)', /use Sum/],
    ['Sum ', /use Sum/],
  ])('refuses %j and says why', (stat, message) => {
    const check = checkCloudWatchStatistic(stat);
    expect(check.valid).toBe(false);
    expect(check.valid ? '' : check.message).toMatch(message);
    expect(isCloudWatchStatistic(stat)).toBe(false);
  });
});
