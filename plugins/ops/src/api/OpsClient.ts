import { DiscoveryApi, FetchApi } from '@backstage/core-plugin-api';
import { ResponseError } from '@backstage/errors';
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
import type { TriggerIncidentRequest } from './OpsApi';
import { EntityOverviewBatcher } from './EntityOverviewBatcher';
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
import {
  AlertsExportKind,
  ChangeRequestListQuery,
  OpsApi,
  ReviewsQuery,
} from './OpsApi';
import type { KpiQuery } from './OpsApi';
import type {
  EntitySecurityResponse,
  SecurityOverviewResponse,
} from '@opsportal/plugin-ops-common';
import type { KpiReport, OpsOverview } from '@opsportal/plugin-ops-common';
import type { EntityBusinessMetricsResponse } from '@opsportal/plugin-ops-common';
import type {
  HomeApprovalsResponse,
  HomeIncidentsResponse,
  HomeShiftsResponse,
  HomeSloStatusResponse,
} from '@opsportal/plugin-ops-common';

/**
 * {@link OpsApi} over HTTP: discovery finds the backend, fetchApi adds the
 * user's token.
 * @public
 */
export class OpsClient implements OpsApi {
  private readonly discoveryApi: DiscoveryApi;
  private readonly fetchApi: FetchApi;

  // An entity page's cards ask at once: their first requests go as one
  // (EntityOverviewBatcher); a call alone still makes its own request.
  private readonly overview: EntityOverviewBatcher;

  constructor(options: { discoveryApi: DiscoveryApi; fetchApi: FetchApi }) {
    this.discoveryApi = options.discoveryApi;
    this.fetchApi = options.fetchApi;
    this.overview = new EntityOverviewBatcher(async (entityRef, parts) => {
      const baseUrl = await this.discoveryApi.getBaseUrl('ops');
      const qs = new URLSearchParams({ entityRef, parts: parts.join(',') });
      return this.fetchApi.fetch(`${baseUrl}/overview/entity?${qs}`);
    });
  }

  getHealth(): Promise<OpsHealth> {
    return this.overview.load('health', undefined, () =>
      this.request<OpsHealth>('/health'),
    );
  }

  getEntityCapacity(
    entityRef: string,
    range: CapacityRange,
  ): Promise<Snapshot<EntityCapacity | undefined>> {
    const single = () =>
      this.request<Snapshot<EntityCapacity | undefined>>('/capacity/entity', {
        query: { entityRef, range },
      });
    return range === '30d'
      ? this.overview.load('capacity', entityRef, single)
      : single();
  }

  getCapacityReview(): Promise<CapacityReview> {
    return this.request<CapacityReview>('/capacity/review');
  }

  getEntitySlos(entityRef: string): Promise<EntitySlosResponse> {
    return this.overview.load('slos', entityRef, () =>
      this.request<EntitySlosResponse>('/slos/entity', {
        query: { entityRef },
      }),
    );
  }

  getPlatformSlos(): Promise<PlatformSlosResponse> {
    return this.request<PlatformSlosResponse>('/slos');
  }

  getEntityOnCall(entityRef: string): Promise<EntityOnCallResponse> {
    return this.overview.load('oncall', entityRef, () =>
      this.request<EntityOnCallResponse>('/oncall/entity', {
        query: { entityRef },
      }),
    );
  }

  getPlatformOnCall(): Promise<PlatformOnCallResponse> {
    return this.request<PlatformOnCallResponse>('/oncall/platform');
  }

  getEntityIncidents(entityRef: string): Promise<EntityIncidentsResponse> {
    return this.overview.load('incidents', entityRef, () =>
      this.request<EntityIncidentsResponse>('/incidents/entity', {
        query: { entityRef },
      }),
    );
  }

  triggerIncident(
    request: TriggerIncidentRequest,
  ): Promise<{ dedupKey: string }> {
    return this.request<{ dedupKey: string }>('/incidents/trigger', {
      method: 'POST',
      body: request,
    });
  }

  listChangeRequests(
    query: ChangeRequestListQuery,
  ): Promise<ChangeRequestList> {
    return this.request<ChangeRequestList>('/change-requests', {
      query: { ...query },
    });
  }

  getChangeRequest(id: string): Promise<ChangeRequestDetail> {
    return this.request<ChangeRequestDetail>(
      `/change-requests/${encodeURIComponent(id)}`,
    );
  }

  createChangeRequest(
    body: CreateChangeRequestInput,
  ): Promise<ChangeRequestDetail> {
    return this.request<ChangeRequestDetail>('/change-requests', {
      method: 'POST',
      body,
    });
  }

  updateChangeRequest(
    id: string,
    body: UpdateChangeRequest,
  ): Promise<ChangeRequestDetail> {
    return this.request<ChangeRequestDetail>(
      `/change-requests/${encodeURIComponent(id)}`,
      { method: 'PATCH', body },
    );
  }

  transitionChangeRequest(
    id: string,
    body: ChangeTransitionInput,
  ): Promise<ChangeRequestDetail> {
    return this.request<ChangeRequestDetail>(
      `/change-requests/${encodeURIComponent(id)}/transitions`,
      { method: 'POST', body },
    );
  }

  getMaintenanceCalendar(from: Date, to: Date): Promise<MaintenanceCalendar> {
    return this.request<MaintenanceCalendar>('/maintenance-windows', {
      query: { from: from.toISOString(), to: to.toISOString() },
    });
  }

  getChangePolicy(): Promise<ChangePolicy> {
    return this.request<ChangePolicy>('/change-policy');
  }

  getChangeMeasures(from: Date, to: Date): Promise<ChangeMeasuresReport> {
    return this.request<ChangeMeasuresReport>('/change-measures', {
      query: { from: from.toISOString(), to: to.toISOString() },
    });
  }

  getEntityRunbooks(entityRef: string): Promise<EntityRunbooks> {
    return this.overview.load('runbooks', entityRef, () =>
      this.request<EntityRunbooks>('/runbooks/entity', {
        query: { entityRef },
      }),
    );
  }

  getRunbookDocument(entityRef: string, id: string): Promise<RunbookDocument> {
    return this.request<RunbookDocument>('/runbooks/document', {
      query: { entityRef, id },
    });
  }

  getRunbookCoverage(): Promise<RunbookCoverageReport> {
    return this.request<RunbookCoverageReport>('/runbooks/coverage');
  }

  /**
   * The one place requests are made: path relative to /api/ops, query
   * parameters encoded, JSON in and out, failures as ResponseError.
   */
  getKpis(query: KpiQuery): Promise<KpiReport> {
    const single = () =>
      this.request<KpiReport>('/kpis', {
        query: {
          scope: query.scope,
          entityRef: query.entityRef,
          period: query.period,
          month: query.month,
        },
      });
    return query.scope === 'entity' &&
      query.entityRef &&
      query.period === '30d' &&
      !query.month
      ? this.overview.load('kpis', query.entityRef, single)
      : single();
  }

  getOverview(): Promise<OpsOverview> {
    return this.request<OpsOverview>('/overview');
  }

  getIncident(incidentId: string): Promise<IncidentDetail> {
    return this.request<IncidentDetail>(
      `/incidents/${encodeURIComponent(incidentId)}`,
    );
  }

  assignIncidentRole(
    incidentId: string,
    role: IncidentRole,
    request: AssignRoleRequest,
  ): Promise<IncidentRoleAssignment> {
    return this.request<IncidentRoleAssignment>(
      `/incidents/${encodeURIComponent(incidentId)}/roles/${encodeURIComponent(
        role,
      )}`,
      { method: 'PUT', body: request },
    );
  }

  postStatusUpdate(
    incidentId: string,
    request: StatusUpdateRequest,
  ): Promise<{ id: string; at: string }> {
    return this.request(
      `/incidents/${encodeURIComponent(incidentId)}/status-updates`,
      { method: 'POST', body: request },
    );
  }

  addIncidentNote(
    incidentId: string,
    request: IncidentNoteRequest,
  ): Promise<{ id: string; at: string }> {
    return this.request(`/incidents/${encodeURIComponent(incidentId)}/notes`, {
      method: 'POST',
      body: request,
    });
  }

  async requestResponders(
    incidentId: string,
    request: ResponderRequest,
  ): Promise<void> {
    await this.request(
      `/incidents/${encodeURIComponent(incidentId)}/responder-requests`,
      { method: 'POST', body: request },
    );
  }

  startIncidentReview(incidentId: string): Promise<PostIncidentReview> {
    return this.request<PostIncidentReview>(
      `/incidents/${encodeURIComponent(incidentId)}/review`,
      { method: 'POST', body: {} },
    );
  }

  listReviews(query: ReviewsQuery): Promise<ReviewsReport> {
    return this.request<ReviewsReport>('/reviews', { query: { ...query } });
  }

  getReview(reviewId: string): Promise<PostIncidentReview> {
    return this.request<PostIncidentReview>(
      `/reviews/${encodeURIComponent(reviewId)}`,
    );
  }

  updateReview(
    reviewId: string,
    request: ReviewUpdateRequest,
  ): Promise<PostIncidentReview> {
    return this.request<PostIncidentReview>(
      `/reviews/${encodeURIComponent(reviewId)}`,
      { method: 'PATCH', body: request },
    );
  }

  addActionItem(
    reviewId: string,
    request: ActionItemCreateRequest,
  ): Promise<PostIncidentReview> {
    return this.request<PostIncidentReview>(
      `/reviews/${encodeURIComponent(reviewId)}/action-items`,
      { method: 'POST', body: request },
    );
  }

  updateActionItem(
    reviewId: string,
    itemId: string,
    request: ActionItemUpdateRequest,
  ): Promise<PostIncidentReview> {
    return this.request<PostIncidentReview>(
      `/reviews/${encodeURIComponent(
        reviewId,
      )}/action-items/${encodeURIComponent(itemId)}`,
      { method: 'PATCH', body: request },
    );
  }

  getAlertsOverview(): Promise<AlertsOverview> {
    return this.request<AlertsOverview>('/alerts/overview');
  }

  getEntityAlerts(entityRef: string): Promise<EntityAlerts> {
    return this.request<EntityAlerts>('/alerts/entity', {
      query: { entityRef },
    });
  }

  getGroupAlertHealth(entityRef: string): Promise<GroupAlertHealth> {
    return this.request<GroupAlertHealth>('/alerts/group', {
      query: { entityRef },
    });
  }

  createAlarmReview(input: AlarmReviewInput): Promise<AlarmReview> {
    return this.request<AlarmReview>('/alerts/reviews', {
      method: 'POST',
      body: input,
    });
  }

  exportAlertsCsv(kind: AlertsExportKind): Promise<string> {
    return this.request<string>('/alerts/export', {
      query: { kind },
      text: true,
    });
  }

  getChangeMaintenanceWindows(
    changeRequestId: string,
  ): Promise<{ items: ChangeMaintenanceWindow[] }> {
    return this.request<{ items: ChangeMaintenanceWindow[] }>(
      '/alerts/maintenance-windows',
      { query: { changeRequestId } },
    );
  }

  getEntityBusinessMetrics(
    entityRef: string,
  ): Promise<EntityBusinessMetricsResponse> {
    return this.request<EntityBusinessMetricsResponse>('/business/entity', {
      query: { entityRef },
    });
  }

  getEntityObservability(
    entityRef: string,
  ): Promise<EntityObservabilityResponse> {
    return this.request<EntityObservabilityResponse>('/observability/entity', {
      query: { entityRef },
    });
  }

  getSecurityOverview(): Promise<SecurityOverviewResponse> {
    return this.request<SecurityOverviewResponse>('/security/overview');
  }

  getEntitySecurity(entityRef: string): Promise<EntitySecurityResponse> {
    return this.request<EntitySecurityResponse>('/security/entity', {
      query: { entityRef },
    });
  }

  getHomeShifts(options: { days?: number } = {}): Promise<HomeShiftsResponse> {
    return this.request<HomeShiftsResponse>('/home/on-call-shifts', {
      query: { days: options.days },
    });
  }

  getHomeApprovals(): Promise<HomeApprovalsResponse> {
    return this.request<HomeApprovalsResponse>('/home/approvals');
  }

  getHomeIncidents(): Promise<HomeIncidentsResponse> {
    return this.request<HomeIncidentsResponse>('/home/incidents');
  }

  getHomeSloStatus(
    options: { worst?: number } = {},
  ): Promise<HomeSloStatusResponse> {
    return this.request<HomeSloStatusResponse>('/home/slo-status', {
      query: { worst: options.worst },
    });
  }

  private async request<T>(
    path: string,
    options: {
      method?: string;
      query?: Record<string, string | string[] | number | undefined>;
      body?: unknown;
      signal?: AbortSignal;
      /** Answer the body as text (CSV) instead of parsing JSON. */
      text?: boolean;
    } = {},
  ): Promise<T> {
    const baseUrl = await this.discoveryApi.getBaseUrl('ops');
    const search = new URLSearchParams();
    for (const [key, value] of Object.entries(options.query ?? {})) {
      if (value === undefined) continue;
      for (const item of Array.isArray(value) ? value : [value]) {
        search.append(key, String(item));
      }
    }
    const qs = search.toString();
    const response = await this.fetchApi.fetch(
      `${baseUrl}${path}${qs ? `?${qs}` : ''}`,
      {
        method: options.method ?? 'GET',
        headers:
          options.body !== undefined
            ? { 'Content-Type': 'application/json' }
            : undefined,
        body:
          options.body !== undefined ? JSON.stringify(options.body) : undefined,
        signal: options.signal,
      },
    );
    if (!response.ok) {
      throw await ResponseError.fromResponse(response);
    }
    if (response.status === 204) {
      return undefined as T;
    }
    if (options.text) {
      return (await response.text()) as T;
    }
    return (await response.json()) as T;
  }
}
