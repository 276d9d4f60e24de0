export interface Config {
  ops?: {
    /**
     * The Prometheus metrics provider of the ops portal
     * (`@opsportal/plugin-ops-backend-module-prometheus`). Without
     * `baseUrl` the module registers nothing.
     */
    prometheus?: {
      /**
       * Base URL of Prometheus or of a server speaking its HTTP API
       * (Thanos Query, Grafana Mimir, VictoriaMetrics), without `/api/v1`:
       * `http://prometheus:9090`, `https://mimir.example.com/prometheus`.
       */
      baseUrl: string;
      /** Credentials sent with every request: a bearer token, or a user name and password. */
      auth?: {
        /**
         * Sent as `Authorization: Bearer <token>`.
         * @visibility secret
         */
        bearerToken?: string;
        /** User of HTTP basic authentication (with `password`). */
        username?: string;
        /**
         * Password of HTTP basic authentication.
         * @visibility secret
         */
        password?: string;
      };
      /** Seconds one query_range call may take (also sent as its `timeout`). Default 30. */
      timeoutSeconds?: number;
      /**
       * Points per series asked for in one call; a longer range is split
       * into several calls. Default 11000, Prometheus's own limit.
       */
      maxPointsPerSeries?: number;
      /** Calls in flight at once, for all refreshes of a backend together. Default 4. */
      concurrency?: number;
      /**
       * Extra HTTP headers sent with every request, such as
       * `X-Scope-OrgID` for a multi-tenant Mimir or Cortex. Secret, since
       * some carry keys.
       * @visibility secret
       */
      headers?: { [name: string]: string };
    };
  };
}
