import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  /** Configuration of the ops portal backend (plugin id `ops`). */
  ops?: {
    /** On-call: escalation chains and rotations from the on-call provider (docs/oncall.md). */
    oncall?: {
      /** Minutes between two refreshes of on-call data (one replica at a time). Default 2. */
      refreshMinutes?: number;
      /** Weeks of rotation kept and shown per schedule. Default 4. */
      rotationWeeks?: number;
      /**
       * Minutes after which a schedule's rotation (its `rotationWeeks` of
       * shifts, one PagerDuty request per schedule) is read again. Each
       * refresh reads the schedules due, oldest first, so these reads are
       * spread over the interval. Default 60.
       */
      rotationRefreshMinutes?: number;
      /** Schedules read per refresh at least while some were never read (after a start); otherwise as many as keep the interval. Default 100. */
      rotationFetchesPerRefresh?: number;
      /** After a failed fetch, page views do not fetch that entity again for this many seconds. Default 60. */
      failureBackoffSeconds?: number;
    };
    /** Incidents and their severity targets (docs/oncall.md). */
    incidents?: {
      /** Minutes between two refreshes of the incidents. Default 2. */
      refreshMinutes?: number;
      /** Days of incidents kept: the MTTA/MTTR window. Default 30. */
      windowDays?: number;
      /** How far back open incidents are looked for, at most 180 days. Default 180. */
      openLookbackDays?: number;
      /** First acknowledgements looked up per refresh at most (one request each). Default 200. */
      maxAcknowledgementLookups?: number;
      /** After a failed fetch, page views do not fetch that entity's incidents again for this many seconds. Default 60. */
      failureBackoffSeconds?: number;
      /** PagerDuty priority names (case-insensitive) and the severity each maps to. Default P1–P4 to themselves, P5 to P4. */
      priorities?: Array<{
        /** The priority's name in PagerDuty, e.g. `SEV-1`. */
        name: string;
        /** `P1`, `P2`, `P3` or `P4`. */
        severity: string;
      }>;
      /** Severity of incidents without a known priority, by urgency. Default high P2, low P4. */
      urgencies?: {
        /** Severity of high-urgency incidents. */
        high?: string;
        /** Severity of low-urgency incidents. */
        low?: string;
      };
      /** Targets per severity (`P1`–`P4`). */
      severities?: {
        [severity: string]: {
          /** Label, e.g. `Critical`. */
          label?: string;
          /** Acknowledge within: `5m`, `1h` or `next business day`. */
          respondWithin?: string;
          /** Optional resolve-within target: `30m`, `4h`. */
          resolveWithin?: string;
        };
      };
      /** Business hours, for "next business day" targets. Default 09:00–17:00 UTC, Monday to Friday. */
      businessHours?: {
        /** IANA time zone. */
        timeZone?: string;
        /** Start of business, `HH:mm`. */
        start?: string;
        /** End of business, `HH:mm` (when next-business-day targets fall due). */
        end?: string;
        /** ISO weekdays, 1 (Monday) to 7 (Sunday). */
        days?: number[];
      };
      /** Triggering incidents from the portal. */
      trigger?: {
        /** Offer "Trigger incident" (needs the ops.incident.trigger permission). Default false. */
        enabled?: boolean;
      };
      /** The incident page `/incidents/:id` and its writes (docs/incidents.md). */
      response?: {
        /**
         * Minutes between status updates per severity (`P1`–`P4`); 0 for none.
         * Default P1 15, P2 30, none for P3 and P4.
         */
        updateCadenceMinutes?: { [severity: string]: number };
        /** The incident's chat channel. */
        chatChannel?: {
          /** Name template; `{number}` is the incident's number, `{id}` its id. Default `#inc-{number}`. */
          name?: string;
          /** Link template (same placeholders), e.g. `https://chat.example.com/channels/inc-{number}`. */
          url?: string;
        };
        /** The status page post of an incident. */
        statusPage?: {
          /** Link template (`{number}`, `{id}`); no link when unset. */
          url?: string;
        };
        /**
         * `From` of PagerDuty writes (notes, status updates, responder
         * requests) when the acting user's catalog entity has no
         * `spec.profile.email`; without either the write is refused (400).
         */
        fromEmail?: string;
        /** Seconds an incident's PagerDuty reads are reused by page views. Default 30. */
        cacheSeconds?: number;
        /** PagerDuty change events when change requests start and finish. */
        changeEvents?: {
          /** Send them (when a PagerDuty provider is installed). Default true. */
          enabled?: boolean;
          /**
           * Routing (integration) key per entity ref, for entities without a
           * `pagerduty.com/integration-key` annotation, e.g.
           * `"component:default/order-service": "<32-character key>"`.
           * @visibility secret
           */
          routingKeys?: { [entityRef: string]: string };
        };
      };
    };
    /**
     * Capacity trends, scaling triggers and time-to-limit forecasts
     * (docs/capacity.md). Everything is optional: what is left out is the
     * seed's values.
     */
    capacity?: {
      /** Shards of the capacity refresh; default `ops.refresh.shards`. */
      shards?: number;
      /**
       * When the capacity refresh runs (one replica at a time). Default every
       * hour with a 30-minute timeout: about 14 metrics a service a refresh,
       * roughly $0.10 a service a month at $0.01 per 1,000 metrics requested.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /** How far ahead forecasts look for a limit, in days. Default 180. */
      forecastHorizonDays?: number;
      /** Services fetched together in one metrics request (bounds the refresh's memory). Default 10. */
      servicesPerBatch?: number;
      /**
       * Minutes before the last refresh that a refresh reads again from
       * CloudWatch, for datapoints received late; the rest comes from the
       * stored series. Default 15.
       */
      lateDataMinutes?: number;
      /**
       * Rule overrides per metric id (cpu, memory, diskIo, network,
       * requestRate, latencyP50, latencyP95, latencyP99, queueDepth,
       * replicas, or a custom metric's id).
       */
      metrics?: {
        [metricId: string]: {
          /** A datapoint above this breaches (e.g. 70 for CPU). */
          threshold?: number;
          /** Minutes a breach must last to be a scaling trigger (e.g. 15). */
          sustainMinutes?: number;
          /** The level the forecast dates; the threshold when left out. */
          limit?: number;
          /** false switches the metric off. */
          enabled?: boolean;
        };
      };
      /**
       * Metrics from any CloudWatch namespace. An id of a built-in metric
       * (e.g. diskIo) takes over its label, unit and rule.
       */
      customMetrics?: Array<{
        /** Letters, digits, `_` and `-`, starting with a letter. */
        id: string;
        /** Shown on the card. Default: the built-in label, or the id. */
        label?: string;
        /** percent, count, seconds, bytesPerSecond, requestsPerSecond or messages. */
        unit?:
          | 'percent'
          | 'count'
          | 'seconds'
          | 'bytesPerSecond'
          | 'requestsPerSecond'
          | 'messages';
        /** CloudWatch namespace, e.g. CWAgent. */
        namespace: string;
        /** CloudWatch metric name. */
        metricName: string;
        /** Statistic, e.g. Average (default), Maximum, p95. */
        stat?: string;
        /**
         * Dimension values; `{cluster}`, `{namespace}`, `{service}`,
         * `{loadBalancer}`, `{targetGroup}`, `{queue}` and `{name}` are
         * replaced from the entity's annotations and name.
         */
        dimensions?: { [name: string]: string };
        /** A datapoint above this breaches. */
        threshold?: number;
        /** Minutes a breach must last to be a trigger. Default 0. */
        sustainMinutes?: number;
        /** The level the forecast dates; the threshold when left out. */
        limit?: number;
      }>;
      /**
       * Capacity metrics from Prometheus for entities with
       * `prometheus.io/job` (docs/capacity.md, "From Prometheus"); metrics
       * the entity's CloudWatch annotations give stay on CloudWatch.
       */
      prometheus?: {
        /**
         * PromQL per built-in metric id (cpu, memory, diskIo, network,
         * requestRate, latencyP50, latencyP95, latencyP99, replicas), in the
         * metric's unit and answering one series; `$selector` stands for
         * the entity's label matchers, `$period` for the period. Default:
         * requestRate and the latency percentiles from
         * `http_requests_total` and `http_request_duration_seconds_bucket`.
         */
        queries?: { [metricId: string]: string };
      };
      /** Autoscaling bounds of entities without the opsportal.dev/autoscaling annotation. */
      autoscaling?: {
        /** Pods: default 2–10 replicas at 70 % CPU and 80 % memory. */
        pods?: {
          minReplicas?: number;
          maxReplicas?: number;
          targetCpu?: number;
          targetMemory?: number;
        };
        /** EKS node groups: default 3–20 nodes at 70 % CPU. */
        nodeGroups?: {
          min?: number;
          max?: number;
          targetCpu?: number;
        };
      };
    };
    /**
     * SLOs from CloudWatch (docs/slo.md). Everything is optional.
     */
    slo?: {
      /** Shards of the SLO refresh (a System with its components); default `ops.refresh.shards`. */
      shards?: number;
      /**
       * When the SLO refresh runs (one replica at a time). Default every 10
       * minutes with a 5-minute timeout: 10 metrics a service a refresh with
       * the compact annotations, about $0.43 a service a month at $0.01 per
       * 1,000 metrics requested.
       */
      schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      /**
       * Burn-rate rules of SLOs that define no alert policy. Default: the SRE
       * workbook's page 14.4x over 1h and 5m, page 6x over 6h and 30m,
       * ticket 3x over 1d and 2h, ticket 1x over 3d and 6h.
       */
      burnRateRules?: Array<{
        /** page or ticket. */
        severity: 'page' | 'ticket';
        /** Burn-rate threshold, e.g. 14.4. */
        burnRate: number;
        /** Long window, duration shorthand such as 1h. */
        longWindow: string;
        /** Short window, duration shorthand such as 5m. */
        shortWindow: string;
      }>;
      /** Window whose burn rate the budget forecast extrapolates. Default 1h. */
      forecastWindow?: string;
      /**
       * How far behind now the evaluated windows end, for CloudWatch's
       * ingestion delay. Default 2m.
       */
      evaluationDelay?: string;
      /**
       * Burn-rate rules out of reach of their SLO's target: the burn rate
       * cannot exceed 1 / (1 - target) (20x at 95 %), so a rule needs its
       * factor x (1 - target) of the events bad to fire.
       */
      burnRateCeiling?: {
        /**
         * Rules needing more than this share of the events (or slices) bad
         * are named on the SLO. Above 0, at most 1. Default 0.5.
         */
        share?: number;
        /**
         * Lower those rules' factors to share x 1 / (1 - target), for every
         * SLO (at 95 %, the 14.4x page becomes 10x). Default false.
         */
        scaleToTarget?: boolean;
      };
      /**
       * The Prometheus series the compact SLO annotations read for entities
       * with `prometheus.io/job` (docs/slo.md, "SLOs from Prometheus").
       * Wrong names stop startup with the key named.
       */
      prometheus?: {
        /** Counter of HTTP requests with a status-code label. Default `http_requests_total`. */
        requestsMetric?: string;
        /**
         * Histogram of request durations in seconds; its `_bucket` series
         * are read (the name may end in `_bucket`). Default
         * `http_request_duration_seconds`.
         */
        durationMetric?: string;
        /** Label of the requests counter holding the HTTP status code. Default `code`. */
        statusLabel?: string;
      };
    };
    /**
     * Change management policy. Everything is optional: what is left out is
     * the seed's policy (docs/changes.md).
     */
    changes?: {
      /**
       * Pre-approved standard change types; a standard change must name one.
       * Default: routine-deployment, config-update, scaling.
       */
      standardTypes?: Array<{
        /** Stable id stored with the change, lower case with dashes. */
        id: string;
        /** Shown in the form. */
        title: string;
        /** Shown in the form as guidance. */
        description?: string;
      }>;
      /** Approvals a normal change needs, by risk. Default 1, 1 and 2. */
      requiredApprovals?: {
        low?: number;
        medium?: number;
        high?: number;
      };
      /** The recurring maintenance window. Default: first Sunday of each month, 02:00-04:00 America/New_York. */
      maintenanceWindow?: {
        /** IANA time zone of the times below. Default America/New_York. */
        timeZone?: string;
        /** monthly (default) or weekly. */
        frequency?: 'monthly' | 'weekly';
        /** Day of the week, e.g. sunday (default). */
        weekday?:
          | 'monday'
          | 'tuesday'
          | 'wednesday'
          | 'thursday'
          | 'friday'
          | 'saturday'
          | 'sunday';
        /** Which such weekday of the month (monthly): 1-4, or -1 for the last. Default 1. */
        weekOfMonth?: number;
        /** Local start time, HH:mm. Default 02:00. */
        startTime?: string;
        /** Length in minutes. Default 120. */
        durationMinutes?: number;
      };
      /** Days of notice a normal change needs, or a justification. Default 7. */
      noticeDays?: number;
      /**
       * How many minutes before its planned start a standard or normal
       * change may be started; emergency changes may start at any time.
       * Default 30.
       */
      earlyStartMinutes?: number;
      /**
       * Change freezes: no standard or normal change may be planned in or
       * started during one. Dates without a time are whole days in the
       * window's time zone (the end date is included).
       */
      freezes?: Array<{
        /** Shown in the calendar and in warnings. */
        name: string;
        /** ISO 8601 date or date-time. */
        start: string;
        /** ISO 8601 date or date-time. */
        end: string;
      }>;
      /**
       * Groups notified when a normal change awaits approval or an
       * emergency change starts. Default: the SRE and DevOps teams.
       */
      approverGroups?: string[];
      /**
       * Seconds a user's permission decisions on change requests are reused
       * (per user and token, never shared between users), so that paging
       * through the list does not ask the permission backend on every
       * request. A change of the permission policy shows after at most this
       * long. 0: ask on every request. Default 10, at most 300.
       */
      decisionTtlSeconds?: number;
    };
    /**
     * Operational KPIs (docs/kpis.md). Everything is optional: what is left
     * out is the seed's KPI tables.
     */
    kpis?: {
      /** Targets, in the units people write them. */
      targets?: {
        /** Uptime at least this, in percent. Default 99.9. */
        uptimePercent?: number;
        /** MTBF more than this many hours. Default 720. */
        mtbfHours?: number;
        /** MTTR less than this many minutes. Default 30. */
        mttrMinutes?: number;
        /** Fewer incidents than this a month. Default 5. */
        incidentsPerMonth?: number;
        /** Change success rate more than this, in percent. Default 95. */
        changeSuccessPercent?: number;
        /** At least this many deployments a day ("daily"). Default 1. */
        deploymentsPerDay?: number;
        /** Deployment success rate more than this, in percent. Default 95. */
        deploymentSuccessPercent?: number;
        /** Rollback rate less than this, in percent. Default 5. */
        rollbackPercent?: number;
        /** Alert response time less than this many minutes. Default 5. */
        alertResponseMinutes?: number;
        /** Incident resolution time less than this many hours. Default 2. */
        incidentResolutionHours?: number;
        /** Post-incident reviews completed on time at least this, in percent. Default 90. */
        reviewsOnTimePercent?: number;
        /** Review action items overdue at most this many. Default 0. */
        actionItemsOverdue?: number;
      };
      /** Severities whose incidents are failures (MTBF, MTTR). Default [P1, P2]. */
      failureSeverities?: string[];
      /** Standard change types that count as deployments. Default [routine-deployment]. */
      deploymentTypes?: string[];
      /** IANA time zone of calendar months. Default UTC. */
      timeZone?: string;
      /** Severities of the open incidents on the overview. Default [P1, P2]. */
      overviewSeverities?: string[];
      /** Days ahead the overview shows planned changes and maintenance windows (1–90). Default 14. */
      upcomingDays?: number;
      /**
       * Seconds a user's KPI report (same scope, entity and period) is
       * answered again without recomputing it (0–3600; 0: every view
       * computes). Default 10.
       */
      reportCacheSeconds?: number;
    };
    /**
     * Alert hygiene (docs/alerts.md): noisy, flapping, stuck and
     * never-firing alarms from CloudWatch's alarm history, alerting-policy
     * coverage, paging load from PagerDuty, and alarm reviews.
     */
    alerts?: {
      /** Minutes between two refreshes of the alarm noise and of the paging load (one replica at a time). Default 15. */
      refreshMinutes?: number;
      /**
       * Days of alarm state changes kept in the database (CloudWatch keeps
       * 30); at least `noise.neverFiredDays`. Default 90.
       */
      historyRetentionDays?: number;
      /** Thresholds of the noise analysis. */
      noise?: {
        /** ALARM→OK round trips within one UTC day that make the day flapping. Default 3. */
        flappingRoundTripsPerDay?: number;
        /** Hours in ALARM after which an alarm is stuck. Default 24. */
        stuckAfterHours?: number;
        /** Days without an ALARM after which an alarm counts as never firing. Default 90. */
        neverFiredDays?: number;
        /** ALARM transitions within 7 days from which an alarm is noisy. Default 5. */
        noisyAlarmsPerWeek?: number;
        /** Leave alarms and incidents inside maintenance windows out of counts and rankings. Default true. */
        excludeMaintenance?: boolean;
      };
      /** Business hours of the paging load. */
      paging?: {
        /** IANA time zone the hours are in. Default UTC. */
        timeZone?: string;
        /** Working days, 1 (Monday) to 7 (Sunday). Default [1, 2, 3, 4, 5]. */
        workingDays?: number[];
        /** Business hours [start, end) in whole hours. Default [9, 17]. */
        businessHours?: number[];
        /** Night [start, end) in whole hours, wrapping midnight. Default [22, 7]. */
        nightHours?: number[];
        /** Incidents resolved within this many minutes count as auto-resolved (likely noise). Default 5. */
        autoResolveMinutes?: number;
        /** Days of incidents and pages the paging load covers (1–180). Default 30. */
        windowDays?: number;
      };
      /**
       * The alerting policy: the alerts each service must have. Replaces
       * the default (the seed's P1–P4 severity catalogue) when set.
       */
      policy?: Array<{
        /** Stable id, e.g. `p2-error-rate`. */
        id: string;
        /** `P1`, `P2`, `P3` or `P4`. */
        severity: string;
        /** What the rule asks for, e.g. `Error rate > 5 %`. */
        title: string;
        /** Alarms that implement the rule: any metric name or alarm name pattern (`*` wildcards) matching. */
        match: { metricNames?: string[]; alarmNames?: string[] };
        /** Direction the alarm must fire in; `any` skips the threshold check. Default any. */
        comparison?: 'above' | 'below' | 'any';
        /** The policy's threshold in the metric's unit; required unless comparison is any. */
        threshold?: number;
        /** Unit of the threshold, for messages. */
        unit?: string;
        /** Only entities with this tag or `opsportal.dev/alert-policy-scopes` entry need the rule. */
        scope?: string;
      }>;
      /**
       * PagerDuty maintenance windows for change requests: a change started
       * inside the change policy's maintenance window gets a window on the
       * PagerDuty services of its entities (`pagerduty.com/service-id`) until
       * its planned end, ended when the change leaves in-progress. Needs the
       * PagerDuty module with a token that may write.
       */
      maintenanceWindows?: {
        /** Open windows for changes. Default false. */
        enabled?: boolean;
        /**
         * Which starts open a window: `maintenance-window` (default) when the
         * start falls inside an occurrence of `ops.changes.maintenanceWindow`;
         * `planned-window` when the change starts before its planned end.
         */
        startedIn?: 'maintenance-window' | 'planned-window';
        /** Shortest window in minutes (5-1440), used when the planned end is past or nearer. Default 30. */
        minimumMinutes?: number;
        /**
         * Email of the PagerDuty user the windows are written as (PagerDuty's
         * `From` header). Default `ops.incidents.response.fromEmail`; one of
         * the two is required when enabled.
         */
        fromEmail?: string;
        /** Creation attempts per change before the reconciliation gives up (1-100). Default 6. */
        maxAttempts?: number;
        /** Minutes between runs of the reconciliation task, one replica at a time (1-60). Default 5. */
        reconcileEveryMinutes?: number;
      };
    };
    /**
     * Post-incident reviews (docs/reviews.md): which incidents and changes
     * need one, and when it is due.
     */
    reviews?: {
      /** Incidents of these severities get a review. Default [P1, P2]; [] for none. */
      requiredSeverities?: string[];
      /** Emergency change requests get a review once their implementation ends. Default true. */
      emergencyChanges?: boolean;
      /** Business days after the incident (or the change's end) a review is due (0–60). Default 5. */
      dueBusinessDays?: number;
      /** Minutes between two runs of the task that creates required reviews (one replica at a time). Default 10. */
      createEveryMinutes?: number;
      /** The business calendar due dates are counted in. */
      calendar?: {
        /** IANA time zone of the calendar dates. Default UTC. */
        timeZone?: string;
        /** Working days, as lower-case English weekday names. Default monday to friday. */
        weekdays?: Array<
          | 'monday'
          | 'tuesday'
          | 'wednesday'
          | 'thursday'
          | 'friday'
          | 'saturday'
          | 'sunday'
        >;
        /** Public holidays as YYYY-MM-DD: not counted as business days. Default none. */
        holidays?: string[];
      };
    };
    /** Runbooks and the alarms they cover (docs/runbooks.md). */
    runbooks?: {
      /** Minutes between two reads of every entity's runbooks (one replica at a time). Default 30. */
      refreshMinutes?: number;
      /** A runbook last updated longer ago than this many days is flagged stale. Default 180. */
      staleAfterDays?: number;
      /** Largest markdown runbook read, in bytes; larger files are reported, not read. Default 262144. */
      maxFileBytes?: number;
      /** Most markdown files read from one runbooks folder. Default 50. */
      maxFiles?: number;
      /** Where the app serves TechDocs, for links to TechDocs runbook pages. Default `/docs`. */
      techdocsBasePath?: string;
      /** The CloudWatch alarms of entities (`opsportal.dev/alarm-prefix`). */
      alarms?: {
        /** Minutes between two reads of the alarms. Default 2. */
        refreshMinutes?: number;
        /**
         * Tag whose value is an alarm's severity (`P1`–`P4`, `SEV1`–`SEV4`,
         * critical/high/medium/low). Empty string: tags are not read. Default `Severity`.
         */
        severityTag?: string;
        /** Severity of alarms whose name matches, when they carry no severity tag; first match wins. */
        severityRules?: Array<{
          /** Alarm name with `*` wildcards, e.g. `*-replica-lag`. */
          pattern: string;
          /** `P1`, `P2`, `P3` or `P4`. */
          severity: string;
        }>;
        /** Severity of alarms with neither tag nor matching rule. Default `P3`. */
        defaultSeverity?: string;
        /**
         * Above this many alarm prefixes in one region, all the region's
         * alarms are listed in one paged scan instead of one call per prefix. Default 25.
         */
        scanThreshold?: number;
        /**
         * Minutes an alarm's tags are kept in the plugin's cache
         * (`backend.cache`; Redis in production, shared by the replicas). Default 60.
         */
        tagsCacheMinutes?: number;
      };
      /** Shards of the runbook and alarm refreshes; default `ops.refresh.shards`. */
      shards?: number;
    };
    /**
     * Observability of entities (docs/observability.md): logs, traces and
     * dashboards on the entity card "Observability".
     */
    observability?: {
      /** Shards of the logs refresh; default `ops.refresh.shards`. */
      shards?: number;
      /**
       * Logs from CloudWatch Logs Insights for entities with
       * `opsportal.dev/log-groups`: error and warning counts, top error
       * messages, retention. Logs Insights bills by the bytes a query
       * scans; these settings bound that cost. Wrong values stop startup
       * with the key named.
       */
      logs?: {
        /** Minutes between two refreshes (two day-long queries per entity each). Default 15. */
        refreshMinutes?: number;
        /** The policy's hot retention in days: what each log group should keep. Default 30. */
        retentionDays?: number;
        /** The policy's archive retention in days (kept outside CloudWatch Logs, e.g. S3). Default 365. */
        archiveDays?: number;
        /** Log groups per Logs Insights query, 1 to 50 (Logs Insights' limit). Default 50. */
        maxLogGroupsPerQuery?: number;
        /** Seconds a query may run before it is stopped (StopQuery). Default 60. */
        queryTimeoutSeconds?: number;
        /** Entities refreshed per run at most, the least recently read first. Default 200. */
        maxEntitiesPerRefresh?: number;
        /** Error messages shown per entity. Default 5. */
        topErrors?: number;
        /** Field of the JSON log events that holds the level (`ERROR`, `WARN`). Default `level`. */
        levelField?: string;
        /** Field of the JSON log events that holds the message. Default `message`. */
        messageField?: string;
      };
      /**
       * Traces of entities with `opsportal.dev/xray-service`: X-Ray console
       * links, and the last hour's latency and fault rate from X-Ray's
       * service graph (needs the CloudWatch module's traces provider).
       * Out-of-range values stop startup with the key named.
       */
      traces?: {
        /** Seconds the statistics are served before X-Ray is asked again, 10 to 86400. Default 300. */
        cacheSeconds?: number;
        /** Seconds one read of the service graph may take, 1 to 300. Default 20. */
        timeoutSeconds?: number;
      };
      /**
       * Dashboards of entities with `grafana/dashboard-selector` or
       * `grafana/overview-dashboard` (searches need the Grafana module and
       * `ops.grafana.baseUrl`). Out-of-range values stop startup with the
       * key named.
       */
      dashboards?: {
        /** Seconds a search's result is served before Grafana is asked again, 10 to 86400. Default 600. */
        cacheSeconds?: number;
        /** Dashboards shown per entity at most, 1 to 1000. Default 50. */
        maxDashboards?: number;
      };
    };
    /**
     * Business metrics (docs/business-metrics.md): each a CloudWatch metric
     * or a Prometheus query, shown on the entities it belongs to against the
     * same time last week. Checked at startup; a wrong key stops the backend
     * with a message naming it.
     */
    business?: {
      /**
       * Minutes between two refreshes (one replica at a time). Each reads
       * every metric's last 24 hours and the same 24 hours a week earlier:
       * two CloudWatch metrics requested per CloudWatch metric. Default 5.
       */
      refreshMinutes?: number;
      /** The metrics. None by default (the card then says how to add one). */
      metrics?: Array<{
        /** Unique; a lower-case letter, then letters, digits, `_` and `-`. */
        id: string;
        /** Shown on the card, e.g. "Orders per minute". */
        title: string;
        /** count (default), currency, percent or users. */
        unit?: 'count' | 'currency' | 'percent' | 'users';
        /** ISO 4217 code for unit currency. Default USD. */
        currency?: string;
        /**
         * Entity refs whose cards show the metric, e.g.
         * system:default/ecommerce-platform, component:default/order-service.
         * A component's card also shows its system's metrics, folded.
         */
        entities: string[];
        /** A CloudWatch metric (exactly one of cloudwatch and prometheus). */
        cloudwatch?: {
          namespace: string;
          metricName: string;
          /** Dimension names and values, exactly as published. Default none. */
          dimensions?: { [name: string]: string };
          /** Statistic: Sum (default) for counts and amounts, Average for levels and rates. */
          stat?: string;
          /** Region override; default ops.cloudwatch.region. */
          region?: string;
        };
        /** A Prometheus query (needs the Prometheus module). */
        prometheus?: {
          /**
           * PromQL evaluated once per period; `$period` stands for the period
           * as a duration, e.g. `sum(increase(orders_total[$period]))`.
           */
          query: string;
        };
        /**
         * Seconds each value covers: the chart's step and the current value's
         * span (the last complete period). 60 to 3600, a multiple of 60.
         * Default 300.
         */
        period?: number;
        /**
         * Express each period's value as a rate per second, minute or hour
         * (orders of a 300 s period / 5 = orders per minute). Unset: the
         * value as read (levels such as active users or a rate in percent).
         */
        per?: 'second' | 'minute' | 'hour';
        /**
         * Share of last week's value by which the current value may depart,
         * either way, before it is flagged. Default 0.3 (30 %).
         */
        deviationShare?: number;
        /** Whether a higher value is good news (false for cart abandonment). Default true. */
        higherIsBetter?: boolean;
      }>;
    };
    /**
     * Security operations (docs/security-operations.md): the security metrics and
     * alarm-based signals shown on `/security` and on services' security
     * cards, the security contacts and the incident process. Validated at
     * startup; a wrong value stops the backend with a message naming the key.
     */
    security?: {
      /** Minutes between two refreshes of the signals (one replica at a time). Default 5. */
      refreshMinutes?: number;
      /** AWS region of the CloudWatch metrics and alarms; the CloudWatch module's default when absent. */
      region?: string;
      /**
       * Security contacts shown on the page and cards. Values are shown as
       * text; an email becomes a `mailto:` link and a phone number a `tel:`
       * link only when valid, a URL a link only when http(s).
       */
      contacts?: Array<{
        /** Who this is, e.g. `Security Lead`. */
        role: string;
        /** Email address. */
        email?: string;
        /** Phone number, e.g. the 24/7 hotline. */
        phone?: string;
        /** A page (wiki, chat channel) about this contact. */
        url?: string;
      }>;
      /**
       * The security incident process, in order. Default the seed's six
       * steps: detect, contain, investigate scope and impact, eradicate,
       * restore, post-incident analysis.
       */
      process?: Array<{
        /** The step, e.g. `Contain the threat`. */
        title: string;
        /** What to do in this step. */
        description?: string;
      }>;
      /** The security signals; none by default (the page then says how to add them). */
      metrics?: Array<{
        /** Id: a letter, then letters, digits, `_` or `-`; unique. */
        id: string;
        /** Title shown on the card, e.g. `Failed authentication attempts`. */
        title: string;
        /** `count` (default) or `percent`. */
        unit?: 'count' | 'percent';
        /** Window of the current value: `15m`, `1h`, `1d` (1m to 1d). Required for metrics. */
        window?: string;
        /**
         * The seed's alert this signal raises when it reaches its alert
         * threshold (or its alarm fires): `multipleFailedLogins`,
         * `unusualApiAccess`, `privilegeEscalation`, `dataExfiltration`,
         * `malwareDetection`. Absent: the alert is named by the title.
         */
        raises?:
          | 'multipleFailedLogins'
          | 'unusualApiAccess'
          | 'privilegeEscalation'
          | 'dataExfiltration'
          | 'malwareDetection';
        /** A CloudWatch metric (one of cloudwatch, prometheus, alarm). */
        cloudwatch?: {
          /** Namespace, e.g. `ECommerce/Security` or `AWS/WAFV2`. */
          namespace: string;
          /** Metric name, e.g. `FailedLoginAttempts`. */
          metricName: string;
          /** Statistic over the window: `Sum` (default), `Maximum`, `Minimum`, `Average`, `p95`... */
          stat?: string;
          /** Dimensions of the platform-wide metric. */
          dimensions?: { [name: string]: string };
        };
        /**
         * A PromQL query (needs the Prometheus module); `$period` stands
         * for the window (or the chart's period), e.g.
         * `sum(increase(auth_failures_total[$period]))`.
         */
        prometheus?: {
          /** The platform-wide query. */
          query: string;
        };
        /** CloudWatch alarm(s) whose state is the signal: ALARM raises the alert. */
        alarm?: {
          /** The alarm's exact name. */
          name?: string;
          /** Every alarm whose name starts with this. */
          prefix?: string;
        };
        /** Thresholds of a metric (not for alarms). */
        thresholds?: {
          /** Value that makes the signal a warning. */
          warning?: number;
          /** Value that raises the alert. */
          alert: number;
          /** `above` (default: reaching a threshold from below) or `below` (e.g. patch compliance). */
          direction?: 'above' | 'below';
        };
        /**
         * How to scope the signal to one service (the services' security
         * cards); without it the signal is platform-wide only.
         */
        perEntity?: {
          /** Annotation whose value identifies the service; default the entity's name. */
          annotation?: string;
          /** CloudWatch: the dimension set to that value (added to `cloudwatch.dimensions`). */
          dimension?: string;
          /** Prometheus: the query for one service, `$entity` standing for that value. */
          query?: string;
          /** Alarms: the alarm name or prefix for one service, with `$entity`. */
          alarm?: {
            /** Exact alarm name with `$entity`. */
            name?: string;
            /** Alarm name prefix with `$entity`. */
            prefix?: string;
          };
        };
      }>;
    };
    /**
     * The scheduled refreshes of every feature (docs/configuration.md,
     * "Replicas and shards").
     */
    refresh?: {
      /**
       * Each feature's refresh is split into this many shards by a stable
       * hash of the entity ref, each a global scheduler task that one replica
       * runs per interval; their first runs are spread over the interval.
       * 1 to 64. Default 1 (one task per feature).
       */
      shards?: number;
    };
    /**
     * Per-view caches of the entity routes (docs/architecture.md, "Per-view
     * cost and start-up").
     */
    viewCache?: {
      /**
       * Seconds a user's catalog answer for an entity is reused by the entity
       * routes (per user and entity; "not found" is never reused). 0 asks the
       * catalog on every view. Default 10.
       */
      entityTtlSeconds?: number;
      /**
       * Milliseconds a parsed snapshot is served before its version is
       * checked in the database again (a refresh by another replica shows
       * within this time; one by this replica at once). Default 1000.
       */
      snapshotRevalidateMs?: number;
    };
    /**
     * When refreshes may start after a start: once the catalog's first
     * complete read is done (docs/architecture.md, "Per-view cost and start-up").
     */
    catalogReadiness?: {
      /** Seconds the catalog's entity count must stay unchanged. Default 15. */
      settleSeconds?: number;
      /** Seconds after which refreshes start anyway, with a warning. Default 300. */
      maxWaitSeconds?: number;
    };
  };
}
