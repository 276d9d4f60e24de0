import { UpstreamTelemetry } from '@opsportal/plugin-ops-node';
import { isThrottling } from './errors';

/** The part of an AWS SDK v3 client the counting middleware needs. */
interface SdkClient {
  middlewareStack: {
    add(middleware: any, options: Record<string, unknown>): void;
  };
}

/**
 * Counts every attempt of every command of an AWS SDK client
 * (`opsportal.upstream.requests`, docs/telemetry.md) as
 * `<service>:<Operation>` (`cloudwatch:GetMetricData`, `logs:StartQuery`,
 * `xray:GetServiceGraph`): a middleware at the start of the deserialize
 * step, which runs once per attempt inside the SDK's retries and sees the
 * status of the answer, or the error the SDK made of it (a 400
 * `ThrottlingException` counts as throttled).
 */
export function countSdkRequests(
  client: SdkClient,
  service: string,
  telemetry: UpstreamTelemetry | undefined,
): void {
  if (!telemetry) return;
  client.middlewareStack.add(
    (
        next: (args: unknown) => Promise<any>,
        context: { commandName?: string },
      ) =>
      async (args: unknown) => {
        const operation = `${service}:${(
          context.commandName ?? 'Unknown'
        ).replace(/Command$/, '')}`;
        try {
          const result = await next(args);
          telemetry.request(operation, {
            status: result?.response?.statusCode ?? 200,
          });
          return result;
        } catch (error) {
          const e = (error ?? {}) as {
            name?: string;
            $metadata?: { httpStatusCode?: number };
          };
          const status = e.$metadata?.httpStatusCode;
          if (status) {
            telemetry.request(operation, {
              status,
              throttled: isThrottling(error),
            });
          } else if (e.name === 'AbortError') {
            telemetry.request(operation, { failure: 'aborted' });
          } else if (e.name === 'TimeoutError') {
            telemetry.request(operation, { failure: 'timeout' });
          } else {
            telemetry.request(operation, { failure: 'unreachable' });
          }
          throw error;
        }
      },
    { step: 'deserialize', priority: 'high', name: 'opsportalTelemetry' },
  );
}
