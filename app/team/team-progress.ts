/**
 * The team's figures: per person — judged today and in all, items held, median seconds per
 * judgment, accuracy on gold items, agreement with the others (Cohen's kappa from the annotation
 * domain, weighted over the people they share items with) — and per project: items with the
 * planned number of votes, items held, conflicts waiting for a reviewer. Computed on request
 * from the judgments themselves (one pass), so they can never drift from the data.
 */
import type { AgreementReport } from '../annotation/types';
import { liveVotes, type VoteRecord } from '../store/item-queries';
import type { ProjectStore } from '../store/project-store';
import type { Ranking } from '../store/types';
import type { Team } from './team';
import type { GoldScore, MemberProgress, TeamMember, TeamProgress } from './types';

/** The responses a ranking puts first (lowest rank), as a sorted key: gold is answered right when they match. */
export function bestKey(ranking: Ranking): string {
  const best = ranking.reduce((low, rank) => Math.min(low, rank), Number.POSITIVE_INFINITY);
  return ranking.flatMap((rank, index) => (rank === best ? [index] : [])).join(',');
}

export function median(values: readonly number[]): number | null {
  if (values.length === 0) return null;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? (sorted[middle] as number) : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
}

function sameLocalDay(iso: string, now: Date): boolean {
  return new Date(iso).toDateString() === now.toDateString();
}

/** Mean kappa and percent agreement of `name` with each other annotator, weighted by items shared. */
function agreementOf(name: string, report: AgreementReport): Pick<MemberProgress, 'kappa' | 'percentAgreement' | 'sharedItems'> {
  let items = 0;
  let kappaWeight = 0;
  let kappaSum = 0;
  let percentSum = 0;
  let percentWeight = 0;
  for (const pair of report.pairs.byAnnotatorPair) {
    if (pair.a !== name && pair.b !== name) continue;
    items += pair.items;
    if (pair.cohensKappa !== null) {
      kappaSum += pair.cohensKappa * pair.items;
      kappaWeight += pair.items;
    }
    if (pair.percentAgreement !== null) {
      percentSum += pair.percentAgreement * pair.items;
      percentWeight += pair.items;
    }
  }
  return {
    kappa: kappaWeight > 0 ? kappaSum / kappaWeight : null,
    percentAgreement: percentWeight > 0 ? percentSum / percentWeight : null,
    sharedItems: items,
  };
}

interface PersonVotes {
  votes: VoteRecord[];
}
function personProgress(
  name: string,
  member: TeamMember | null,
  votes: readonly VoteRecord[],
  gold: ReadonlyMap<number, GoldAnswer>,
  holding: number,
  report: AgreementReport,
  now: Date,
): MemberProgress {
  const goldScore: GoldScore = { answered: 0, correct: 0 };
  for (const vote of votes) {
    const answer = gold.get(vote.itemRowid);
    // Only answers given once the item was gold: the judgment its answer was taken from is no test.
    if (answer === undefined || vote.updatedAt < answer.since) continue;
    goldScore.answered += 1;
    if (bestKey(vote.ranking) === answer.best) goldScore.correct += 1;
  }
  const seconds = votes.flatMap((vote) => (vote.timeMs === null ? [] : [vote.timeMs / 1000]));
  const last = votes.reduce<string | null>((latest, vote) => (latest === null || vote.updatedAt > latest ? vote.updatedAt : latest), null);
  return {
    memberId: member?.id ?? null,
    name,
    role: member?.role ?? null,
    status: member?.status ?? null,
    judgedToday: votes.filter((vote) => sameLocalDay(vote.updatedAt, now)).length,
    judgedTotal: votes.length,
    holding,
    medianSeconds: median(seconds),
    gold: goldScore,
    ...agreementOf(name, report),
    lastJudgedAt: last,
  };
}

function votesByPerson(store: ProjectStore): Map<string, PersonVotes> {
  const byPerson = new Map<string, PersonVotes>();
  for (const vote of liveVotes(store.db)) {
    let entry = byPerson.get(vote.annotator);
    if (entry === undefined) {
      entry = { votes: [] };
      byPerson.set(vote.annotator, entry);
    }
    entry.votes.push(vote);
  }
  return byPerson;
}

interface GoldAnswer {
  best: string;
  since: string;
}

function goldAnswers(team: Team): Map<number, GoldAnswer> {
  return new Map(team.records.gold().map((row) => [row.itemRowid, { best: bestKey(row.ranking), since: row.createdAt }]));
}

/** Everyone's figures: members first (in invite order), then others who judged (owner, imports). */
export function teamProgress(team: Team, store: ProjectStore): TeamProgress {
  const now = new Date();
  const plan = team.plan();
  const report = store.agreement(plan.split ?? undefined);
  const byPerson = votesByPerson(store);
  const gold = goldAnswers(team);
  const holds = team.records.holds(now.toISOString());
  const members = team.members();
  const memberNames = new Set(members.map((m) => m.name));
  const people: MemberProgress[] = members.map((member) =>
    personProgress(member.name, member, byPerson.get(member.name)?.votes ?? [], gold, holds.byMember.get(member.id) ?? 0, report, now),
  );
  for (const [name, entry] of byPerson) {
    if (memberNames.has(name)) continue;
    people.push(personProgress(name, null, entry.votes, gold, 0, report, now));
  }
  const counts = team.records.scopeCounts(plan);
  return {
    plan,
    members: people,
    project: {
      itemsInScope: counts.inScope,
      itemsComplete: counts.complete,
      itemsPartial: counts.partial,
      itemsHeld: holds.items,
      conflictsWaiting: store.unresolvedConflictRowids(plan.split ?? undefined).size,
      goldItems: gold.size,
      kappa: report.pairs.cohensKappa,
      alpha: report.rankings.krippendorffAlpha,
    },
  };
}

/** One person's figures (what an annotator may see of the progress). */
export function personalProgress(team: Team, store: ProjectStore, name: string, member: TeamMember | null): MemberProgress {
  const now = new Date();
  const votes = votesByPerson(store).get(name)?.votes ?? [];
  const holding = member === null ? 0 : team.records.heldCount(member.id, now.toISOString());
  return personProgress(name, member, votes, goldAnswers(team), holding, store.agreement(team.plan().split ?? undefined), now);
}
