export interface Config {
  auth?: {
    providers?: {
      /**
       * Development-only sign-in as any catalog user (the example users),
       * see docs/changes.md. Refused unless NODE_ENV is development.
       */
      'example-user'?: {
        /** Catalog namespace of the users. Default: default. */
        namespace?: string;
      };
    };
  };
  permission?: {
    /**
     * Groups (entity refs) whose members may approve and review change
     * requests and trigger incidents, under the demo portal's permission
     * policy. Default: group:default/sre-team and group:default/devops-team.
     */
    opsApproverGroups?: string[];
  };
}
