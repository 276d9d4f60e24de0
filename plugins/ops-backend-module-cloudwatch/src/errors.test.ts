import { describeCloudWatchError } from './errors';

describe('describeCloudWatchError', () => {
  const context = { operation: 'GetMetricData', region: 'us-east-1' };

  it('says that no credentials were found, rather than blaming permissions', () => {
    // What the AWS SDK's default chain throws when nothing is configured.
    const none = Object.assign(
      new Error('Could not load credentials from any providers'),
      { name: 'CredentialsProviderError' },
    );
    const message = describeCloudWatchError(none, context).message;
    expect(message).toMatch(
      /^No AWS credentials were found for CloudWatch in us-east-1: give the backend some/,
    );
    expect(message).not.toMatch(/cloudwatch:GetMetricData/);
  });

  it('still names the missing permission when credentials are refused', () => {
    const denied = Object.assign(new Error('User is not authorized'), {
      name: 'AccessDeniedException',
      $metadata: { httpStatusCode: 403 },
    });
    expect(describeCloudWatchError(denied, context).message).toMatch(
      /refused GetMetricData: the credentials need cloudwatch:GetMetricData/,
    );
  });
});
