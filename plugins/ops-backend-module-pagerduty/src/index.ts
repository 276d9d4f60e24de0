/**
 * PagerDuty for the ops portal: services, escalation policies, schedules,
 * on-calls and incidents over REST API v2.
 *
 * @packageDocumentation
 */

export { opsModulePagerDuty as default } from './module';
