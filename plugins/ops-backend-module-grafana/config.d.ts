export interface Config {
  ops?: {
    /**
     * Grafana for the ops portal's dashboards section (docs/observability.md):
     * dashboards matching an entity's `grafana/dashboard-selector` are listed
     * through Grafana's search API. Without `baseUrl` the module registers
     * nothing and only annotation links are shown.
     */
    grafana?: {
      /** Grafana's root URL as the backend reaches it, e.g. `https://grafana.example.com`. */
      baseUrl: string;
      /**
       * Grafana's root URL as users' browsers reach it, for links (and for
       * `grafana/overview-dashboard` paths); `baseUrl` when absent.
       */
      publicUrl?: string;
      /**
       * Service account token with the Viewer role, sent as
       * `Authorization: Bearer`. Searches are anonymous without it.
       * @visibility secret
       */
      token?: string;
      /** Milliseconds before a search is abandoned. Default 10000. */
      requestTimeoutMs?: number;
      /** Dashboards asked for per search (Grafana allows up to 5000). Default 100. */
      searchLimit?: number;
    };
  };
}
