/**
 * The least role that may call each contract command and receive each event. The router checks
 * it on every call from a member's connection (app/rpc/router.ts) and the WebSocket binding on
 * every event it forwards; the renderer hiding a button is a courtesy, not the check.
 *
 * `Record<CommandName, Role>` makes a new command a compile error until someone decides who may
 * call it. Commands marked "scoped" take a different path for members: member-scope.ts narrows
 * them to the caller's own queue and records the caller, never a name sent by the client.
 */
import type { CommandName, EventName } from '../contract';
import type { Role } from './types';

export const COMMAND_ROLES: Readonly<Record<CommandName, Role>> = {
  // What any signed-in person needs to load the studio and judge (scoped where marked).
  'projects.current': 'annotator',
  'environment.info': 'annotator',
  'environment.settings': 'annotator', // scoped: a member's name is their member name
  'items.list': 'annotator', // scoped: a member's queue is the items handed to them
  'items.get': 'annotator', // scoped: only items handed to them (reviewers: any)
  'items.setFlag': 'annotator', // scoped
  'items.setNote': 'annotator', // scoped
  'judgments.save': 'annotator', // scoped: recorded under the member, with the guidelines version
  'judgments.undo': 'annotator', // scoped
  'judgments.delete': 'annotator', // scoped
  'team.me': 'annotator',
  'team.guidelines': 'annotator',
  'team.acceptGuidelines': 'annotator',
  'team.myProgress': 'annotator',

  // Reviewers: agreement, conflicts, adjudication, and the team's progress.
  'judgments.agreement': 'reviewer',
  'judgments.conflicts': 'reviewer',
  'judgments.adjudicate': 'reviewer', // scoped: recorded under the reviewer
  'team.progress': 'reviewer',
  'team.plan': 'reviewer',
  'team.guidelinesHistory': 'reviewer',

  // The owner: everything that changes the project, reads beyond judging, trains or serves.
  'team.members': 'owner',
  'team.invite': 'owner',
  'team.revoke': 'owner',
  'team.setPlan': 'owner',
  'team.setGuidelines': 'owner',
  'team.gold': 'owner',
  'team.setGold': 'owner',
  'team.clearGold': 'owner',
  'projects.open': 'owner',
  'projects.create': 'owner',
  'projects.openSample': 'owner',
  'projects.recent': 'owner',
  'items.setSplit': 'owner',
  'items.delete': 'owner',
  'dataset.import': 'owner',
  'dataset.cancelImport': 'owner',
  'dataset.preview': 'owner',
  'dataset.imports': 'owner',
  'dataset.export': 'owner',
  'dataset.resplit': 'owner',
  'environment.training': 'owner',
  'environment.setupTraining': 'owner',
  'environment.checkModel': 'owner',
  'environment.tinyModel': 'owner',
  'environment.updateSettings': 'owner',
  'environment.pickPath': 'owner',
  'runs.list': 'owner',
  'runs.get': 'owner',
  'runs.configSchema': 'owner',
  'runs.presets': 'owner',
  'runs.estimate': 'owner',
  'runs.start': 'owner',
  'runs.stop': 'owner',
  'runs.delete': 'owner',
  'runs.metrics': 'owner',
  'runs.log': 'owner',
  'checkpoints.list': 'owner',
  'evaluations.list': 'owner',
  'evaluations.get': 'owner',
  'evaluations.start': 'owner',
  'evaluations.cancel': 'owner',
  'evaluations.delete': 'owner',
  'evaluations.compare': 'owner',
  'evaluations.compareItems': 'owner',
  'evaluations.itemScores': 'owner',
  'scoring.score': 'owner',
  'serving.start': 'owner',
  'serving.stop': 'owner',
  'serving.status': 'owner',
  'models.exports': 'owner',
  'models.export': 'owner',
  'models.deleteExport': 'owner',
};

/**
 * Who receives each event. `judgments.onChanged` names items and annotators, so annotators (who
 * see only their own queue) do not get it; they refetch their own figures after their own saves.
 */
export const EVENT_ROLES: Readonly<Record<EventName, Role>> = {
  'projects.onChanged': 'annotator',
  'team.onChanged': 'annotator',
  'judgments.onChanged': 'reviewer',
  'dataset.onImportProgress': 'owner',
  'dataset.onExportProgress': 'owner',
  'runs.onChanged': 'owner',
  'runs.onLog': 'owner',
  'runs.onMetrics': 'owner',
  'checkpoints.onAdded': 'owner',
  'environment.onSetupLog': 'owner',
  'evaluations.onChanged': 'owner',
  'serving.onChanged': 'owner',
  'models.onExportProgress': 'owner',
};
