/**
 * Every command a member may call was thought about: either it is narrowed for members (a member
 * handler exists) or it is listed here as the same for everyone, with why. A new member-callable
 * command fails this test until someone decides which.
 */
import { describe, expect, it } from 'vitest';
import { commandNames } from '../../app/contract';
import { createHandlers, createMemberHandlers } from '../../app/studio/create-handlers';
import { Studio } from '../../app/studio/studio';
import { COMMAND_ROLES } from '../../app/team/command-roles';

/** Member-callable commands that need no narrowing, and why. */
const SAME_FOR_EVERYONE: Record<string, string> = {
  'projects.current': 'the project name and counts, which every member sees on their page',
  'environment.info': 'the studio version and host kind',
  'team.guidelines': 'the guidelines are for everyone',
  'judgments.agreement': 'reviewers see the whole project agreement',
  'judgments.conflicts': 'reviewers settle every conflict',
  'team.progress': 'reviewers follow everyone',
  'team.plan': 'reviewers read the plan',
  'team.guidelinesHistory': 'reviewers read past versions',
};

describe('command roles', () => {
  const studio = new Studio({ kind: 'browser' });
  const handlers = createHandlers(studio);
  const member = createMemberHandlers(studio, handlers);

  it('narrows every member-callable command or says why it need not', () => {
    const open = commandNames.filter((name) => COMMAND_ROLES[name] !== 'owner');
    const unexplained = open.filter((name) => member[name] === undefined && SAME_FOR_EVERYONE[name] === undefined);
    expect(unexplained).toEqual([]);
    const both = open.filter((name) => member[name] !== undefined && SAME_FOR_EVERYONE[name] !== undefined);
    expect(both).toEqual([]);
  });

  it('defines member handlers only for commands members may call', () => {
    const ownerOnly = (Object.keys(member) as (keyof typeof member)[]).filter((name) => COMMAND_ROLES[name] === 'owner');
    expect(ownerOnly).toEqual([]);
  });

  it('gives annotators the judging commands and nothing that changes or reads the project beyond their queue', () => {
    const annotator = commandNames.filter((name) => COMMAND_ROLES[name] === 'annotator').sort();
    expect(annotator).toEqual(
      [
        'environment.info', 'environment.settings', 'items.get', 'items.list', 'items.setFlag', 'items.setNote',
        'judgments.delete', 'judgments.save', 'judgments.undo', 'projects.current', 'team.acceptGuidelines',
        'team.guidelines', 'team.me', 'team.myProgress',
      ].sort(),
    );
  });
});
