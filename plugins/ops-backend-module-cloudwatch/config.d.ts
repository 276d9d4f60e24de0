export interface Config {
  ops?: {
    /**
     * The CloudWatch provider of the ops portal. Credentials come from
     * Backstage's AWS integration (`aws.mainAccount`, `aws.accounts`), or
     * the AWS SDK's default chain when none is configured.
     */
    cloudwatch?: {
      /** AWS region queried when an entity does not name one. Default `us-east-1`. */
      region?: string;
      /**
       * Endpoint URL overriding AWS's (for a local CloudWatch-compatible
       * server such as the fake one the portal's start command runs).
       */
      endpoint?: string;
      /** AWS account id whose credentials (from `aws.accounts`) are used. */
      accountId?: string;
      /** Attempts per call, throttling and 5xx included. Default 5. */
      maxAttempts?: number;
      /** Milliseconds before one HTTP request times out. Default 10000. */
      requestTimeoutMs?: number;
      /** Upstream calls in flight at once. Default 4. */
      concurrency?: number;
      /**
       * GetMetricData calls (every page counts) allowed in any minute, for all
       * refreshes of this backend together; calls beyond it wait, so a
       * refresh is spread out instead of using the account's quota in a
       * burst. Default 600 (a fifth of CloudWatch's default 50 a second).
       */
      getMetricDataPerMinute?: number;
      /**
       * GetMetricData calls that may go out back to back after a quiet
       * spell: the most a refresh sends at once; below
       * `getMetricDataPerMinute`. Default 10 seconds' worth of it.
       */
      getMetricDataBurst?: number;
      /**
       * Seconds alarm tags (read with ListTagsForResource for the severity
       * tag) are kept before they are read again. Default 3600.
       */
      alarmTagsCacheSeconds?: number;
      /**
       * AWS X-Ray, read with the region, credentials, `maxAttempts` and
       * `requestTimeoutMs` above: trace statistics (requests, errors,
       * faults, latency percentiles) from GetServiceGraph for entities with
       * `opsportal.dev/xray-service` (docs/observability.md). The
       * credentials need `xray:GetServiceGraph`.
       */
      xray?: {
        /** Registers the traces provider. Default true. */
        enabled?: boolean;
        /** Endpoint URL overriding AWS's for X-Ray only; `endpoint` above otherwise. */
        endpoint?: string;
      };
    };
  };
}
