import { Config } from '@backstage/config';
import { DefaultAwsCredentialsManager } from '@backstage/integration-aws-node';

/** The credential provider the `aws` integration gives the SDK clients. */
type SdkCredentials = Awaited<
  ReturnType<DefaultAwsCredentialsManager['getCredentialProvider']>
>['sdkCredentialProvider'];

/**
 * What every AWS client of the module (CloudWatch metrics and alarms,
 * CloudWatch Logs, X-Ray) reads from `ops.cloudwatch` and the `aws`
 * integration config, so that the three agree on account, region,
 * endpoint, retries and timeouts.
 */
export interface AwsClientSettings {
  /** `ops.cloudwatch`, for the keys only one client reads. */
  config?: Config;
  region: string;
  endpoint?: string;
  /** From the `aws` integration (its account `ops.cloudwatch.accountId`); the SDK's default chain when absent. */
  credentials?: SdkCredentials;
  maxAttempts: number;
  requestTimeoutMs: number;
  concurrency: number;
}

/** Reads {@link AwsClientSettings} from the root config. */
export async function readAwsClientSettings(
  config: Config,
): Promise<AwsClientSettings> {
  const cw = config.getOptionalConfig('ops.cloudwatch');
  const accountId = cw?.getOptionalString('accountId');
  let credentials: SdkCredentials | undefined;
  if (config.has('aws')) {
    const manager = DefaultAwsCredentialsManager.fromConfig(config);
    credentials = (
      await manager.getCredentialProvider(accountId ? { accountId } : {})
    ).sdkCredentialProvider;
  }
  return {
    config: cw,
    region: cw?.getOptionalString('region') ?? 'us-east-1',
    endpoint: cw?.getOptionalString('endpoint'),
    credentials,
    maxAttempts: cw?.getOptionalNumber('maxAttempts') ?? 5,
    requestTimeoutMs: cw?.getOptionalNumber('requestTimeoutMs') ?? 10_000,
    concurrency: cw?.getOptionalNumber('concurrency') ?? 4,
  };
}
