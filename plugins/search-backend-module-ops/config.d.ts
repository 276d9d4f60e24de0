import { SchedulerServiceTaskScheduleDefinitionConfig } from '@backstage/backend-plugin-api';

export interface Config {
  search?: {
    collators?: {
      /** The ops portal's runbooks collator. */
      opsRunbooks?: {
        /**
         * When runbooks are indexed again. Default: every 30 minutes, the
         * first time one minute after startup.
         */
        schedule?: SchedulerServiceTaskScheduleDefinitionConfig;
      };
    };
  };
}
