/**
 * PagerDuty for the ops portal: services, escalation policies, schedules,
 * on-calls and incidents over REST API v2, and incident response (notes,
 * status updates, responder requests, change events).
 *
 * @packageDocumentation
 */

export { opsModulePagerDuty as default } from './module';
export { PagerDutyProvider } from './PagerDutyProvider';
export type { PagerDutyProviderOptions } from './PagerDutyProvider';
export { PagerDutyClient, PagerDutyError } from './client/PagerDutyClient';
export type {
  PagerDutyClientOptions,
  PostOptions,
  Query,
  RequestOptions,
} from './client/PagerDutyClient';
export { TokenAuth, OAuthClientCredentials } from './client/auth';
export type {
  PagerDutyAuth,
  OAuthClientCredentialsOptions,
} from './client/auth';
