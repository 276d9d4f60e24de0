export interface Config {
  permission?: {
    /**
     * Groups (entity refs) whose members may approve and review change
     * requests and trigger incidents, under the demo portal's permission
     * policy. Default: group:default/sre-team and group:default/devops-team.
     */
    opsApproverGroups?: string[];
  };
}
