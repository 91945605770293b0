/** What a member is shown from `team.me` and `team.myProgress`: the guidelines modal's trigger and the toolbar figures. */
import { describe, expect, it } from 'vitest';
import type { MemberProgress, TeamSession } from '../../renderer/client/contract-types';
import { guidelinesUnread, OWNER_SESSION } from '../../renderer/state/team-store';
import { myProgressText } from '../../renderer/views/annotate/use-my-progress';

const alice: TeamSession = { role: 'annotator', name: 'alice', memberId: 3, guidelinesVersion: 2, guidelinesSeen: null };

describe('guidelinesUnread', () => {
  it('asks a member who never accepted, and again when a newer version exists', () => {
    expect(guidelinesUnread(alice)).toBe(true);
    expect(guidelinesUnread({ ...alice, guidelinesSeen: 1 })).toBe(true);
    expect(guidelinesUnread({ ...alice, guidelinesSeen: 2 })).toBe(false);
  });

  it('never asks when there are no guidelines, nor the owner', () => {
    expect(guidelinesUnread({ ...alice, guidelinesVersion: null })).toBe(false);
    expect(guidelinesUnread({ ...OWNER_SESSION, guidelinesVersion: 4 })).toBe(false);
  });
});

describe('myProgressText', () => {
  const base: MemberProgress = {
    memberId: 3, name: 'alice', role: 'annotator', status: 'active', judgedToday: 12, judgedTotal: 40, holding: 2,
    medianSeconds: null, gold: { answered: 0, correct: 0 }, kappa: null, percentAgreement: null, sharedItems: 0, lastJudgedAt: null,
  };
  it('says today and total, and gold once some were answered', () => {
    expect(myProgressText(base)).toEqual({ counts: 'Today 12 · total 40', gold: null });
    expect(myProgressText({ ...base, gold: { answered: 5, correct: 4 } }).gold).toBe('gold 4/5');
  });
});
