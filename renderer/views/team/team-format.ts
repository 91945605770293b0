/**
 * How the Team view reads: invite links, gold accuracy, agreement figures, the plan's gold rate as
 * a percentage. Pure functions, so tests/renderer/team-format.test.ts can pin them down.
 */
import type { AssignmentPlan, GoldScore, TeamMember } from './team-types';

/** What a served studio's address looks like before anyone knows it (desktop app). */
export const SERVE_URL_PLACEHOLDER = '<serve URL>';

/** The link a member opens: the studio's address with their secret as `?token=` (read by client/access-token.ts). */
export function inviteLink(origin: string, secret: string): string {
  const base = origin.replace(/\/+$/, '');
  return `${base}/?token=${encodeURIComponent(secret)}`;
}

/** "4/5 · 80 %"; "—" before the member has answered a gold item. */
export function formatGoldAccuracy(gold: GoldScore): string {
  if (gold.answered <= 0) return '—';
  return `${gold.correct}/${gold.answered} · ${Math.round((gold.correct / gold.answered) * 100)} %`;
}

/** Kappa (or alpha) with two decimals, a real minus sign; "—" when there is not enough overlap. */
export function formatCoefficient(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  const text = Math.abs(value).toFixed(2);
  return value < 0 && text !== '0.00' ? `−${text}` : text;
}

/** A share (0–1) as "85 %"; "—" when undefined. */
export function formatShare(value: number | null): string {
  if (value === null || !Number.isFinite(value)) return '—';
  return `${Math.round(value * 100)} %`;
}

/** "κ 0.71 · 85 %" for the progress table, or "—" when the member shares no item with anyone. */
export function formatAgreementCell(kappa: number | null, percentAgreement: number | null): string {
  if (kappa === null && percentAgreement === null) return '—';
  return `${formatCoefficient(kappa)} · ${formatShare(percentAgreement)}`;
}

/** Median time per judgment: "12 s", "1 min 05 s"; "—" before any timed judgment. */
export function formatSeconds(seconds: number | null): string {
  if (seconds === null || !Number.isFinite(seconds) || seconds < 0) return '—';
  if (seconds < 10) return `${seconds.toFixed(1)} s`;
  if (seconds < 60) return `${Math.round(seconds)} s`;
  const whole = Math.round(seconds);
  return `${Math.floor(whole / 60)} min ${String(whole % 60).padStart(2, '0')} s`;
}

/** "3 min ago", "2 h ago", "yesterday", or the date: when someone was last seen or last judged. */
export function formatSince(iso: string | null, now: number): string {
  if (iso === null) return 'never';
  const then = Date.parse(iso);
  if (Number.isNaN(then)) return iso;
  const seconds = Math.max(0, Math.round((now - then) / 1000));
  if (seconds < 60) return 'just now';
  const minutes = Math.round(seconds / 60);
  if (minutes < 60) return `${minutes} min ago`;
  const hours = Math.round(minutes / 60);
  if (hours < 24) return `${hours} h ago`;
  const days = Math.round(hours / 24);
  if (days === 1) return 'yesterday';
  if (days < 14) return `${days} days ago`;
  return new Date(then).toLocaleDateString(undefined, { dateStyle: 'medium' });
}

/** "v3" or "not yet": which guidelines a member accepted. */
export function formatGuidelinesSeen(version: number | null, current: number | null): string {
  if (version === null) return 'not yet';
  return current !== null && version < current ? `v${version} (current is v${current})` : `v${version}`;
}

/** The plan's gold rate (0–1) as the percentage the form shows, without float noise (0.07 → "7"). */
export function goldRateToPercent(rate: number): string {
  return String(Math.round(rate * 1000) / 10);
}

/** The form's fields as typed: strings, so a half-typed number is not forced into shape. */
export interface PlanDraft {
  overlap: string;
  split: NonNullable<AssignmentPlan['split']> | 'all';
  search: string;
  flagged: 'all' | 'flagged' | 'unflagged';
  leaseMinutes: string;
  batch: string;
  goldPercent: string;
}

export function planToDraft(plan: AssignmentPlan): PlanDraft {
  return {
    overlap: String(plan.overlap),
    split: plan.split ?? 'all',
    search: plan.search ?? '',
    flagged: plan.flagged === null ? 'all' : plan.flagged ? 'flagged' : 'unflagged',
    leaseMinutes: String(plan.leaseMinutes),
    batch: String(plan.batch),
    goldPercent: goldRateToPercent(plan.goldRate),
  };
}

export type PlanCheck = { plan: AssignmentPlan; problem: null } | { plan: null; problem: string };

function wholeNumber(text: string, min: number, max: number): number | null {
  const value = Number(text.trim());
  return text.trim() !== '' && Number.isInteger(value) && value >= min && value <= max ? value : null;
}

/** The draft as the contract's plan (`team.setPlan`), or the first thing wrong with it, in words. */
export function draftToPlan(draft: PlanDraft): PlanCheck {
  const overlap = wholeNumber(draft.overlap, 1, 50);
  if (overlap === null) return { plan: null, problem: 'People per item is a whole number from 1 to 50.' };
  const leaseMinutes = wholeNumber(draft.leaseMinutes, 1, 7 * 24 * 60);
  if (leaseMinutes === null) return { plan: null, problem: 'Lease is a whole number of minutes, from 1 to 10080 (a week).' };
  const batch = wholeNumber(draft.batch, 1, 100);
  if (batch === null) return { plan: null, problem: 'Items held at once is a whole number from 1 to 100.' };
  const goldPercent = Number(draft.goldPercent.trim());
  if (draft.goldPercent.trim() === '' || !Number.isFinite(goldPercent) || goldPercent < 0 || goldPercent > 100) {
    return { plan: null, problem: 'Gold rate is a percentage from 0 to 100.' };
  }
  const split = draft.split === 'all' ? null : draft.split;
  const search = draft.search.trim() === '' ? null : draft.search.trim();
  const flagged = draft.flagged === 'all' ? null : draft.flagged === 'flagged';
  return { plan: { overlap, split, search, flagged, leaseMinutes, batch, goldRate: Math.round(goldPercent * 10) / 1000 }, problem: null };
}

export function plansEqual(a: AssignmentPlan, b: AssignmentPlan): boolean {
  return (
    a.overlap === b.overlap &&
    a.split === b.split &&
    a.search === b.search &&
    a.flagged === b.flagged &&
    a.leaseMinutes === b.leaseMinutes &&
    a.batch === b.batch &&
    a.goldRate === b.goldRate
  );
}

/** Active members first (newest first), then expired and revoked ones. */
export function sortMembers(members: readonly TeamMember[]): TeamMember[] {
  const order: Record<TeamMember['status'], number> = { active: 0, expired: 1, revoked: 2 };
  return [...members].sort((a, b) => order[a.status] - order[b.status] || b.createdAt.localeCompare(a.createdAt) || b.id - a.id);
}

/** The contract's `expiresInHours` from the form: undefined for "until revoked", null when it is not a valid number. */
export function parseExpiryHours(text: string): number | undefined | null {
  const trimmed = text.trim();
  if (trimmed === '') return undefined;
  const hours = Number(trimmed);
  return Number.isFinite(hours) && hours >= 0.01 && hours <= 24 * 365 ? hours : null;
}
