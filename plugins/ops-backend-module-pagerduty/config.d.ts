export interface Config {
  ops?: {
    /** The PagerDuty provider of the ops portal (REST API v2). */
    pagerduty?: {
      /** Base URL of the REST API. Default `https://api.pagerduty.com` (EU accounts: `https://api.eu.pagerduty.com`). */
      apiBaseUrl?: string;
      /**
       * REST API token. Either this or `oauth`. A read-only key is enough
       * for on-call and incidents; incident response (notes, status updates,
       * responder requests) needs a key with write access: a read-only key
       * gets 403 on those.
       * @visibility secret
       */
      token?: string;
      /** OAuth client credentials of a PagerDuty scoped app, instead of a token. */
      oauth?: {
        /** Client id of the scoped app. */
        clientId: string;
        /**
         * Client secret of the scoped app.
         * @visibility secret
         */
        clientSecret: string;
        /** The account's subdomain (`<subdomain>.pagerduty.com`). */
        subdomain: string;
        /** Service region of the account: `us` (default) or `eu`. */
        region?: string;
        /**
         * Scopes to ask for. Default: read access to services, escalation
         * policies, schedules, on-calls, incidents and users. Add
         * `incidents.write` for incident response (notes, status updates,
         * responder requests).
         */
        scopes?: string[];
        /** Token endpoint. Default `https://identity.pagerduty.com/oauth/token`. */
        tokenUrl?: string;
      };
      /** Time allowed for one request, in milliseconds. Default 10000. */
      requestTimeoutMs?: number;
      /**
       * Attempts per request, the first included; 429, 5xx and timeouts are
       * retried, except that writes (POST) are retried on 429 only: after a
       * 5xx or a timeout the write may have been stored. Events API requests
       * (change events) are retried on 429 and 5xx. Default 4.
       */
      maxAttempts?: number;
      /** First retry delay in milliseconds, doubled per retry. Default 500. */
      retryBaseDelayMs?: number;
      /** Longest wait before a retry (Retry-After, rate-limit reset or backoff), in milliseconds. Default 30000. */
      maxRetryDelayMs?: number;
      /**
       * The account's REST API rate limit, requests per minute (PagerDuty's
       * is 960 per API key). Default 960.
       */
      rateLimitPerMinute?: number;
      /**
       * Share of `rateLimitPerMinute` that the portal's scheduled refreshes
       * (on-call, rotations, incidents) may use in any minute, as a
       * fraction: 0.1 is 10 %.
       * Refresh requests wait for it and are spread over time (at most 10
       * seconds' worth back to back); a page view's first fetch is counted
       * against it without waiting. Default 0.1.
       */
      refreshShare?: number;
      /** Parallel requests where PagerDuty cannot filter by many ids. Default 4. */
      concurrency?: number;
      /** Events API v2 base URL, to trigger incidents and send change events. Default `https://events.pagerduty.com`. */
      eventsBaseUrl?: string;
    };
  };
}
