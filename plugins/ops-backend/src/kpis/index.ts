import {
  HttpAuthService,
  RootConfigService,
} from '@backstage/backend-plugin-api';
import { CatalogService } from '@backstage/plugin-catalog-node';
import { activeChangeStatuses } from '@opsportal/plugin-ops-common';
import { ChangeRequestService } from '../changes';
import { Clock, systemClock } from '../lib/clock';
import { OpsFeature } from '../lib/feature';
import { IncidentsService } from '../incidents';
import { ReviewsService } from '../reviews';
import { OnCallService } from '../oncall';
import { SloService } from '../slo';
import { readKpisConfig } from './config';
import { KpiService } from './KpiService';
import { createKpisRouter } from './router';
import {
  availabilitySourceFromSlo,
  changeSourceFromService,
  incidentSourceFromService,
  MaintenancePeriodSource,
  reviewSourceFromService,
} from './sources';

export { KpiService } from './KpiService';
export { readKpisConfig } from './config';

/** What the KPI feature is built from: the other features' services. */
export interface KpisFeatureOptions {
  config: RootConfigService;
  catalog: CatalogService;
  httpAuth: HttpAuthService;
  oncall?: OnCallService;
  incidents?: IncidentsService;
  slo?: SloService;
  changes?: ChangeRequestService;
  /** Post-incident reviews: the KPIs ask its service, never its tables. */
  reviews?: Pick<ReviewsService, 'kpiRecords'>;
  /**
   * PagerDuty maintenance windows for changes: incidents opened inside one
   * are left out of the KPIs unless `ops.alerts.noise.excludeMaintenance`
   * is false (the same switch as the alarm noise).
   */
  maintenance?: MaintenancePeriodSource;
  clock?: Clock;
}

/**
 * The KPI feature: KPIs per entity, team and platform and the operations
 * overview, computed from the on-call, incidents, SLO, change and capacity
 * features.
 */
export function createKpisFeature(
  options: KpisFeatureOptions,
): OpsFeature<KpiService> {
  const clock = options.clock ?? systemClock;
  const { oncall, incidents, slo, changes, reviews } = options;
  const service = new KpiService({
    catalog: options.catalog,
    config: readKpisConfig(options.config),
    clock,
    incidents: incidents
      ? incidentSourceFromService(
          incidents,
          options.config.getOptionalBoolean(
            'ops.alerts.noise.excludeMaintenance',
          ) === false
            ? undefined
            : options.maintenance,
        )
      : undefined,
    availability: slo ? availabilitySourceFromSlo({ uptime: slo }) : undefined,
    changes: changes ? changeSourceFromService(changes) : undefined,
    reviews: reviews ? reviewSourceFromService(reviews) : undefined,
    teams: oncall
      ? {
          async servicesOf(groupRef, credentials) {
            const view = await oncall.getEntityOnCall(groupRef, credentials);
            return view.data.teamServices.map(s => s.entityRef);
          },
        }
      : undefined,
    overview: {
      slos: slo
        ? async credentials =>
            slo.listPlatform(await slo.entitiesWithSlos(credentials))
        : undefined,
      onCall: oncall
        ? credentials => oncall.getPlatformOnCall(credentials)
        : undefined,
      upcomingChanges: changes
        ? async (range, credentials) => {
            const { items } = await changes.list(
              {
                status: [...activeChangeStatuses],
                plannedFrom: range.from.toISOString(),
                plannedTo: range.to.toISOString(),
                sort: 'plannedStart',
                order: 'asc',
                limit: 20,
              },
              { credentials },
            );
            return {
              upcoming: items,
              calendar: changes.maintenanceCalendar(range.from, range.to),
            };
          }
        : undefined,
    },
  });
  return {
    service,
    router: createKpisRouter({ service, httpAuth: options.httpAuth }),
    tasks: [],
  };
}
