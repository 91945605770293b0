import { describe, expect, it } from 'vitest';
import {
  draftToPlan,
  formatAgreementCell,
  formatCoefficient,
  formatGoldAccuracy,
  formatGuidelinesSeen,
  formatSeconds,
  formatShare,
  formatSince,
  goldRateToPercent,
  inviteLink,
  parseExpiryHours,
  planToDraft,
  plansEqual,
  SERVE_URL_PLACEHOLDER,
  sortMembers,
} from '../../renderer/views/team/team-format';
import type { TeamMember } from '../../renderer/views/team/team-types';

describe('invite links', () => {
  it('puts the secret in ?token= on the origin, once, without a doubled slash', () => {
    expect(inviteLink('http://127.0.0.1:7860', 'abc123')).toBe('http://127.0.0.1:7860/?token=abc123');
    expect(inviteLink('https://studio.example/', 'abc123')).toBe('https://studio.example/?token=abc123');
  });

  it('escapes characters a URL cannot carry as they are', () => {
    expect(inviteLink('http://h', 'a+b/c=')).toBe('http://h/?token=a%2Bb%2Fc%3D');
  });

  it('spells the desktop app link with the serve URL to fill in', () => {
    expect(inviteLink(SERVE_URL_PLACEHOLDER, 's3cret')).toBe('<serve URL>/?token=s3cret');
  });
});

describe('gold accuracy', () => {
  it('reads "correct/answered · percent"', () => {
    expect(formatGoldAccuracy({ answered: 5, correct: 4 })).toBe('4/5 · 80 %');
    expect(formatGoldAccuracy({ answered: 3, correct: 2 })).toBe('2/3 · 67 %');
    expect(formatGoldAccuracy({ answered: 1, correct: 0 })).toBe('0/1 · 0 %');
  });

  it('is a dash before any gold item was answered', () => {
    expect(formatGoldAccuracy({ answered: 0, correct: 0 })).toBe('—');
  });
});

describe('agreement figures', () => {
  it('shows coefficients with two decimals and a real minus sign', () => {
    expect(formatCoefficient(0.7123)).toBe('0.71');
    expect(formatCoefficient(-0.25)).toBe('−0.25');
    expect(formatCoefficient(-0.001)).toBe('0.00');
    expect(formatCoefficient(1)).toBe('1.00');
    expect(formatCoefficient(null)).toBe('—');
    expect(formatCoefficient(Number.NaN)).toBe('—');
  });

  it('shows shares as whole percentages', () => {
    expect(formatShare(0.853)).toBe('85 %');
    expect(formatShare(null)).toBe('—');
  });

  it('combines kappa and percent agreement, or a dash when neither exists', () => {
    expect(formatAgreementCell(0.6, 0.8)).toBe('0.60 · 80 %');
    expect(formatAgreementCell(null, 1)).toBe('— · 100 %');
    expect(formatAgreementCell(null, null)).toBe('—');
  });
});

describe('times', () => {
  it('formats the median seconds per judgment', () => {
    expect(formatSeconds(null)).toBe('—');
    expect(formatSeconds(4.26)).toBe('4.3 s');
    expect(formatSeconds(42.4)).toBe('42 s');
    expect(formatSeconds(65)).toBe('1 min 05 s');
  });

  it('says how long ago something happened', () => {
    const now = Date.parse('2026-12-03T12:00:00Z');
    expect(formatSince(null, now)).toBe('never');
    expect(formatSince('2026-12-03T11:59:30Z', now)).toBe('just now');
    expect(formatSince('2026-12-03T11:57:00Z', now)).toBe('3 min ago');
    expect(formatSince('2026-12-03T09:00:00Z', now)).toBe('3 h ago');
    expect(formatSince('2026-12-02T12:00:00Z', now)).toBe('yesterday');
    expect(formatSince('2026-11-29T12:00:00Z', now)).toBe('4 days ago');
    expect(formatSince('not a date', now)).toBe('not a date');
  });

  it('says which guidelines a member accepted', () => {
    expect(formatGuidelinesSeen(null, 3)).toBe('not yet');
    expect(formatGuidelinesSeen(3, 3)).toBe('v3');
    expect(formatGuidelinesSeen(2, 3)).toBe('v2 (current is v3)');
  });
});

describe('the plan form', () => {
  const plan = { overlap: 3, split: 'train' as const, search: 'cat', flagged: true, leaseMinutes: 30, batch: 5, goldRate: 0.07 };

  it('shows the gold rate as a percentage without float noise', () => {
    expect(goldRateToPercent(0.07)).toBe('7');
    expect(goldRateToPercent(0.125)).toBe('12.5');
    expect(goldRateToPercent(0)).toBe('0');
  });

  it('round-trips a plan through the draft', () => {
    const back = draftToPlan(planToDraft(plan));
    expect(back.problem).toBeNull();
    expect(back.plan).toEqual(plan);
    expect(back.plan && plansEqual(back.plan, plan)).toBe(true);
  });

  it('maps "all" to a null split and percent to a 0–1 rate', () => {
    const draft = { ...planToDraft(plan), split: 'all' as const, goldPercent: '10' };
    expect(draftToPlan(draft).plan).toEqual({ ...plan, split: null, goldRate: 0.1 });
  });

  it('maps an empty search and "flagged or not" to no filter', () => {
    const draft = { ...planToDraft(plan), search: '  ', flagged: 'all' as const };
    expect(draftToPlan(draft).plan).toEqual({ ...plan, search: null, flagged: null });
    expect(draftToPlan({ ...draft, flagged: 'unflagged' }).plan?.flagged).toBe(false);
  });

  it('names the first field that is wrong', () => {
    const draft = planToDraft(plan);
    expect(draftToPlan({ ...draft, overlap: '0' }).problem).toMatch(/People per item/);
    expect(draftToPlan({ ...draft, overlap: '1.5' }).problem).toMatch(/People per item/);
    expect(draftToPlan({ ...draft, overlap: '' }).problem).toMatch(/People per item/);
    expect(draftToPlan({ ...draft, leaseMinutes: '20000' }).problem).toMatch(/Lease/);
    expect(draftToPlan({ ...draft, batch: '101' }).problem).toMatch(/held at once/);
    expect(draftToPlan({ ...draft, goldPercent: '120' }).problem).toMatch(/Gold rate/);
    expect(draftToPlan({ ...draft, goldPercent: '' }).problem).toMatch(/Gold rate/);
  });
});

describe('invite expiry', () => {
  it('is absent when empty, a number of hours when valid, null otherwise', () => {
    expect(parseExpiryHours('')).toBeUndefined();
    expect(parseExpiryHours('  ')).toBeUndefined();
    expect(parseExpiryHours('48')).toBe(48);
    expect(parseExpiryHours('0.5')).toBe(0.5);
    expect(parseExpiryHours('0')).toBeNull();
    expect(parseExpiryHours('-1')).toBeNull();
    expect(parseExpiryHours('abc')).toBeNull();
    expect(parseExpiryHours(String(24 * 366))).toBeNull();
  });
});

describe('members order', () => {
  const member = (id: number, status: TeamMember['status'], createdAt: string): TeamMember => ({
    id,
    name: `m${id}`,
    role: 'annotator',
    status,
    createdAt,
    expiresAt: null,
    revokedAt: null,
    lastSeenAt: null,
    guidelinesSeen: null,
  });

  it('lists active members first, newest first, then expired, then revoked', () => {
    const sorted = sortMembers([
      member(1, 'revoked', '2026-01-01T00:00:00Z'),
      member(2, 'active', '2026-01-01T00:00:00Z'),
      member(3, 'expired', '2026-01-03T00:00:00Z'),
      member(4, 'active', '2026-01-02T00:00:00Z'),
    ]);
    expect(sorted.map((m) => m.id)).toEqual([4, 2, 3, 1]);
  });
});
