export { opsApiRef } from './OpsApi';
export type { OpsApi, ChangeRequestListQuery } from './OpsApi';
export { OpsClient } from './OpsClient';
export type { TriggerIncidentRequest } from './OpsApi';
export type { KpiQuery, ReviewsQuery } from './OpsApi';
export type { AlertsExportKind } from './OpsApi';
