import {
  SchedulerService,
  SchedulerServiceTaskInvocationDefinition,
  SchedulerServiceTaskScheduleDefinition,
} from '@backstage/backend-plugin-api';
import express from 'express';

/** A refresh task of a feature, as the plugin hands it to the scheduler. */
export type OpsTask = SchedulerServiceTaskScheduleDefinition &
  Pick<SchedulerServiceTaskInvocationDefinition, 'id' | 'fn'>;

/**
 * The one face of every feature folder: `createXFeature(deps)` answers its
 * routes, its service (the only way other features read its data) and its
 * refresh tasks, which the plugin schedules (global ones run on one replica
 * at a time).
 */
export interface OpsFeature<TService> {
  router: express.Router;
  service: TService;
  tasks: OpsTask[];
}

/** Schedules the tasks of every feature. */
export async function scheduleFeatureTasks(
  scheduler: SchedulerService,
  features: { tasks: OpsTask[] }[],
): Promise<void> {
  for (const feature of features) {
    for (const task of feature.tasks) {
      await scheduler.scheduleTask(task);
    }
  }
}
