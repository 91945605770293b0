import type { CommandArgs } from '../../contract';
import type { Handlers, MemberHandlers } from '../../rpc/router';
import type { ProjectStore } from '../../store/project-store';
import type { ItemDetail } from '../../store/types';
import type { UndoResult } from '../../annotation/types';
import type { MemberIdentity } from '../../team/team';
import type { Studio } from '../studio';

type JudgmentHandlers = Pick<
  Handlers,
  | 'judgments.save'
  | 'judgments.undo'
  | 'judgments.delete'
  | 'judgments.agreement'
  | 'judgments.conflicts'
  | 'judgments.adjudicate'
>;

/**
 * Who a judgment is recorded under: the owner names themselves (Settings); a team member is
 * the person their link belongs to, whatever name the client sent, and may only touch items
 * handed to them (app/team/team.ts).
 */
interface Judge {
  annotator: string;
  member: MemberIdentity | null;
}

function ownerJudge(annotator: string): Judge {
  return { annotator, member: null };
}

function memberJudge(member: MemberIdentity): Judge {
  return { annotator: member.name, member };
}

/**
 * Judgments are the hot path (one per key press), so they announce themselves with the cheap
 * `judgments.onChanged` instead of `projects.onChanged`, whose summary costs ~100 ms on 100k
 * items; views refetch counts when they show them.
 */
class JudgmentActions {
  constructor(private readonly studio: Studio) {}

  private changed(itemId: string, annotator: string): void {
    this.studio.events.emit('judgments.onChanged', { itemId, annotator });
  }

  // A replayed actionId (the client never got the first answer) changes nothing and announces
  // nothing; the answer is the item as it stands, which is what the first answer would show.
  save({ actionId, annotator: _sent, ...input }: CommandArgs<'judgments.save'>, judge: Judge): ItemDetail {
    const store = this.studio.project();
    const team = this.studio.team();
    // The guidelines in force are recorded with every judgment made in the studio.
    const write = () => store.saveJudgment({ ...input, annotator: judge.annotator, source: 'ui', guidelineVersion: team.guidelinesVersion() });
    const applied = store.applyOnce(actionId, 'judgments.save', () => {
      if (judge.member === null) write();
      else team.saveAssigned(judge.member, input.itemId, write);
    });
    if (applied) this.changed(input.itemId, judge.annotator);
    return store.getItem(input.itemId, judge.annotator);
  }

  undo(actionId: string | undefined, judge: Judge): UndoResult {
    const store = this.studio.project();
    // A holder object rather than a `let`: TypeScript cannot see the callback assign a local.
    const outcome: { undone: ReturnType<ProjectStore['undoJudgment']> } = { undone: null };
    store.applyOnce(actionId, 'judgments.undo', () => {
      outcome.undone = store.undoJudgment(judge.annotator);
      if (outcome.undone !== null && judge.member !== null) this.studio.team().reopenIfUnjudged(judge.member, outcome.undone.itemId);
    });
    const { undone } = outcome;
    if (undone === null) return { undone: null, item: null };
    this.changed(undone.itemId, judge.annotator);
    return { undone: undone.entry, item: store.getItem(undone.itemId, judge.annotator) };
  }

  delete(itemId: string, actionId: string | undefined, judge: Judge): ItemDetail {
    const store = this.studio.project();
    const team = this.studio.team();
    if (judge.member !== null) team.assignmentFor(judge.member, itemId);
    let deleted = false;
    store.applyOnce(actionId, 'judgments.delete', () => {
      deleted = store.deleteJudgment(itemId, judge.annotator);
      if (deleted && judge.member !== null) team.reopenIfUnjudged(judge.member, itemId);
    });
    if (deleted) this.changed(itemId, judge.annotator);
    return store.getItem(itemId, judge.annotator);
  }

  adjudicate({ itemId, ranking, note }: CommandArgs<'judgments.adjudicate'>, judge: Judge): ItemDetail {
    const store = this.studio.project();
    store.saveJudgment({ itemId, annotator: judge.annotator, ranking, note: note ?? null, source: 'adjudication', guidelineVersion: this.studio.team().guidelinesVersion() });
    this.changed(itemId, judge.annotator);
    return store.getItem(itemId, judge.annotator);
  }
}

export function judgmentHandlers(studio: Studio): JudgmentHandlers {
  const actions = new JudgmentActions(studio);
  return {
    'judgments.save': (input) => actions.save(input, ownerJudge(input.annotator)),
    'judgments.undo': ({ annotator, actionId }) => actions.undo(actionId, ownerJudge(annotator)),
    'judgments.delete': ({ itemId, annotator, actionId }) => actions.delete(itemId, actionId, ownerJudge(annotator)),
    'judgments.agreement': ({ split }) => studio.project().agreement(split),
    'judgments.conflicts': (options) => studio.project().conflicts(options),
    'judgments.adjudicate': (input) => actions.adjudicate(input, ownerJudge(input.annotator)),
  };
}

/** The same commands for a team member: recorded under them, only on items handed to them. */
export function memberJudgmentHandlers(studio: Studio): Pick<MemberHandlers, 'judgments.save' | 'judgments.undo' | 'judgments.delete' | 'judgments.adjudicate'> {
  const actions = new JudgmentActions(studio);
  return {
    'judgments.save': (input, member) => actions.save(input, memberJudge(member)),
    'judgments.undo': ({ actionId }, member) => actions.undo(actionId, memberJudge(member)),
    'judgments.delete': ({ itemId, actionId }, member) => actions.delete(itemId, actionId, memberJudge(member)),
    'judgments.adjudicate': (input, member) => actions.adjudicate(input, memberJudge(member)),
  };
}
