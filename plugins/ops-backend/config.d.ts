export interface Config {
  /** Configuration of the ops portal backend (plugin id `ops`). */
  ops?: {
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
    };
  };
}
