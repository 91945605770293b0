import type { Handlers, MemberHandlers } from '../rpc/router';
import { checkpointHandlers } from './handlers/checkpoint-handlers';
import { datasetHandlers } from './handlers/dataset-handlers';
import { environmentHandlers } from './handlers/environment-handlers';
import { evaluationHandlers } from './handlers/evaluation-handlers';
import { itemHandlers } from './handlers/item-handlers';
import { judgmentHandlers } from './handlers/judgment-handlers';
import { projectHandlers } from './handlers/project-handlers';
import { runHandlers } from './handlers/run-handlers';
import { modelHandlers } from './handlers/model-handlers';
import { scoringHandlers } from './handlers/scoring-handlers';
import { servingHandlers } from './handlers/serving-handlers';
import { memberHandlers } from './handlers/member-handlers';
import { teamHandlers } from './handlers/team-handlers';
import type { Studio } from './studio';

/** The complete handler table; the `Handlers` type makes a missing command a compile error. */
export function createHandlers(studio: Studio): Handlers {
  return {
    ...projectHandlers(studio),
    ...itemHandlers(studio),
    ...judgmentHandlers(studio),
    ...datasetHandlers(studio),
    ...environmentHandlers(studio),
    ...runHandlers(studio),
    ...checkpointHandlers(studio),
    ...scoringHandlers(studio),
    ...servingHandlers(studio),
    ...modelHandlers(studio),
    ...evaluationHandlers(studio),
    ...teamHandlers(studio),
  };
}

/** What a team member's calls run instead (app/team/command-roles.ts; member-handlers.ts). */
export function createMemberHandlers(studio: Studio, handlers: Handlers): MemberHandlers {
  return memberHandlers(studio, handlers);
}
