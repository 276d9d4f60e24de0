import { createPermission } from '@backstage/plugin-permission-common';

/** Resource type of change requests, for conditional permission rules. @public */
export const CHANGE_REQUEST_RESOURCE_TYPE = 'ops-change-request';

/** File a new change request. @public */
export const changeRequestCreatePermission = createPermission({
  name: 'ops.change-request.create',
  attributes: { action: 'create' },
});

/** See change requests. @public */
export const changeRequestReadPermission = createPermission({
  name: 'ops.change-request.read',
  attributes: { action: 'read' },
  resourceType: CHANGE_REQUEST_RESOURCE_TYPE,
});

/** Edit a change request and move it along its workflow. @public */
export const changeRequestUpdatePermission = createPermission({
  name: 'ops.change-request.update',
  attributes: { action: 'update' },
  resourceType: CHANGE_REQUEST_RESOURCE_TYPE,
});

/** Approve or reject a normal change request. @public */
export const changeRequestApprovePermission = createPermission({
  name: 'ops.change-request.approve',
  attributes: { action: 'update' },
  resourceType: CHANGE_REQUEST_RESOURCE_TYPE,
});

/** Complete the post-implementation review of an emergency change. @public */
export const changeRequestReviewPermission = createPermission({
  name: 'ops.change-request.review',
  attributes: { action: 'update' },
  resourceType: CHANGE_REQUEST_RESOURCE_TYPE,
});

/** Trigger a PagerDuty incident from the portal (off unless configured). @public */
export const incidentTriggerPermission = createPermission({
  name: 'ops.incident.trigger',
  attributes: { action: 'create' },
});

/**
 * Respond to an incident from the portal: assign roles, post status updates
 * and notes, request responders. @public
 */
export const incidentRespondPermission = createPermission({
  name: 'ops.incident.respond',
  attributes: { action: 'update' },
});

/** Record a review of an alarm (the monthly alert review). @public */
export const alarmReviewCreatePermission = createPermission({
  name: 'ops.alarm-review.create',
  attributes: { action: 'create' },
});

/** Edit post-incident reviews and their action items. @public */
export const incidentReviewUpdatePermission = createPermission({
  name: 'ops.incident-review.update',
  attributes: { action: 'update' },
});

/** Every permission of the ops portal. @public */
export const opsPermissions = [
  changeRequestCreatePermission,
  changeRequestReadPermission,
  changeRequestUpdatePermission,
  changeRequestApprovePermission,
  changeRequestReviewPermission,
  incidentTriggerPermission,
  incidentRespondPermission,
  incidentReviewUpdatePermission,
  alarmReviewCreatePermission,
];
