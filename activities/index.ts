/** Every activity the worker registers; workflows import only the type. */
import type { ActivityDeps } from './deps';
import { createFinalizationActivities } from './finalization';
import { createPlanningActivities } from './planning';
import { createScrapingActivities } from './scraping';

export function createActivities(deps: ActivityDeps) {
  return {
    ...createPlanningActivities(deps),
    ...createScrapingActivities(deps),
    ...createFinalizationActivities(deps),
  };
}

export type Activities = ReturnType<typeof createActivities>;
export type { ActivityDeps } from './deps';
