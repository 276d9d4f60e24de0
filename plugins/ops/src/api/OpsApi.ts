import { createApiRef } from '@backstage/core-plugin-api';
import type {
  EntitySecurityResponse,
  SecurityOverviewResponse,
} from '@opsportal/plugin-ops-common';
import type {
  EntitySlosResponse,
  PlatformSlosResponse,
} from '@opsportal/plugin-ops-common';
import { OpsHealth } from '@opsportal/plugin-ops-common';
import type { EntityObservabilityResponse } from '@opsportal/plugin-ops-common';
import type {
  CapacityRange,
  CapacityReview,
  EntityCapacity,
  Snapshot,
} from '@opsportal/plugin-ops-common';
import type {
  EntityIncidentsResponse,
  EntityOnCallResponse,
  PlatformOnCallResponse,
} from '@opsportal/plugin-ops-common';
import type {
  ChangeMeasuresReport,
  ChangePolicy,
  ChangeRequestDetail,
  ChangeRequestList,
  ChangeTransitionInput,
  CreateChangeRequestInput,
  MaintenanceCalendar,
  UpdateChangeRequest,
} from '@opsportal/plugin-ops-common';
import type {
  EntityRunbooks,
  RunbookCoverageReport,
  RunbookDocument,
} from '@opsportal/plugin-ops-common';

import type {
  ActionItemCreateRequest,
  ActionItemUpdateRequest,
  AssignRoleRequest,
  IncidentDetail,
  IncidentNoteRequest,
  IncidentRole,
  IncidentRoleAssignment,
  PostIncidentReview,
  ResponderRequest,
  ReviewsReport,
  ReviewUpdateRequest,
  StatusUpdateRequest,
} from '@opsportal/plugin-ops-common';
import type {
  AlarmReview,
  AlarmReviewInput,
  AlertsOverview,
  ChangeMaintenanceWindow,
  EntityAlerts,
  GroupAlertHealth,
} from '@opsportal/plugin-ops-common';
import type {
  KpiPeriod,
  KpiReport,
  KpiScopeKind,
  OpsOverview,
} from '@opsportal/plugin-ops-common';
import type { EntityBusinessMetricsResponse } from '@opsportal/plugin-ops-common';
import type {
  HomeApprovalsResponse,
  HomeIncidentsResponse,
  HomeShiftsResponse,
  HomeSloStatusResponse,
} from '@opsportal/plugin-ops-common';

/**
 * The ops backend as the frontend sees it. One method per endpoint; each
 * feature folder adds its own.
 * @public
 */
export interface OpsApi {
  getHealth(): Promise<OpsHealth>;

  /** An entity's capacity charts, triggers and forecasts for a range (capacity feature). */
  getEntityCapacity(
    entityRef: string,
    range: CapacityRange,
  ): Promise<Snapshot<EntityCapacity | undefined>>;
  /** Every service ranked by days to its first limit (capacity feature). */
  getCapacityReview(): Promise<CapacityReview>;

  /** An entity's SLOs with error budgets and burn rates (SLO feature). */
  getEntitySlos(entityRef: string): Promise<EntitySlosResponse>;
  /** Every entity with SLOs, least budget left first (SLO feature). */
  getPlatformSlos(): Promise<PlatformSlosResponse>;

  /** Who is on call for an entity: its services' escalation chains, a team's rotations (on-call feature). */
  getEntityOnCall(entityRef: string): Promise<EntityOnCallResponse>;
  /** Who is on call for every service and team (on-call feature). */
  getPlatformOnCall(): Promise<PlatformOnCallResponse>;
  /** Open and recent incidents of an entity against their severity targets (on-call feature). */
  getEntityIncidents(entityRef: string): Promise<EntityIncidentsResponse>;
  /** Opens an incident on the entity's PagerDuty service, when enabled (on-call feature). */
  triggerIncident(
    request: TriggerIncidentRequest,
  ): Promise<{ dedupKey: string }>;

  /** Change requests, filtered and paged (changes feature). */
  listChangeRequests(query: ChangeRequestListQuery): Promise<ChangeRequestList>;
  /** One change request with history and the caller's actions (changes feature). */
  getChangeRequest(id: string): Promise<ChangeRequestDetail>;
  /** Files a change request, optionally submitting or starting it (changes feature). */
  createChangeRequest(
    body: CreateChangeRequestInput,
  ): Promise<ChangeRequestDetail>;
  /** Edits a draft at the version read (changes feature). */
  updateChangeRequest(
    id: string,
    body: UpdateChangeRequest,
  ): Promise<ChangeRequestDetail>;
  /** Moves a change request along its workflow (changes feature). */
  transitionChangeRequest(
    id: string,
    body: ChangeTransitionInput,
  ): Promise<ChangeRequestDetail>;
  /** Maintenance windows and freezes in a range (changes feature). */
  getMaintenanceCalendar(from: Date, to: Date): Promise<MaintenanceCalendar>;
  /** The change policy in force (changes feature). */
  getChangePolicy(): Promise<ChangePolicy>;
  /** Change measures of changes implemented in a range (changes feature). */
  getChangeMeasures(from: Date, to: Date): Promise<ChangeMeasuresReport>;

  /** Runbooks of an entity with its alarms, linked (runbooks feature). */
  getEntityRunbooks(entityRef: string): Promise<EntityRunbooks>;
  /** One markdown runbook of an entity, rendered (runbooks feature). */
  getRunbookDocument(entityRef: string, id: string): Promise<RunbookDocument>;
  /** Runbook coverage per service and team (runbooks feature). */
  getRunbookCoverage(): Promise<RunbookCoverageReport>;

  /** KPIs of the platform, a team or an entity over a period (KPI feature). */
  getKpis(query: KpiQuery): Promise<KpiReport>;
  /** The operations overview: SLOs, open incidents, on-call, upcoming changes (KPI feature). */
  getOverview(): Promise<OpsOverview>;

  /** One incident as its page shows it (incident response). */
  getIncident(incidentId: string): Promise<IncidentDetail>;
  /** Assigns (or reassigns) an incident role. */
  assignIncidentRole(
    incidentId: string,
    role: IncidentRole,
    request: AssignRoleRequest,
  ): Promise<IncidentRoleAssignment>;
  /** Posts a status update (PagerDuty, and the status page when configured). */
  postStatusUpdate(
    incidentId: string,
    request: StatusUpdateRequest,
  ): Promise<{ id: string; at: string }>;
  /** Adds a note to the incident's PagerDuty timeline. */
  addIncidentNote(
    incidentId: string,
    request: IncidentNoteRequest,
  ): Promise<{ id: string; at: string }>;
  /** Asks more people to respond (PagerDuty responder request). */
  requestResponders(
    incidentId: string,
    request: ResponderRequest,
  ): Promise<void>;
  /** Starts the incident's review (returns the existing one if there is one). */
  startIncidentReview(incidentId: string): Promise<PostIncidentReview>;

  /** Open and recently completed reviews, for a team, an entity or everyone. */
  listReviews(query: ReviewsQuery): Promise<ReviewsReport>;
  getReview(reviewId: string): Promise<PostIncidentReview>;
  updateReview(
    reviewId: string,
    request: ReviewUpdateRequest,
  ): Promise<PostIncidentReview>;
  addActionItem(
    reviewId: string,
    request: ActionItemCreateRequest,
  ): Promise<PostIncidentReview>;
  updateActionItem(
    reviewId: string,
    itemId: string,
    request: ActionItemUpdateRequest,
  ): Promise<PostIncidentReview>;

  /** The platform's noisiest alarms, paging load and this month's alarm reviews (alert hygiene). */
  getAlertsOverview(): Promise<AlertsOverview>;
  /** An entity's alarms with their noise, its paging load and its alerting policy coverage (alert hygiene). */
  getEntityAlerts(entityRef: string): Promise<EntityAlerts>;
  /** A team's entities, alarms, paging load and reviews (alert hygiene). */
  getGroupAlertHealth(entityRef: string): Promise<GroupAlertHealth>;
  /** Records a review of an alarm; answers the review as stored (alert hygiene). */
  createAlarmReview(input: AlarmReviewInput): Promise<AlarmReview>;
  /** One of the `/alerts` page's tables as CSV text (alert hygiene). */
  exportAlertsCsv(kind: AlertsExportKind): Promise<string>;
  /** The PagerDuty maintenance windows the portal opened for a change request (alert hygiene). */
  getChangeMaintenanceWindows(
    changeRequestId: string,
  ): Promise<{ items: ChangeMaintenanceWindow[] }>;

  /** The platform's security signals, alerts, contacts and incident process (security operations). */
  getSecurityOverview(): Promise<SecurityOverviewResponse>;
  /** A service's security signals (those with `perEntity` in config) (security operations). */
  getEntitySecurity(entityRef: string): Promise<EntitySecurityResponse>;

  /** An entity's business metrics against the same time last week, and its system's (business metrics). */
  getEntityBusinessMetrics(
    entityRef: string,
  ): Promise<EntityBusinessMetricsResponse>;

  /** An entity's logs, traces and dashboards (observability). */
  getEntityObservability(
    entityRef: string,
  ): Promise<EntityObservabilityResponse>;

  /** The signed-in user's on-call shifts now and in the next `days` (home cards). */
  getHomeShifts(options?: { days?: number }): Promise<HomeShiftsResponse>;
  /** Change requests awaiting approval the signed-in user may approve (home cards). */
  getHomeApprovals(): Promise<HomeApprovalsResponse>;
  /** The signed-in user's open incidents and overdue reviews (home cards). */
  getHomeIncidents(): Promise<HomeIncidentsResponse>;
  /** SLO counts by state and the `worst` SLOs by budget left (home cards). */
  getHomeSloStatus(options?: {
    worst?: number;
  }): Promise<HomeSloStatusResponse>;
}

/** Which table {@link OpsApi.exportAlertsCsv} exports. @public */
export type AlertsExportKind = 'alarms' | 'services' | 'people';

/** Query of {@link OpsApi.listReviews}. @public */
export interface ReviewsQuery {
  /** Reviews of the entities this Group owns, and those its members own. */
  groupRef?: string;
  /** Reviews that name this entity. */
  entityRef?: string;
}

/** Query of {@link OpsApi.getKpis}. @public */
export interface KpiQuery {
  scope: KpiScopeKind;
  /** The entity (scope `entity`) or Group (scope `team`). */
  entityRef?: string;
  period: KpiPeriod;
  /** YYYY-MM, for period `month`; the current month when absent. */
  month?: string;
}

/** Query of {@link OpsApi.listChangeRequests}. @public */
export interface ChangeRequestListQuery {
  entityRef?: string[];
  status?: string[];
  category?: string[];
  requester?: string[];
  plannedFrom?: string;
  plannedTo?: string;
  sort?: 'plannedStart' | 'createdAt' | 'updatedAt';
  order?: 'asc' | 'desc';
  limit?: number;
  cursor?: string;
}

/** Body of {@link OpsApi.triggerIncident}. @public */
export interface TriggerIncidentRequest {
  entityRef: string;
  summary: string;
  severity: 'critical' | 'error' | 'warning' | 'info';
}

/** @public */
export const opsApiRef = createApiRef<OpsApi>({ id: 'plugin.ops.api' });
