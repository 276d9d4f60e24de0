export interface Config {
  ops?: {
    /** The PagerDuty provider of the ops portal (REST API v2). */
    pagerduty?: {
      /** Base URL of the REST API. Default `https://api.pagerduty.com`. */
      apiBaseUrl?: string;
      /**
       * REST API token (read-only is enough unless incidents are triggered).
       * @visibility secret
       */
      token?: string;
    };
  };
}
