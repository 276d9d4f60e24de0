import {
  coreServices,
  createBackendModule,
} from '@backstage/backend-plugin-api';
import {
  AuthorizeResult,
  PolicyDecision,
} from '@backstage/plugin-permission-common';
import {
  PermissionPolicy,
  PolicyQuery,
  PolicyQueryUser,
} from '@backstage/plugin-permission-node';
import { policyExtensionPoint } from '@backstage/plugin-permission-node/alpha';
import {
  changeRequestApprovePermission,
  changeRequestReviewPermission,
  changeRequestUpdatePermission,
  incidentTriggerPermission,
} from '@opsportal/plugin-ops-common';
import {
  changeRequestConditions,
  createChangeRequestConditionalDecision,
} from '@opsportal/plugin-ops-node';

/**
 * The demo portal's permission policy: everyone signed in may read and file
 * change requests and move their own along (approvers may move any);
 * approving and reviewing them (and triggering incidents) is for members of
 * the approver groups, the seed's SRE and DevOps teams unless
 * `permission.opsApproverGroups` says otherwise.
 */
export class OpsPortalPolicy implements PermissionPolicy {
  constructor(private readonly approverGroups: string[]) {}

  async handle(
    request: PolicyQuery,
    user?: PolicyQueryUser,
  ): Promise<PolicyDecision> {
    const name = request.permission.name;
    if (
      name === changeRequestApprovePermission.name ||
      name === changeRequestReviewPermission.name ||
      name === incidentTriggerPermission.name
    ) {
      const refs = user?.info.ownershipEntityRefs ?? [];
      const allowed = refs.some(ref =>
        this.approverGroups.includes(ref.toLocaleLowerCase('en-US')),
      );
      return { result: allowed ? AuthorizeResult.ALLOW : AuthorizeResult.DENY };
    }
    if (name === changeRequestUpdatePermission.name) {
      // Approvers may move any change along; everyone else only their own.
      const refs = user?.info.ownershipEntityRefs ?? [];
      if (
        refs.some(ref =>
          this.approverGroups.includes(ref.toLocaleLowerCase('en-US')),
        )
      ) {
        return { result: AuthorizeResult.ALLOW };
      }
      return createChangeRequestConditionalDecision(
        changeRequestUpdatePermission,
        changeRequestConditions.isChangeRequester({ claims: refs }),
      );
    }
    return { result: AuthorizeResult.ALLOW };
  }
}

export default createBackendModule({
  pluginId: 'permission',
  moduleId: 'ops-portal-policy',
  register(reg) {
    reg.registerInit({
      deps: {
        policy: policyExtensionPoint,
        config: coreServices.rootConfig,
      },
      async init({ policy, config }) {
        const groups = config.getOptionalStringArray(
          'permission.opsApproverGroups',
        ) ?? ['group:default/sre-team', 'group:default/devops-team'];
        policy.setPolicy(
          new OpsPortalPolicy(groups.map(g => g.toLocaleLowerCase('en-US'))),
        );
      },
    });
  },
});
