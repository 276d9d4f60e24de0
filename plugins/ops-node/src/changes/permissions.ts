import {
  createConditionExports,
  createPermissionResourceRef,
  createPermissionRule,
} from '@backstage/plugin-permission-node';
import {
  CHANGE_REQUEST_RESOURCE_TYPE,
  ChangeRequest,
  changeCategories,
} from '@opsportal/plugin-ops-common';
import { z } from 'zod';

/**
 * A filter the change-request store turns into SQL: one property of the
 * change request and the values it may have.
 * @public
 */
export type ChangeRequestFilter = {
  property: 'requester' | 'category' | 'entityRef';
  values: string[];
};

/**
 * The change-request resource type of the ops plugin, for conditional
 * permission decisions.
 * @public
 */
export const changeRequestResourceRef = createPermissionResourceRef<
  ChangeRequest,
  ChangeRequestFilter
>().with({ pluginId: 'ops', resourceType: CHANGE_REQUEST_RESOURCE_TYPE });

const lower = (values: string[]) =>
  values.map(v => v.toLocaleLowerCase('en-US'));

/**
 * The change request was filed by one of the given claims (typically the
 * user's `ownershipEntityRefs`).
 * @public
 */
export const isChangeRequester = createPermissionRule({
  name: 'IS_CHANGE_REQUESTER',
  description: 'Allow change requests filed by the given user refs',
  resourceRef: changeRequestResourceRef,
  paramsSchema: z.object({
    claims: z
      .array(z.string())
      .describe('User entity refs; the change is allowed if filed by one'),
  }),
  apply: (change, { claims }) =>
    lower(claims).includes(change.requester.toLocaleLowerCase('en-US')),
  toQuery: ({ claims }) => ({ property: 'requester', values: lower(claims) }),
});

/**
 * The change request is of one of the given categories.
 * @public
 */
export const hasChangeCategory = createPermissionRule({
  name: 'HAS_CHANGE_CATEGORY',
  description: 'Allow change requests of the given categories',
  resourceRef: changeRequestResourceRef,
  paramsSchema: z.object({
    categories: z
      .array(z.enum(changeCategories))
      .describe('standard, normal and/or emergency'),
  }),
  apply: (change, { categories }) => categories.includes(change.category),
  toQuery: ({ categories }) => ({ property: 'category', values: categories }),
});

/**
 * The change request affects one of the given catalog entities.
 * @public
 */
export const affectsChangeEntity = createPermissionRule({
  name: 'AFFECTS_ENTITY',
  description: 'Allow change requests that affect one of the given entities',
  resourceRef: changeRequestResourceRef,
  paramsSchema: z.object({
    entityRefs: z
      .array(z.string())
      .describe('Entity refs, e.g. component:default/payment-service'),
  }),
  apply: (change, { entityRefs }) =>
    change.entityRefs.some(ref => lower(entityRefs).includes(ref)),
  toQuery: ({ entityRefs }) => ({
    property: 'entityRef',
    values: lower(entityRefs),
  }),
});

/** Every rule of the change-request resource type. @public */
export const changeRequestPermissionRules = {
  isChangeRequester,
  hasChangeCategory,
  affectsChangeEntity,
};

const exported = createConditionExports({
  resourceRef: changeRequestResourceRef,
  rules: changeRequestPermissionRules,
});

/**
 * Conditions for change-request permissions, for permission policies, e.g.
 * `changeRequestConditions.isChangeRequester({ claims: user.info.ownershipEntityRefs })`.
 * @public
 */
export const changeRequestConditions = exported.conditions;

/**
 * Builds a conditional decision for a change-request permission.
 * @public
 */
export const createChangeRequestConditionalDecision =
  exported.createConditionalDecision;
